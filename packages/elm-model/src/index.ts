// @elm/model: the ELM neuron (ELM v1), Branch-ELM (ELM v2), ELM Network and a
// Chrono-LSTM baseline, with the authors' parameter names, routing,
// initialisation, parameter counts and the fused kernels.
export { Module, StateDictError, type StateValue, type StateDictInput } from "./module.js";
export { ConfigError } from "./errors.js";
export {
  resolveElmConfig, elmConfigJson, ROUTINGS,
  type ElmConfig, type ResolvedElmConfig, type Routing, type Activation, type ElmVariant,
} from "./config/elm_config.js";
export { interlockingIndices, overlappingWindowIndices, neuronioRouting, randomRouting, checkRoutingTable, type RoutingTable } from "./routing.js";
export { linearInit, uniformValues, scaledSigmoid, inverseScaledSigmoid, logSpacedTauM, protoTauMInit } from "./init.js";
export { Linear } from "./layers/linear.js";
export { Embedding } from "./layers/embedding.js";
export { Mlp, Sequential } from "./layers/mlp.js";
export { elmNeuron, elmNeuronAsync, type ElmOpAttrs, type ElmOpShape, type ElmOpTensors, type ElmOpResult } from "./ops/elm_op.js";
export { ElmBase, type ModelOptions, type ElmState, type ElmDerived } from "./elm_base.js";
export { ElmNeuron, type ElmNeuronConfig } from "./elm_neuron.js";
export { BranchElm, type BranchElmConfig } from "./branch_elm.js";
export { mlpParameterCount, elmTrainableParameterCount, networkKc, networkKe, networkParameterCount, type NetworkCountInput } from "./count.js";
export { resolveNetworkConfig, networkConfigJson, type ElmNetworkConfig, type ResolvedElmNetworkConfig } from "./config/network_config.js";
export { makeSrcTable, checkSrcTable, type SrcTableSpec } from "./network_src.js";
export { elmNetwork, elmNetworkAsync, type NetworkOpAttrs, type NetworkOpShape, type NetworkOpTensors, type NetworkOpResult } from "./ops/network_op.js";
export { ElmNetwork, type ElmNetworkState } from "./elm_network.js";
export { ChronoLstm, LstmCore, resolveLstmConfig, type ChronoLstmConfig, type ResolvedChronoLstmConfig, type LstmState } from "./lstm.js";
export { buildModel, MODEL_KINDS, type ModelKind, type AnyModel } from "./factory.js";
// the fused kernels on typed arrays (docs/CONTRACTS.md §2)
export * from "./kernels/index.js";
export {
  elmNetworkForward, elmNetworkBackward, elmNetworkForwardAsync, elmNetworkBackwardAsync, elmNetworkForwardRef, elmNetworkBackwardRef,
  mlpLayerDims, synapsesPerNeuron, zLength, validateNetworkInputs,
  type ElmNetworkShape, type ElmNetworkInputs, type ElmNetworkForwardResult, type ElmNetworkGrads, type ElmNetworkGradsMaybeInput, type ElmNetworkBackwardOptions,
} from "./kernels/network.js";
// PyTorch interop: state dicts, model_config.json, pre-trained checkpoints, predict
export * from "./torch/index.js";
