// PyTorch interop: state dicts, model_config.json, the authors' pre-trained checkpoints.
export { readTorchStateDict, readTorchCheckpoint, type TorchCheckpoint } from "./read.js";
export { writeTorchStateDict, type WriteTorchOptions } from "./write.js";
export { readTorchArchive, writeTorchArchive, TorchFileError, type TorchArchive } from "./zip.js";
export { TORCH_DTYPES, dtypeInfo, numel, rawToNumbers, rawToFloat64, type RawTensor, type RawTensorData, type TorchDType } from "./rawTensor.js";
export { readModelConfig, modelConfigSchema, ModelConfigError, type ElmModelConfig, type RawModelConfig } from "./modelConfig.js";
export {
  loadPretrained, pretrainedFromStateDict, stateDictForTorch, exportPretrained, neuronioEvalForward, denseFromSparse, predictFromFiles,
  evaluateNeuronioFile, NEURONIO_SOMA_SCALE, type PretrainedOptions, type SparseInput, type PredictFiles, type PredictDir,
  type SparsePrediction, type NeuronioFileEvaluation,
} from "./pretrained.js";
