// What src/torch uses from @elm/datasets: the one pickle implementation
// (packages/datasets/src/pickle, shared with the NeuronIO reader) and the
// NeuronIO reader/evaluation. Until @elm/datasets' index re-exports them
// (`export * from "./pickle/index.js"; export * from "./neuronio/index.js";`),
// they are reached by path here; then both lines below become
// `export { … } from "@elm/datasets";` and nothing else changes.
export {
  ORDERED_DICT,
  PickleError,
  PyCall,
  PyFloat,
  PyGlobalRef,
  PyPersistent,
  PyTupleOf,
  dictAttributes,
  isPyTuple,
  pickle,
  pyFunction,
  pyTypeName,
  unpickle,
  type PyGlobal,
  type PyValue,
} from "../../../datasets/src/pickle/index.js";
export {
  readNeuronioSimulations,
  computeTestPredictions,
  filterAndExtractCoreResults,
  type NeuronioCoreResults,
} from "../../../datasets/src/neuronio/index.js";
