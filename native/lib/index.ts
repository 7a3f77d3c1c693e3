// @elm/native: the C++/CUDA addon. Kernel modules add one export line each.
export * from "./loader.js";
export * from "./gc.js";
export * from "./dense.js";
export * from "./elm_neuron.js";
export * from "./elm_network.js";
