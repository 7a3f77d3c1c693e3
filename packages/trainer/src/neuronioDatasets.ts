// What the trainer uses from @elm/datasets' NeuronIO module. Until the
// package index re-exports it (`export * from "./neuronio/index.js";`), it is
// reached by path here (as @elm/model's torch module does); then the line
// below becomes `export { … } from "@elm/datasets";` and nothing else changes.
export {
  NeuronioDataset,
  readNeuronioFile,
  writeTeacherFiles,
  rocAucRank,
  rmse as neuronioRmse,
  NEURONIO_SOMA_SCALE,
  type NeuronioBatch,
} from "../../datasets/src/neuronio/index.js";
