// The one pickle implementation lives in @elm/datasets (packages/datasets/src/pickle),
// shared with the NeuronIO reader. Until @elm/datasets' index re-exports it
// (`export * from "./pickle/index.js"`), it is reached by path here; then this
// line becomes `export { … } from "@elm/datasets";` and nothing else changes.
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
