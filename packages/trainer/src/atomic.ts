// Crash-safe file writing lives in @elm/core (io/atomic.ts), which saveSafetensors
// uses too; re-exported here, where the trainer's checkpoints and results use it.
export { fsyncDir, fsyncFile, tempNameFor, writeAtomicWith, writeFileAtomic, writeFileSynced } from "@elm/core";
