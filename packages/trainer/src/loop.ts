// The training loop (ARCHITECTURE "@elm/trainer owns the loop"): forward,
// loss, backward, clip, optimizer step, schedule; validation each epoch and
// best-model selection; JSONL metrics, curve plot, progress; checkpoints that
// resume to exactly the uninterrupted result; SIGINT saves and stops.
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Rng, Tensor, noGrad, type DType, type Device } from "@elm/core";
import { writeFileAtomic } from "./atomic.js";
import { CHECKPOINT_FORMAT, loadLatestCheckpoint, saveCheckpoint, saveModelFile, type TrainerState } from "./checkpoint.js";
import { clipGradNorm } from "./clip.js";
import type { EpochRecord } from "./history.js";
import type { ForwardContext, TrainableModel } from "./model.js";
import { createOptimizer, type OptimizerName } from "./optim/create.js";
import type { Optimizer } from "./optim/optimizer.js";
import { writeCurvePlot } from "./plot.js";
import { NoProgress, type ProgressSink } from "./progress.js";
import { makeSchedule, type ScheduleName } from "./schedule.js";
import type { BatchSource, TrainTask } from "./task.js";

export interface LoopConfig {
  epochs: number;
  lr: number;
  optimizer: OptimizerName;
  weightDecay?: number;
  momentum?: number;
  schedule?: ScheduleName;
  warmupSteps?: number;
  minLr?: number;
  /** Gradient-norm clipping threshold (0 = off). */
  clip?: number;
  seed: number;
  dtype?: DType;
  device?: Device;
  /** Run folder: checkpoints/, metrics.jsonl, best.safetensors, curve.svg/png, result.json. */
  out: string;
  resume?: boolean;
  /** Checkpoint every this many steps as well as at each epoch end (0 = epoch ends only). */
  checkpointEvery?: number;
  /** Write curve.svg / curve.png after each epoch (default true). */
  plot?: boolean;
}

export interface TrainOptions<B> {
  config: LoopConfig;
  model: TrainableModel;
  task: TrainTask<B>;
  /** Written to config.json beside every checkpoint and the best model. */
  runConfig?: Record<string, unknown>;
  progress?: ProgressSink;
  /** Stop (after saving a checkpoint) when aborted; SIGINT does the same when handleSigint. */
  signal?: AbortSignal;
  handleSigint?: boolean;
  /** Called after every optimizer step with the global step count. */
  onStep?: (step: number) => void;
}

export interface EvalResult {
  loss: number;
  metric?: number;
  extra?: Record<string, number>;
}

export interface TrainResult {
  history: EpochRecord[];
  best: { metric: number; epoch: number; step: number } | null;
  /** Test split scored with the best model (or the last when there is no validation split). */
  test?: EvalResult;
  interrupted: boolean;
  steps: number;
  seconds: number;
  out: string;
  finalCheckpoint: string | null;
}

/** Keys of the config that must match for --resume (they change the result). */
const RESUME_KEYS = ["task", "model", "epochs", "batchSize", "lr", "optimizer", "weightDecay", "momentum", "schedule", "warmupSteps", "minLr", "clip", "seed", "dtype", "modelConfig", "stepsPerEpoch", "synthetic", "binMs", "samplesPerEpoch", "validFraction", "trainSamples", "testSamples", "seqLen"];

function checkResumeConfig(saved: Record<string, unknown>, now: Record<string, unknown>, dir: string): void {
  const diff: string[] = [];
  for (const k of RESUME_KEYS) {
    if (!(k in saved)) continue; // written before the key existed
    const a = JSON.stringify(saved[k]);
    const b = JSON.stringify(now[k]);
    if (a !== b) diff.push(`${k}: checkpoint ${a ?? "unset"}, now ${b ?? "unset"}`);
  }
  if (diff.length) throw new Error(`--resume: the checkpoint in ${dir} was made with another configuration:\n  ${diff.join("\n  ")}`);
}

const fmtExtra = (e?: Record<string, number>) => (e ? Object.entries(e).map(([k, v]) => ` ${k} ${v.toFixed(4)}`).join("") : "");

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

function better(a: number, b: number, higher: boolean): boolean {
  if (!Number.isFinite(a)) return false;
  if (!Number.isFinite(b)) return true;
  return higher ? a > b : a < b;
}

async function forward(model: TrainableModel, x: Tensor, ctx: ForwardContext): Promise<Tensor> {
  return await model.forward(x, ctx);
}

/** Scores one split with gradients off. */
export async function evaluate<B>(model: TrainableModel, task: TrainTask<B>, src: BatchSource<B>, opts: { dtype?: DType; device?: Device } = {}): Promise<EvalResult> {
  const acc = task.accumulator("eval");
  const rng = new Rng(0);
  for await (const batch of src.batches(0) as AsyncIterable<B>) {
    const { x, shape } = task.input(batch);
    const xt = Tensor.fromArray(x, shape, { dtype: opts.dtype ?? "float32", device: opts.device ?? "ref" });
    const out = noGrad(() => model.forward(xt, { training: false, rng }));
    const o = out instanceof Promise ? await out : out;
    const loss = noGrad(() => task.loss(o, batch)).item();
    acc.add(o, batch, loss);
    await yieldToEventLoop();
  }
  return acc.result();
}

export async function train<B>(opts: TrainOptions<B>): Promise<TrainResult> {
  const { config: c, model, task } = opts;
  const dtype = c.dtype ?? "float32";
  const device = c.device ?? "ref";
  const progress = opts.progress ?? new NoProgress();
  const runConfig = opts.runConfig ?? { ...c };
  const params = model.namedParameters();
  mkdirSync(c.out, { recursive: true });

  const opt: Optimizer = createOptimizer(params.map(([name, param]) => ({ name, param })), {
    optimizer: c.optimizer,
    lr: c.lr,
    weightDecay: c.weightDecay,
    momentum: c.momentum,
  });
  const stepsPerEpoch = task.train.steps;
  const totalSteps = stepsPerEpoch * c.epochs;
  const schedule = makeSchedule({ kind: c.schedule ?? "cosine", baseLr: c.lr, totalSteps, warmupSteps: c.warmupSteps ?? 0, minLr: c.minLr ?? 0 });
  const dropoutRng = new Rng(c.seed).fork("dropout");

  let state: TrainerState = {
    format: CHECKPOINT_FORMAT,
    epoch: 0,
    batchInEpoch: 0,
    step: 0,
    trainAccumulator: [],
    seconds: 0,
    epochSeconds: 0,
    rng: {},
    history: [],
    best: null,
    done: false,
  };
  const metricsPath = join(c.out, "metrics.jsonl");
  const bestPath = join(c.out, "best.safetensors");

  if (c.resume) {
    const ck = loadLatestCheckpoint(c.out);
    if (!ck) {
      progress.log(`--resume: no checkpoint in ${join(c.out, "checkpoints")}; starting from scratch`);
    } else {
      checkResumeConfig(ck.config, runConfig, ck.dir);
      model.loadStateDict(ck.model);
      opt.loadStateDict(ck.optimizer);
      state = ck.state;
      if (state.rng.dropout) dropoutRng.setState(state.rng.dropout);
      progress.log(`resumed from ${ck.dir}: epoch ${state.epoch + 1}, batch ${state.batchInEpoch}, step ${state.step}`);
    }
  }
  // metrics.jsonl always mirrors the checkpointed history (a kill between the
  // append and the checkpoint would otherwise leave an extra line)
  writeFileAtomic(metricsPath, state.history.map((r) => JSON.stringify(r)).join("\n") + (state.history.length ? "\n" : ""));

  let stop = false;
  const onSigint = () => {
    if (stop) {
      progress.stop();
      process.stderr.write("\nsecond Ctrl-C: exiting without waiting for the checkpoint\n");
      process.exit(130);
    }
    stop = true;
  };
  const onAbort = () => {
    stop = true;
  };
  if (opts.handleSigint ?? true) process.on("SIGINT", onSigint);
  opts.signal?.addEventListener("abort", onAbort);
  if (opts.signal?.aborted) stop = true;

  const save = (): string =>
    saveCheckpoint(c.out, {
      model: model.stateDict(),
      optimizer: opt.stateDict(),
      state: { ...state, rng: { dropout: dropoutRng.getState() } },
      config: runConfig,
    });

  let finalCheckpoint: string | null = null;
  let interrupted = false;
  const plot = async () => {
    if (c.plot === false || state.history.length === 0) return;
    try {
      await writeCurvePlot(join(c.out, "curve"), state.history, { title: `${task.name} · ${model.kind}`, metric: task.metricName });
    } catch (e) {
      progress.log(`warning: could not write the curve plot: ${(e as Error).message}`);
    }
  };

  try {
    while (!state.done && state.epoch < c.epochs) {
      const epoch = state.epoch;
      const acc = task.accumulator("train");
      if (state.batchInEpoch > 0) acc.load(state.trainAccumulator);
      progress.startEpoch(epoch, c.epochs, stepsPerEpoch, state.batchInEpoch);
      let k = 0;
      let samples = 0;
      const t0 = performance.now();
      const secondsBefore = state.epochSeconds;
      for await (const batch of task.train.batches(epoch) as AsyncIterable<B>) {
        if (k++ < state.batchInEpoch) continue; // replay the order up to where the checkpoint stopped
        if (stop) break;
        const { x, shape } = task.input(batch);
        const xt = Tensor.fromArray(x, shape, { dtype, device });
        const out = await forward(model, xt, { training: true, rng: dropoutRng });
        const loss = task.loss(out, batch);
        const lv = loss.item();
        if (!Number.isFinite(lv)) throw new Error(`training diverged: loss ${lv} at epoch ${epoch + 1}, step ${state.step + 1} (lower --lr or set --clip)`);
        loss.backward();
        if ((c.clip ?? 0) > 0) clipGradNorm(params.map(([, p]) => p), c.clip!);
        opt.lr = schedule(state.step);
        opt.step();
        opt.zeroGrad();
        noGrad(() => acc.add(out.detach(), batch, lv));
        state.step += 1;
        state.batchInEpoch += 1;
        state.trainAccumulator = acc.state();
        samples += task.batchSize(batch);
        state.epochSeconds = secondsBefore + (performance.now() - t0) / 1000;
        const r = acc.result();
        progress.step(state.batchInEpoch, { loss: r.loss, metric: r.metric, samplesPerSecond: samples / Math.max(1e-9, (performance.now() - t0) / 1000), lr: opt.lr });
        opts.onStep?.(state.step);
        if ((c.checkpointEvery ?? 0) > 0 && state.step % c.checkpointEvery! === 0 && state.batchInEpoch < stepsPerEpoch) finalCheckpoint = save();
        await yieldToEventLoop();
      }
      if (stop && state.batchInEpoch < stepsPerEpoch) {
        finalCheckpoint = save();
        interrupted = true;
        progress.log(`stopped at epoch ${epoch + 1}, step ${state.step}: checkpoint ${finalCheckpoint}; continue with --resume`);
        break;
      }
      // epoch end: validation, best model, metrics line, checkpoint, plot
      const tr = acc.result();
      const valid = task.valid ? await evaluate(model, task, task.valid, { dtype, device }) : undefined;
      const seconds = state.epochSeconds;
      const rec: EpochRecord = {
        epoch: epoch + 1,
        step: state.step,
        lr: opt.lr,
        trainLoss: tr.loss,
        trainMetric: tr.metric,
        valLoss: valid?.loss,
        valMetric: valid?.metric,
        ...(valid?.extra ? { valExtra: valid.extra } : {}),
        seconds,
        samplesPerSecond: samples / Math.max(1e-9, (performance.now() - t0) / 1000),
      };
      state.history.push(rec);
      state.seconds += seconds;
      const score = valid?.metric ?? valid?.loss;
      const higher = valid?.metric !== undefined ? task.higherIsBetter : false;
      if (valid && score !== undefined && (state.best === null || better(score, state.best.metric, higher))) {
        state.best = { metric: score, epoch: epoch + 1, step: state.step };
        saveModelFile(bestPath, model.stateDict(), { format: "elm-trainer", kind: model.kind, epoch: String(epoch + 1), config: JSON.stringify(runConfig) });
      }
      appendFileSync(metricsPath, `${JSON.stringify(rec)}\n`);
      progress.endEpoch(
        `epoch ${epoch + 1}/${c.epochs}: train loss ${tr.loss.toFixed(4)}` +
          (tr.metric !== undefined ? ` ${task.metricName} ${tr.metric.toFixed(4)}` : "") +
          (valid ? ` | valid loss ${valid.loss.toFixed(4)}${valid.metric !== undefined ? ` ${task.metricName} ${valid.metric.toFixed(4)}` : ""}${fmtExtra(valid.extra)}` : "") +
          ` | ${seconds.toFixed(1)} s`,
      );
      state.epoch += 1;
      state.batchInEpoch = 0;
      state.trainAccumulator = [];
      state.epochSeconds = 0;
      if (state.epoch >= c.epochs) state.done = true;
      finalCheckpoint = save();
      await plot();
      if (stop && !state.done) {
        interrupted = true;
        progress.log(`stopped after epoch ${epoch + 1}: checkpoint ${finalCheckpoint}; continue with --resume`);
        break;
      }
    }
  } finally {
    progress.stop();
    if (opts.handleSigint ?? true) process.off("SIGINT", onSigint);
    opts.signal?.removeEventListener("abort", onAbort);
  }

  let test: EvalResult | undefined;
  if (!interrupted && task.test) {
    // score the best model (by validation) on the test split; restore the last weights afterwards
    const last = model.stateDict();
    const snapshot = Object.fromEntries(Object.entries(last).map(([k, t]) => [k, Tensor.fromArray(t.data, t.shape, { dtype: t.dtype, device: t.device })]));
    if (state.best) {
      const { loadSafetensors } = await import("@elm/core");
      model.loadStateDict(loadSafetensors(bestPath).tensors);
    }
    test = await evaluate(model, task, task.test, { dtype, device });
    model.loadStateDict(snapshot);
    progress.log(`test (${state.best ? `best model, epoch ${state.best.epoch}` : "last model"}): loss ${test.loss.toFixed(4)}${test.metric !== undefined ? ` ${task.metricName} ${test.metric.toFixed(4)}` : ""}${fmtExtra(test.extra)}`);
  }
  const result: TrainResult = { history: state.history, best: state.best, test, interrupted, steps: state.step, seconds: state.seconds, out: c.out, finalCheckpoint };
  if (!interrupted) {
    writeFileAtomic(join(c.out, "result.json"), `${JSON.stringify({ ...result, config: runConfig }, null, 2)}\n`);
    await plot();
  }
  return result;
}
