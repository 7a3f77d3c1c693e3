// @elm/datasets: SHD, SHD-Adding and synthetic spiking digits as batches of
// plain typed arrays (docs/CONTRACTS.md §3).
export type { Batch, BatchOptions, Dataset } from "./batch/types.js";
export { DatasetFileError } from "./errors.js";
export { DataRng } from "./rng.js";
export { checkHdf5File, type Hdf5Header } from "./hdf5/inspect.js";
export { writeHdf5, type H5Node, type H5Scalar } from "./hdf5/writer.js";
export { lookup3 } from "./hdf5/checksum.js";
export { timeBins, digitizeMinusOne, type TimeBins } from "./shd/binning.js";
export { binSamples, scatterSample, type BinnedSamples } from "./shd/binned.js";
export { subsetSamples, samplesFromLists, sampleCount, type SpikeSamples } from "./shd/samples.js";
export { readShd, type ReadShdOptions } from "./shd/read.js";
export { writeShd, SHD_KEYS } from "./shd/write.js";
export { splitTrainValid, splitBySpeakers, type Split, type SplitOptions } from "./shd/split.js";
export { ShdDataset, checkIndices, type BinOptions } from "./shd/dataset.js";
export { ShdAddingDataset, addingLabel, type AddingOptions } from "./shd/adding.js";
export { spikeStats, type SpikeStats } from "./shd/stats.js";
export {
  generateSpikingDigits,
  bandOrders,
  resolveSpikingDigitsOptions,
  SPIKING_DIGITS_DEFAULTS,
  SPIKING_DIGITS_CLASSES,
  type SpikingDigitsOptions,
} from "./synthetic/spikingDigits.js";
export { ensureSpikingDigits, loadSpikingDigits, spikingDigitsKey, SPIKING_DIGITS_VERSION, type SpikingDigitsFiles } from "./synthetic/cache.js";
export { fetchShd, parseMd5Sums, FetchError, SHD_BASE_URL, SHD_FILES, type FetchShdOptions, type FetchProgress, type FetchedFile } from "./fetch/fetchShd.js";
export { loadSpikingTask, type SpikingTask, type SpikingTaskOptions } from "./tasks.js";
// byte-level language modelling: enwik8 and a built-in synthetic text (ELM_SPEC §4)
export { TEXT_PAD, BYTE_VOCAB, type TextBatch, type TextBatchOptions, type TextDataset } from "./text/types.js";
export { ByteTextDataset, checkTextBatchOptions, type ByteTextOptions } from "./text/dataset.js";
export { ENWIK8_SPLIT, ENWIK8_BYTES, splitSizes, type TextSplit, type SplitBytes } from "./text/split.js";
export { readEnwik8, splitText, ENWIK8_URL, type ReadEnwik8Options, type TextSplits } from "./text/enwik8.js";
export { listZip, extractZipEntry, looksLikeZip, crc32, type ZipEntry } from "./text/zip.js";
export {
  generateSyntheticText,
  resolveSyntheticTextOptions,
  SYNTHETIC_TEXT_DEFAULTS,
  SYNTHETIC_TEXT_VERSION,
  type SyntheticTextOptions,
} from "./text/syntheticText.js";
export { loadTextTask, findEnwik8, type TextTask, type TextTaskOptions } from "./text/task.js";
// neuronio exports are added by the torchio branch
