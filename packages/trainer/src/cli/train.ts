// `elm train`: resolves the config (task defaults ← --config file ← flags),
// builds data, model and task, and runs the loop.
import type { Command } from "commander";
import { ConfigError, MODELS, OPTIMIZER_NAMES, DEVICES, DTYPES, SCHEDULE_NAMES, TASKS, ACTIVATIONS, ROUTINGS, readConfigFile, resolveConfig, type TrainConfig } from "../config.js";
import { runTraining } from "../run.js";
import { defined, numberish } from "./parse.js";

const MODEL_KEYS = ["dM", "dMlp", "lMlp", "activation", "dTree", "dBrch", "routing", "lambdaValue", "tauMin", "tauMax", "neurons", "dAxon", "recFrac", "hidden", "dropout"] as const;

/** Splits commander's option object into top-level and modelConfig overrides. */
export function overridesFromFlags(opts: Record<string, unknown>): Record<string, unknown> {
  const { config: _file, ...rest } = opts;
  const model: Record<string, unknown> = {};
  const top: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(defined(rest))) {
    if ((MODEL_KEYS as readonly string[]).includes(k)) model[k] = v;
    else top[k] = v;
  }
  if (Object.keys(model).length) top.modelConfig = model;
  return top;
}

export function configFromFlags(opts: Record<string, unknown>): TrainConfig {
  const file = typeof opts.config === "string" ? readConfigFile(opts.config) : undefined;
  return resolveConfig({ file, overrides: overridesFromFlags(opts) }, typeof opts.config === "string" ? ` (flags and ${opts.config})` : "");
}

export function addTrainCommand(program: Command): void {
  program
    .command("train")
    .description("train a model on a task (paper hyper-parameters by default, ELM_SPEC §6)")
    .option("--task <task>", `task: ${TASKS.join(" | ")}`)
    .option("--model <model>", `model: ${MODELS.join(" | ")}`)
    .option("--config <file>", "JSON file with any of the options below (flags win)")
    .option("--synthetic", "use built-in synthetic data: spiking digits (shd, shd-adding), text (enwik8), a teacher neuron (neuronio)")
    .option("--epochs <n>", "epochs", numberish)
    .option("--steps-per-epoch <n>", "cap on training steps per epoch (0 = all)", numberish)
    .option("--batch-size <n>", "batch size", numberish)
    .option("--eval-batch-size <n>", "batch size for validation and test", numberish)
    .option("--lr <x>", "peak learning rate", numberish)
    .option("--optimizer <name>", `optimizer: ${OPTIMIZER_NAMES.join(" | ")}`)
    .option("--weight-decay <x>", "weight decay", numberish)
    .option("--momentum <x>", "SGD momentum", numberish)
    .option("--schedule <name>", `learning-rate schedule: ${SCHEDULE_NAMES.join(" | ")}`)
    .option("--warmup-steps <n>", "linear warm-up steps", numberish)
    .option("--min-lr <x>", "final learning rate of the cosine decay", numberish)
    .option("--clip <x>", "gradient-norm clipping (0 = off)", numberish)
    .option("--seed <n>", "seed (data order, initialisation, dropout)", numberish)
    .option("--device <device>", `device: ${DEVICES.join(" | ")}`)
    .option("--dtype <dtype>", `dtype: ${DTYPES.join(" | ")}`)
    .option("--threads <n>", "CPU kernel threads (0 = all cores)", numberish)
    .option("--bin-ms <x>", "SHD time bin in ms (the paper: 2)", numberish)
    .option("--valid-fraction <x>", "validation fraction of the training file", numberish)
    .option("--samples-per-epoch <n>", "SHD-Adding: pairs per training epoch", numberish)
    .option("--eval-samples <n>", "SHD-Adding: pairs in validation and test", numberish)
    .option("--train-samples <n>", "synthetic digits: training samples", numberish)
    .option("--test-samples <n>", "synthetic digits: test samples", numberish)
    .option("--sample-ms <n>", "NeuronIO: window length in ms", numberish)
    .option("--burn-in-ms <n>", "NeuronIO: burn-in in ms", numberish)
    .option("--soma-weight <x>", "NeuronIO: weight of the soma MSE", numberish)
    .option("--seq-len <n>", "enwik8: window length T", numberish)
    .option("--max-valid-batches <n>", "enwik8: validation batches per epoch", numberish)
    .option("--data-dir <dir>", "folder with the data files (and the synthetic-data cache)")
    .option("--out <dir>", "run folder (checkpoints, metrics.jsonl, curve.svg/png, best.safetensors)")
    .option("--checkpoint-every <n>", "also checkpoint every n steps (0 = epoch ends only)", numberish)
    .option("--resume", "continue from the last checkpoint in --out")
    .option("--progress", "show progress (default)")
    .option("--no-progress", "no progress bar: epoch and summary lines only")
    .option("--d-m <n>", "memory units d_m", numberish)
    .option("--d-mlp <n>", "MLP width (default 2·d_m)", numberish)
    .option("--l-mlp <n>", "MLP hidden layers", numberish)
    .option("--activation <name>", `MLP activation: ${ACTIVATIONS.join(" | ")}`)
    .option("--d-tree <n>", "branches d_tree", numberish)
    .option("--d-brch <n>", "synapses per branch d_brch", numberish)
    .option("--routing <name>", `input routing: ${ROUTINGS.join(" | ")}`)
    .option("--lambda-value <x>", "λ (ELM v1 memory gain)", numberish)
    .option("--tau-min <x>", "smallest memory timescale (ms)", numberish)
    .option("--tau-max <x>", "largest memory timescale (ms)", numberish)
    .option("--neurons <n>", "network: neurons N", numberish)
    .option("--d-axon <n>", "network: outputs per neuron", numberish)
    .option("--rec-frac <x>", "network: fraction of synapses reading neuron outputs", numberish)
    .option("--hidden <n>", "LSTM hidden size", numberish)
    .option("--dropout <x>", "dropout probability", numberish)
    .action(async (opts: Record<string, unknown>) => {
      const c = configFromFlags(opts);
      const r = await runTraining(c);
      if (r.interrupted) process.exitCode = 130;
    });
}

export { ConfigError };
