// The ELM authors' published checkpoints (neuronio_best_model_state.pt +
// model_config.json) loaded into our ElmNeuron (ELM v1, ELM_SPEC §2) or
// BranchElm (v2, §3), run, and written back as .pt files torch.load reads.
import { readFile, writeFile } from "node:fs/promises";
import { Tensor, noGrad, sigmoid, slice, concat, mul, type Device } from "@elm/core";
import { BranchElm } from "../branch_elm.js";
import type { ElmBase } from "../elm_base.js";
import { ElmNeuron } from "../elm_neuron.js";
import { readModelConfig, ModelConfigError, type ElmModelConfig } from "./modelConfig.js";
import type { RawTensor } from "./rawTensor.js";
import { readTorchStateDict } from "./read.js";
import { writeTorchStateDict } from "./write.js";
import { TorchFileError } from "./zip.js";
import { computeTestPredictions, filterAndExtractCoreResults, readNeuronioSimulations } from "./datasets.js";

/** DEFAULT_Y_TRAIN_SOMA_SCALE of the authors: the soma output is trained ×1/10. */
export const NEURONIO_SOMA_SCALE = 1 / 10;

export interface PretrainedOptions {
  /** float64 (default: exact arithmetic on the float32 weights) or float32 */
  dtype?: "float32" | "float64";
  device?: Device;
}

/** The authors' constructor keywords for our classes, from a parsed config. */
function constructorConfig(c: ElmModelConfig, variant: "v1" | "v2"): Record<string, unknown> {
  const routing = c.routing === "neuronio" ? "neuronio_routing" : c.routing === "random" ? "random_routing" : null;
  const cfg: Record<string, unknown> = {
    num_input: c.numInput, num_output: c.numOutput, num_memory: c.numMemory, lambda_value: c.lambdaValue,
    mlp_num_layers: c.mlpNumLayers, mlp_hidden_size: c.mlpHiddenSize, memory_tau_min: c.memoryTauMin,
    memory_tau_max: c.memoryTauMax, learn_memory_tau: c.learnMemoryTau, w_s_value: c.wSValue, num_branch: c.numBranch,
    num_synapse_per_branch: c.numSynapsePerBranch, input_to_synapse_routing: routing, delta_t: c.deltaT,
  };
  if (variant === "v1") cfg.tau_s_value = c.tauSValue;
  else { cfg.tau_b_value = c.tauBValue; cfg.mlp_activation = c.mlpActivation; }
  return cfg;
}

/**
 * Build the model a state dict + model_config.json describe and load the
 * weights. The class follows the config (tau_s_value / tau_b_value) or, when
 * the config names neither (as the published ones), the state dict (tau_s / tau_b).
 */
export function pretrainedFromStateDict(
  tensors: ReadonlyMap<string, RawTensor>, configJson: string | unknown, opts: PretrainedOptions = {}, source = "checkpoint",
): ElmBase {
  const cfg = readModelConfig(configJson);
  const hasS = tensors.has("tau_s"), hasB = tensors.has("tau_b");
  let variant = cfg.variant;
  if (variant === null) {
    if (hasS === hasB) throw new TorchFileError(`${source}: cannot tell ELM v1 (tau_s) from Branch-ELM (tau_b): the state dict has ${hasS ? "both" : "neither"}`);
    variant = hasS ? "v1" : "v2";
  } else if ((variant === "v1" && !hasS) || (variant === "v2" && !hasB)) {
    throw new ModelConfigError(`${source}: the config is ${variant === "v1" ? "ELM v1 (tau_s_value)" : "Branch-ELM (tau_b_value)"} but the state dict has no ${variant === "v1" ? "tau_s" : "tau_b"}`);
  }
  const o = { dtype: opts.dtype ?? "float64", device: opts.device ?? "ref" } as const;
  const model: ElmBase = variant === "v1"
    ? new ElmNeuron(constructorConfig(cfg, "v1") as never, o)
    : new BranchElm(constructorConfig(cfg, "v2") as never, o);
  const sd = new Map<string, { shape: number[]; data: ArrayLike<number> }>();
  for (const [k, t] of tensors) {
    if (t.dtype === "float16" || t.dtype === "bfloat16") throw new TorchFileError(`${source}: '${k}' is ${t.dtype}, which is not loaded (convert to float32)`);
    // int64 routing indices, bool masks and floats all become numbers; loadStateDict checks ranges and shapes
    const data = t.data instanceof BigInt64Array ? Array.from(t.data, (v) => Number(v)) : (t.data as ArrayLike<number>);
    sd.set(k, { shape: t.shape, data });
  }
  // no routing: the authors store an empty float tensor for the unused index/mask buffers
  model.loadStateDict(sd);
  return model;
}

/** `loadPretrained(ptPath, configPath)`: the authors' checkpoint as a ready model (eval mode). */
export async function loadPretrained(ptPath: string, configPath: string, opts: PretrainedOptions = {}): Promise<ElmBase> {
  const [pt, cfg] = await Promise.all([readFile(ptPath), readFile(configPath, "utf8")]);
  const tensors = readTorchStateDict(new Uint8Array(pt.buffer, pt.byteOffset, pt.byteLength), ptPath);
  return pretrainedFromStateDict(tensors, cfg, opts, ptPath).eval();
}

/**
 * A model's state dict as the authors' checkpoint holds it: float weights as
 * float32 (default) or float64, routing indices int64, the neuronio mask bool
 * (random routing: int64 ones), empty float32 buffers without routing.
 */
export function stateDictForTorch(model: ElmBase, opts: { floatDType?: "float32" | "float64" } = {}): Map<string, RawTensor> {
  const fd = opts.floatDType ?? "float32";
  const routing = model.config.input_to_synapse_routing;
  const out = new Map<string, RawTensor>();
  for (const [k, t] of Object.entries(model.stateDict())) {
    const shape = [...t.shape];
    if (k === "input_to_synapse_indices" || k === "valid_indices_mask") {
      if (routing === null) { out.set(k, { dtype: "float32", shape: [0], data: new Float32Array(0) }); continue; }
      if (k === "valid_indices_mask" && routing === "neuronio_routing") {
        out.set(k, { dtype: "bool", shape, data: Uint8Array.from(t.data as ArrayLike<number>, (v) => (v ? 1 : 0)) });
      } else out.set(k, { dtype: "int64", shape, data: BigInt64Array.from(t.data as ArrayLike<number>, (v) => BigInt(v)) });
      continue;
    }
    out.set(k, fd === "float32"
      ? { dtype: "float32", shape, data: Float32Array.from(t.data as ArrayLike<number>) }
      : { dtype: "float64", shape, data: Float64Array.from(t.data as ArrayLike<number>) });
  }
  return out;
}

/** Write a model as `{ pt: torch.save(state_dict) bytes, config: model_config.json text }`. */
export function exportPretrained(model: ElmBase, opts: { floatDType?: "float32" | "float64"; archiveName?: string } = {}): { pt: Uint8Array; config: string } {
  const pt = writeTorchStateDict(stateDictForTorch(model, opts), { archiveName: opts.archiveName });
  return { pt, config: JSON.stringify(model.describe(), null, 4) + "\n" };
}

/** The authors' neuronio_eval_forward: [spike logit, soma] → [sigmoid(spike logit), soma / y_train_soma_scale]. */
export function neuronioEvalForward(model: ElmBase, x: Tensor, somaScale = NEURONIO_SOMA_SCALE): Tensor {
  return noGrad(() => {
    const y = model.forward(x);
    if (y.shape[2] !== 2) throw new TypeError(`neuronioEvalForward: the model has ${y.shape[2]} outputs, expected 2 (spike, soma)`);
    const spike = sigmoid(slice(y, 2, 0, 1));
    const soma = mul(slice(y, 2, 1, 2), 1 / somaScale);
    return concat([spike, soma], 2);
  });
}

/** The sparse input of expected.json / `elm predict`: rows [b, t, channel, value] and a shape [B, T, C]. */
export interface SparseInput {
  input_shape: [number, number, number];
  input_nonzero: [number, number, number, number][];
}

export function denseFromSparse(inp: SparseInput, dtype: "float32" | "float64" = "float64", device: Device = "ref"): Tensor {
  const shape = inp.input_shape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`input_shape must be [B, T, C] positive integers, got ${JSON.stringify(shape)}`);
  }
  const [B, T, C] = shape;
  const data = new Float64Array(B * T * C);
  if (!Array.isArray(inp.input_nonzero)) throw new RangeError("input_nonzero must be a list of [b, t, channel, value] rows");
  inp.input_nonzero.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== 4) throw new RangeError(`input_nonzero[${i}] must be [b, t, channel, value], got ${JSON.stringify(row)}`);
    const [b, t, c, v] = row;
    if (!Number.isInteger(b) || !Number.isInteger(t) || !Number.isInteger(c) || b < 0 || b >= B || t < 0 || t >= T || c < 0 || c >= C) {
      throw new RangeError(`input_nonzero[${i}] = ${JSON.stringify(row)} lies outside input_shape [${B}, ${T}, ${C}]`);
    }
    if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`input_nonzero[${i}] value ${String(v)} is not a finite number`);
    data[(b * T + t) * C + c] = v;
  });
  return Tensor.fromArray(data, shape, { dtype, device });
}

export interface PredictFiles {
  /** neuronio_best_model_state.pt (or any state-dict .pt) */
  checkpoint: string;
  /** model_config.json */
  config: string;
  /** JSON with input_shape and input_nonzero rows [b, t, channel, value] */
  input: string;
  /** where to write { raw_output, neuronio_eval_output } (each { shape, data }) */
  out: string;
  dtype?: "float32" | "float64";
  device?: Device;
}

/** The `elm predict --model <dir> --input <file…>` call: a model folder and several inputs. */
export interface PredictDir {
  /** folder with model_config.json and one .pt state dict */
  modelDir: string;
  /** sparse-input .json files, or NeuronIO simulation files (.p) to evaluate as the authors do */
  inputs: string[];
  out?: string;
  dtype?: "float32" | "float64";
  device?: Device | string;
  /** NeuronIO evaluation windows (the authors' train_config: 500 and 150) */
  inputWindowSize?: number;
  burnInTime?: number;
}

export interface SparsePrediction {
  raw_output: { shape: number[]; data: number[] };
  neuronio_eval_output: { shape: number[]; data: number[] };
}

export interface NeuronioFileEvaluation {
  file: string;
  simulations: number;
  /** filter_and_extract_core_results: AUC, TP/AUC at FP, soma RMSE/MAE/explained variance */
  results: Record<string, number>;
}

async function predictSparse(model: ElmBase, input: string): Promise<SparsePrediction> {
  let inp: SparseInput;
  try {
    inp = JSON.parse(await readFile(input, "utf8")) as SparseInput;
  } catch (e) {
    throw new RangeError(`${input}: not valid JSON: ${(e as Error).message}`);
  }
  const x = denseFromSparse(inp, model.dtype as "float32" | "float64", model.device);
  const raw = noGrad(() => model.forward(x));
  const ev = neuronioEvalForward(model, x);
  return {
    raw_output: { shape: [...raw.shape], data: raw.toArray() },
    neuronio_eval_output: { shape: [...ev.shape], data: ev.toArray() },
  };
}

/** The authors' NeuronioEvaluator on one simulation file: windowed predictions, then their core results. */
export async function evaluateNeuronioFile(
  model: ElmBase, file: string, opts: { inputWindowSize?: number; burnInTime?: number } = {},
): Promise<NeuronioFileEvaluation> {
  const b = await readFile(file);
  const sim = readNeuronioSimulations(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), file);
  const dtype = model.dtype as "float32" | "float64";
  const p = computeTestPredictions(
    sim,
    (x, shape) => neuronioEvalForward(model, Tensor.fromArray(dtype === "float32" ? x : Float64Array.from(x), shape, { dtype, device: model.device })).data as Float32Array | Float64Array,
    { inputWindowSize: opts.inputWindowSize ?? 500, burnInTime: opts.burnInTime ?? 150 },
  );
  const results = filterAndExtractCoreResults(p) as unknown as Record<string, number>;
  return { file, simulations: sim.numSimulations, results };
}

async function findModelFiles(dir: string): Promise<{ checkpoint: string; config: string }> {
  const { readdir } = await import("node:fs/promises");
  const { join } = await import("node:path");
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new RangeError(`--model ${dir}: cannot read the folder: ${(e as Error).message}`);
  }
  if (!names.includes("model_config.json")) throw new RangeError(`--model ${dir}: no model_config.json in the folder`);
  const pts = names.filter((n) => n.endsWith(".pt") || n.endsWith(".pth"));
  if (pts.length !== 1) throw new RangeError(`--model ${dir}: expected exactly one .pt state dict, found ${pts.length}${pts.length ? ` (${pts.join(", ")})` : ""}`);
  return { checkpoint: join(dir, pts[0]!), config: join(dir, "model_config.json") };
}

/**
 * What `elm predict` does. Two call shapes:
 * - `{ checkpoint, config, input, out }`: one sparse-input JSON → writes and returns `{ raw_output, neuronio_eval_output }`;
 * - `{ modelDir, inputs, out? }`: a model folder and several inputs; each `.json` is a sparse input as above, any
 *   other file a NeuronIO simulation file scored as the authors do. Returns (and writes to `out`) `{ predictions: [...] }`.
 */
export async function predictFromFiles(f: PredictFiles): Promise<SparsePrediction>;
export async function predictFromFiles(f: PredictDir): Promise<{ predictions: (SparsePrediction & { file: string } | NeuronioFileEvaluation)[] }>;
export async function predictFromFiles(f: PredictFiles | PredictDir): Promise<unknown> {
  const device = (f.device ?? "ref") as Device;
  if (device !== "ref" && device !== "cpu" && device !== "cuda") throw new RangeError(`device must be ref, cpu or cuda, got ${String(f.device)}`);
  if ("modelDir" in f) {
    if (!Array.isArray(f.inputs) || f.inputs.length === 0) throw new RangeError("predictFromFiles: inputs must list at least one file");
    const m = await findModelFiles(f.modelDir);
    const model = await loadPretrained(m.checkpoint, m.config, { dtype: f.dtype, device });
    const predictions: (SparsePrediction & { file: string } | NeuronioFileEvaluation)[] = [];
    for (const file of f.inputs) {
      if (file.endsWith(".json")) predictions.push({ file, ...(await predictSparse(model, file)) });
      else predictions.push(await evaluateNeuronioFile(model, file, f));
    }
    const result = { predictions };
    if (f.out) await writeFile(f.out, JSON.stringify(result));
    return result;
  }
  const model = await loadPretrained(f.checkpoint, f.config, { dtype: f.dtype, device });
  const result = await predictSparse(model, f.input);
  await writeFile(f.out, JSON.stringify(result));
  return result;
}
