// Fused ELM kernels on typed arrays (docs/CONTRACTS.md §2).
export * from "./types.js";
export { elmNeuronForward, elmNeuronBackward, elmNeuronForwardAsync, elmNeuronBackwardAsync } from "./neuron.js";
export { validateNeuron, traceSize, type FloatDType } from "./validate.js";
export { KernelMemoryError } from "./backwardSupport.js";
export type { NeuronSaved } from "./saved.js";
export * as refKernels from "./ref/index.js";
