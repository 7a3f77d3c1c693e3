// `cuda` kernels: matmul and the float elementwise ops run on the GPU through the CUDA
// addon (tensors stay host-backed, so each call copies its operands over). Other ops on
// a cuda tensor fall back to the cpu kernels, then ref. The addon is only asked for
// when a cuda tensor exists, which needs a usable GPU (see tensor/device.ts).
import { cudaDense } from "@elm/native";
import { registerNativeDenseKernels } from "../cpu/index.js";

registerNativeDenseKernels("cuda", cudaDense);
