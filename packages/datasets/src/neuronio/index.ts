// NeuronIO: reader, writer, targets, windows, the authors' evaluation, a built-in teacher.
export {
  readNeuronioSimulations, readNeuronioSparse, readNeuronioFile, fillInputWindow, type NeuronioSimulations, type NeuronioSparseSimulations,
} from "./read.js";
export { writeNeuronioSimulations, type NeuronioFileContent, type NeuronioSimulationRecord } from "./write.js";
export {
  NEURONIO_SOMA_THRESHOLD, NEURONIO_SOMA_BIAS, NEURONIO_SOMA_SCALE, somaTarget, somaTarget32, somaFromPrediction, neuronioInputType,
  type SomaTargetOptions,
} from "./targets.js";
export { NeuronioDataset, type NeuronioBatch, type NeuronioWindowOptions, type WindowRef } from "./dataset.js";
export {
  rocCurve, auc, rocAucRank, tpAtFp, aucAtFp, tpAtFpOfCurve, aucAtFpOfCurve, rmse, mae, explainedVariance, extractCoreResults, filterAndExtractCoreResults,
  computeTestPredictions, type RocCurve, type NeuronioCoreResults, type NeuronioPredictions, type FilterOptions,
  type NeuronioEvalForward, type TestPredictionOptions,
} from "./eval.js";
export { pairwiseSum, npMean, npStd, linspace, interp } from "./numeric.js";
export { simulateTeacher, generateTeacherFile, writeTeacherFiles, resolveTeacherOptions, type TeacherOptions } from "./teacher.js";
