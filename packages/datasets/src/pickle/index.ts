// Python pickles: a strict reader (protocol 2–5 binary subset, explicit
// globals only), numpy arrays, and a protocol-2 writer. Shared by the NeuronIO
// reader/teacher here and by @elm/model's PyTorch state-dict import/export.
export { PickleError, pyTuple, isPyTuple, pyTypeName, latin1Bytes, latin1String, type PyTuple, type PyGlobal, type PyStateful, type PyValue } from "./values.js";
export { unpickle, pyFunction, dictAttributes, ORDERED_DICT, type UnpickleOptions } from "./unpickle.js";
export { NumpyArray, NdArrayBuilder, NumpyDTypeObj, numpyGlobals, resolveNumpy, numpyArrayToPickle, CODECS_ENCODE, type NumpyDType, type NumpyData } from "./numpy.js";
export { pickle, Pickler, PyFloat, PyBytes, PyBytesStr, PyGlobalRef, PyCall, PyPersistent, PyTupleOf, type PickleWriteOptions } from "./pickler.js";
export { opcodeName } from "./opcodes.js";
