// Checkpoints: model weights (safetensors), optimizer state (safetensors of
// float64 buffers + JSON hyper-parameters), trainer state (epoch, step, RNG
// streams, running sums, history, best) and the run's config (JSON).
//
// Layout under `<out>/checkpoints/`:
//   ckpt-<step>-<tag>/{model.safetensors, optimizer.safetensors, state.json, config.json}
//   latest.json   {"dir": "ckpt-…", "step": …}   ← the only pointer a loader follows
// A checkpoint is written into a fresh temporary folder, every file fsynced,
// the folder renamed to its final name, then latest.json replaced atomically
// (temp file, fsync, rename). A kill at any point leaves latest.json naming a
// complete folder (the new one or the previous one); stray folders are pruned
// by the next save.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Tensor, encodeSafetensors, loadSafetensors, type RngState } from "@elm/core";
import { fsyncDir, writeFileAtomic, writeFileSynced } from "./atomic.js";
import type { EpochRecord } from "./history.js";
import type { OptimizerState } from "./optim/optimizer.js";

export const CHECKPOINT_FORMAT = 1;

export interface TrainerState {
  format: number;
  /** Epoch in progress (0-based); `batchInEpoch` batches of it are done. */
  epoch: number;
  batchInEpoch: number;
  /** Optimizer steps taken in total. */
  step: number;
  /** Running sums of the training accumulator of the epoch in progress. */
  trainAccumulator: number[];
  /** Seconds of training so far (all sessions). */
  seconds: number;
  epochSeconds: number;
  rng: Record<string, RngState>;
  history: EpochRecord[];
  best: { metric: number; epoch: number; step: number } | null;
  done: boolean;
}

export interface Checkpoint {
  dir: string;
  model: Record<string, Tensor>;
  optimizer: OptimizerState;
  state: TrainerState;
  config: Record<string, unknown>;
}

const POINTER = "latest.json";

export function checkpointsDir(out: string): string {
  return join(out, "checkpoints");
}

function tag(): string {
  return `${process.pid.toString(36)}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

function optimizerTensors(s: OptimizerState): { tensors: Record<string, Tensor>; meta: Record<string, string> } {
  const tensors: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(s.buffers)) tensors[k] = Tensor.fromArray(v, [v.length], { dtype: "float64" });
  return { tensors, meta: { kind: s.kind, step: String(s.step), lr: String(s.lr), hyper: JSON.stringify(s.hyper) } };
}

function optimizerFrom(tensors: Record<string, Tensor>, meta: Record<string, string>): OptimizerState {
  const buffers: Record<string, Float64Array> = {};
  for (const [k, t] of Object.entries(tensors)) buffers[k] = Float64Array.from(t.data);
  return { kind: meta.kind, step: Number(meta.step), lr: Number(meta.lr), hyper: JSON.parse(meta.hyper), buffers };
}

/** Writes a checkpoint under `<out>/checkpoints` and points latest.json at it. Returns its folder. */
export function saveCheckpoint(out: string, ck: Omit<Checkpoint, "dir">): string {
  const root = checkpointsDir(out);
  mkdirSync(root, { recursive: true });
  const name = `ckpt-${String(ck.state.step).padStart(8, "0")}-${tag()}`;
  const tmp = join(root, `.tmp-${name}`);
  mkdirSync(tmp);
  try {
    writeFileSynced(join(tmp, "model.safetensors"), encodeSafetensors(ck.model, { format: "elm-trainer", kind: String(ck.config.model ?? "") }));
    const o = optimizerTensors(ck.optimizer);
    writeFileSynced(join(tmp, "optimizer.safetensors"), encodeSafetensors(o.tensors, o.meta));
    writeFileSynced(join(tmp, "state.json"), JSON.stringify(ck.state));
    writeFileSynced(join(tmp, "config.json"), `${JSON.stringify(ck.config, null, 2)}\n`);
    fsyncDir(tmp);
    renameSync(tmp, join(root, name));
    fsyncDir(root);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  writeFileAtomic(join(root, POINTER), JSON.stringify({ dir: name, step: ck.state.step, epoch: ck.state.epoch }));
  prune(root, name);
  return join(root, name);
}

/** Removes every checkpoint folder and temporary entry except `keep`. */
function prune(root: string, keep: string): void {
  for (const e of readdirSync(root)) {
    if (e === keep || e === POINTER) continue;
    if (e.startsWith("ckpt-") || e.startsWith(".tmp-") || e.startsWith(`.${POINTER}.tmp-`)) rmSync(join(root, e), { recursive: true, force: true });
  }
}

/** The checkpoint latest.json points at, or null when there is none. Errors name the file at fault. */
export function loadLatestCheckpoint(out: string): Checkpoint | null {
  const root = checkpointsDir(out);
  const ptr = join(root, POINTER);
  if (!existsSync(ptr)) return null;
  let dirName: string;
  try {
    dirName = JSON.parse(readFileSync(ptr, "utf8")).dir;
  } catch (e) {
    throw new Error(`checkpoint pointer ${ptr} is unreadable: ${(e as Error).message}`);
  }
  if (typeof dirName !== "string" || !/^ckpt-[0-9a-z-]+$/.test(dirName)) throw new Error(`checkpoint pointer ${ptr} names no checkpoint folder (got ${JSON.stringify(dirName)})`);
  return loadCheckpointDir(join(root, dirName));
}

export function loadCheckpointDir(dir: string): Checkpoint {
  const need = ["model.safetensors", "optimizer.safetensors", "state.json", "config.json"];
  for (const f of need) if (!existsSync(join(dir, f))) throw new Error(`checkpoint ${dir} lacks ${f}`);
  const model = loadSafetensors(join(dir, "model.safetensors")).tensors;
  const opt = loadSafetensors(join(dir, "optimizer.safetensors"));
  const state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as TrainerState;
  if (state.format !== CHECKPOINT_FORMAT) throw new Error(`checkpoint ${dir} has format ${state.format}; this trainer reads format ${CHECKPOINT_FORMAT}`);
  const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
  return { dir, model, optimizer: optimizerFrom(opt.tensors, opt.metadata ?? {}), state, config };
}

/** Writes weights + config as a standalone model (best.safetensors / final), atomically. */
export function saveModelFile(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}
