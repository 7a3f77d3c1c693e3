// What the trainer uses from @elm/model's PyTorch-interop module (torch/).
// Until the package index re-exports it ("torch interop exports are added by
// the torchio branch"), it is reached by path here; then the line below
// becomes `export { predictFromFiles } from "@elm/model";`.
export { predictFromFiles } from "../../elm-model/src/torch/index.js";
