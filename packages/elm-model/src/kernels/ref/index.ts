export { refElmNeuronForward, refElmNeuronBackward } from "./neuron.js";
export { activate, activateGrad, ctanh, ctanhGradFromOutput, mlpForward, mlpBackward, type MlpDims } from "./mlp.js";
