// Training configuration: one zod schema validates what comes from a JSON file
// and from CLI flags alike; per-task defaults follow the paper (ELM_SPEC §6,
// App. B). Errors name the offending key (as its CLI flag) and what is allowed.
import { readFileSync } from "node:fs";
import { z } from "zod";

export const TASKS = ["shd", "shd-adding", "neuronio", "enwik8"] as const;
export const MODELS = ["elm", "branch-elm", "network", "lstm"] as const;
export const OPTIMIZER_NAMES = ["adam", "adamw", "adamax", "sgd"] as const;
export const DEVICES = ["ref", "cpu", "cuda"] as const;
export const DTYPES = ["float32", "float64"] as const;
export const SCHEDULE_NAMES = ["cosine", "constant"] as const;
export const ACTIVATIONS = ["relu", "silu"] as const;
export const ROUTINGS = ["none", "random", "neuronio"] as const;

export type Task = (typeof TASKS)[number];
export type ModelKind = (typeof MODELS)[number];

const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (iss) => `got ${JSON.stringify(iss.input)}; allowed values: ${values.join(", ")}` });
const posInt = z.number({ error: (iss) => `expected a number, got ${JSON.stringify(iss.input)}` }).int("expected an integer").positive("expected an integer > 0");
const nonNegInt = z.number({ error: (iss) => `expected a number, got ${JSON.stringify(iss.input)}` }).int("expected an integer").nonnegative("expected an integer ≥ 0");
const posNum = z.number({ error: (iss) => `expected a number, got ${JSON.stringify(iss.input)}` }).positive("expected a number > 0");
const nonNeg = z.number({ error: (iss) => `expected a number, got ${JSON.stringify(iss.input)}` }).nonnegative("expected a number ≥ 0");
const frac = z.number({ error: (iss) => `expected a number, got ${JSON.stringify(iss.input)}` }).min(0, "expected a number in [0, 1)").lt(1, "expected a number in [0, 1)");

export const ModelConfigSchema = z.strictObject({
  /** Memory units d_m (ELM, Branch-ELM, per neuron in a network). */
  dM: posInt.default(100),
  /** MLP width; default 2·d_m (Table S1). */
  dMlp: posInt.optional(),
  lMlp: nonNegInt.default(1),
  activation: choice(ACTIVATIONS).default("relu"),
  /** Branches (Branch-ELM, network). */
  dTree: posInt.optional(),
  /** Synapses per branch (Branch-ELM, network). */
  dBrch: posInt.optional(),
  routing: choice(ROUTINGS).optional(),
  lambdaValue: posNum.default(5),
  tauMin: posNum.optional(),
  tauMax: posNum.optional(),
  learnTauM: z.boolean().default(true),
  /** Network: number of neurons N. */
  neurons: posInt.default(64),
  dAxon: posInt.default(1),
  recFrac: frac.default(0.5),
  /** LSTM: hidden size. */
  hidden: posInt.default(128),
  /** Dropout on the model's readout input (the paper uses 0.5 on SHD). */
  dropout: frac.default(0),
});

export const TrainConfigSchema = z.strictObject({
  task: choice(TASKS),
  model: choice(MODELS).default("elm"),
  /** Use built-in synthetic data instead of files: spiking digits (shd, shd-adding), synthetic text (enwik8), a teacher neuron (neuronio). */
  synthetic: z.boolean().default(false),
  dataDir: z.string().min(1).default("data"),
  out: z.string().min(1).default("runs/elm"),
  epochs: posInt.default(70),
  /** Stop an epoch after this many steps (0 = the whole epoch). */
  stepsPerEpoch: nonNegInt.default(0),
  batchSize: posInt.default(8),
  evalBatchSize: posInt.optional(),
  lr: posNum.default(5e-3),
  optimizer: choice(OPTIMIZER_NAMES).default("adamax"),
  weightDecay: nonNeg.default(0),
  momentum: nonNeg.default(0.9),
  schedule: choice(SCHEDULE_NAMES).default("cosine"),
  warmupSteps: nonNegInt.default(0),
  minLr: nonNeg.default(0),
  /** Gradient-norm clipping (0 = off). */
  clip: nonNeg.default(0),
  seed: z.number().int("expected an integer").default(0),
  device: choice(DEVICES).default("cpu"),
  dtype: choice(DTYPES).default("float32"),
  threads: nonNegInt.default(0),
  /** SHD bin width (the paper: 2 ms). */
  binMs: posNum.default(2),
  /** Validation fraction of the training file (SHD, SHD-Adding). */
  validFraction: frac.default(0.1),
  /** SHD-Adding: pairs per training epoch (the authors: 500 batches × 8). */
  samplesPerEpoch: posInt.default(4000),
  /** SHD-Adding: pairs in the validation and test sets. */
  evalSamples: posInt.default(2000),
  /** Synthetic digits: samples in the generated train and test files. */
  trainSamples: posInt.default(2000),
  testSamples: posInt.default(500),
  /** NeuronIO: sample window and burn-in (ms). */
  sampleMs: posInt.default(500),
  burnInMs: nonNegInt.default(150),
  /** NeuronIO: weight of the soma MSE term (the paper: soma scaled by 1/10). */
  somaWeight: nonNeg.default(1),
  /** Enwik8: window length T and validation batches scored per epoch (the test split is scored whole). */
  seqLen: posInt.default(256),
  maxValidBatches: posInt.default(50),
  /** Save a checkpoint every this many steps (0 = at the end of each epoch only). */
  checkpointEvery: nonNegInt.default(0),
  resume: z.boolean().default(false),
  progress: z.boolean().default(true),
  modelConfig: ModelConfigSchema.default(ModelConfigSchema.parse({})),
});

export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type TrainConfig = z.infer<typeof TrainConfigSchema>;
export type TrainConfigInput = z.input<typeof TrainConfigSchema>;

/** Thrown for an invalid configuration; the message lists every problem. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A key path as the user typed it: a CLI flag for top-level and model keys. */
export function flagName(path: readonly PropertyKey[]): string {
  const last = String(path[path.length - 1]);
  if (path.length === 1 || (path.length === 2 && path[0] === "modelConfig")) return `--${kebab(last)}`;
  return path.map(String).join(".");
}

/** Paper hyper-parameters per task (ELM_SPEC §6): filled in before the user's values. */
export function taskDefaults(task: string): Partial<TrainConfigInput> {
  switch (task) {
    case "shd":
    case "shd-adding":
      return { optimizer: "adamax", lr: 5e-3, batchSize: 8, epochs: 70, schedule: "cosine", binMs: 2 };
    case "enwik8":
      // not in ELM_SPEC §6: our choice for byte-level language modelling
      return { optimizer: "adam", lr: 1e-3, batchSize: 16, epochs: 10, schedule: "cosine", seqLen: 256, stepsPerEpoch: 1000, clip: 1 };
    case "neuronio":
      return { optimizer: "adam", lr: 5e-4, batchSize: 8, epochs: 70, schedule: "cosine", sampleMs: 500, burnInMs: 150, somaWeight: 1 };
    default:
      return {};
  }
}

/** Model defaults per (task, model) from the paper. */
export function modelDefaults(task: string, model: string): Partial<ModelConfig> {
  const shd = task === "shd" || task === "shd-adding";
  switch (model) {
    case "elm":
      return shd ? { dM: 100, dropout: 0.5 } : { dM: 20 };
    case "branch-elm":
      return shd ? { dM: 100, dTree: 100, dBrch: 15, routing: "random", dropout: 0.5 } : { dM: 20, dTree: 45, dBrch: 100, routing: "neuronio" };
    case "network":
      return { neurons: 64, dM: 8, dTree: 8, dBrch: 8 };
    case "lstm":
      return { hidden: 128 };
    default:
      return {};
  }
}

function formatIssues(issues: readonly z.core.$ZodIssue[], where: string): string {
  const lines = issues.map((iss) => {
    if (iss.code === "unrecognized_keys") {
      const keys = (iss as { keys: string[] }).keys;
      const scope = iss.path.length ? `${iss.path.join(".")}.` : "";
      return `unknown option${keys.length > 1 ? "s" : ""} ${keys.map((k) => `'${scope}${k}'`).join(", ")}`;
    }
    return `${flagName(iss.path)}: ${iss.message}`;
  });
  return `invalid configuration${where}:\n  ${lines.join("\n  ")}`;
}

/**
 * Merges per-task defaults, a config file's values and explicit overrides
 * (CLI flags), then validates. `modelConfig` is merged key by key.
 */
export function resolveConfig(sources: { file?: Record<string, unknown>; overrides?: Record<string, unknown> }, where = ""): TrainConfig {
  const file = sources.file ?? {};
  const over = sources.overrides ?? {};
  const task = (over.task ?? file.task) as string | undefined;
  const model = (over.model ?? file.model ?? "elm") as string;
  const fileModel = (file.modelConfig ?? {}) as Record<string, unknown>;
  const overModel = (over.modelConfig ?? {}) as Record<string, unknown>;
  if (typeof fileModel !== "object" || Array.isArray(fileModel)) throw new ConfigError(`invalid configuration${where}:\n  modelConfig: expected an object`);
  const merged: Record<string, unknown> = {
    ...(task ? taskDefaults(task) : {}),
    ...file,
    ...over,
    modelConfig: { ...(task ? modelDefaults(task, model) : {}), ...fileModel, ...overModel },
  };
  if (merged.task === undefined) throw new ConfigError(`invalid configuration${where}:\n  --task: missing; allowed values: ${TASKS.join(", ")}`);
  const r = TrainConfigSchema.safeParse(merged);
  if (!r.success) throw new ConfigError(formatIssues(r.error.issues, where));
  const c = r.data;
  return c;
}

/** Reads a JSON config file; errors name the file. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new ConfigError(`config file ${path} must hold a JSON object, got ${Array.isArray(v) ? "an array" : typeof v}`);
  return v as Record<string, unknown>;
}
