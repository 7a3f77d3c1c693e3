// Fused ELM kernels on typed arrays (docs/CONTRACTS.md §2).
export * from "./types.js";
export { elmNeuronForward, elmNeuronBackward } from "./neuron.js";
export { validateNeuron, traceSize } from "./validate.js";
export * as refKernels from "./ref/index.js";
