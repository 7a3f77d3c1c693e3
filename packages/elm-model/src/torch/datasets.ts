// What src/torch uses from @elm/datasets: the one pickle implementation
// (shared with the NeuronIO reader) and the NeuronIO reader/evaluation.
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
} from "@elm/datasets";
export {
  readNeuronioSimulations,
  computeTestPredictions,
  filterAndExtractCoreResults,
  type NeuronioCoreResults,
} from "@elm/datasets";
