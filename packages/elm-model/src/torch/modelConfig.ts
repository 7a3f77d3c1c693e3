// model_config.json as the ELM authors publish it beside a checkpoint: the
// keyword arguments of their `ELM(...)` constructor (v1:
// src/expressive_leaky_memory_neuron.py, v2: …_v2.py). Every field is read,
// unknown keys are refused, defaults are the constructor's.
import { z } from "zod";

const posInt = z.number().int().positive();

export const modelConfigSchema = z
  .object({
    num_input: posInt,
    num_output: posInt,
    num_memory: posInt.default(100),
    lambda_value: z.number().finite().default(5.0),
    mlp_num_layers: z.number().int().nonnegative().default(1),
    mlp_hidden_size: posInt.nullable().default(null),
    mlp_activation: z.enum(["relu", "silu"]).default("relu"),
    /** ELM v1: synapse time constant (ms). */
    tau_s_value: z.number().positive().optional(),
    /** Branch-ELM (v2): branch time constant (ms). */
    tau_b_value: z.number().positive().optional(),
    memory_tau_min: z.number().finite().default(1.0),
    memory_tau_max: z.number().finite().default(1000.0),
    learn_memory_tau: z.boolean().default(false),
    w_s_value: z.number().finite().default(0.5),
    num_branch: posInt.nullable().default(null),
    num_synapse_per_branch: posInt.default(1),
    input_to_synapse_routing: z.enum(["random_routing", "neuronio_routing"]).nullable().default(null),
    delta_t: z.number().positive().default(1.0),
  })
  .strict();

export type RawModelConfig = z.input<typeof modelConfigSchema>;

/** The authors' config with every default and derived size resolved (ELM_SPEC §1–3 names). */
export interface ElmModelConfig {
  /** "v1" when tau_s_value is given, "v2" when tau_b_value is; null when neither (decided by the state dict: tau_s vs tau_b). */
  variant: "v1" | "v2" | null;
  numInput: number;
  numOutput: number;
  numMemory: number;
  lambdaValue: number;
  mlpNumLayers: number;
  /** resolved: mlp_hidden_size or 2·num_memory */
  mlpHiddenSize: number;
  mlpActivation: "relu" | "silu";
  tauSValue: number;
  tauBValue: number;
  memoryTauMin: number;
  memoryTauMax: number;
  learnMemoryTau: boolean;
  wSValue: number;
  /** resolved: num_branch or num_input */
  numBranch: number;
  numSynapsePerBranch: number;
  /** numBranch · numSynapsePerBranch */
  numSynapse: number;
  routing: "none" | "random" | "neuronio";
  deltaT: number;
}

export class ModelConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelConfigError";
  }
}

/** Parse model_config.json (text or already-parsed object). */
export function readModelConfig(json: string | unknown, source = "model_config.json"): ElmModelConfig {
  let obj: unknown = json;
  if (typeof json === "string") {
    try {
      obj = JSON.parse(json);
    } catch (e) {
      throw new ModelConfigError(`${source}: not valid JSON: ${(e as Error).message}`);
    }
  }
  const r = modelConfigSchema.safeParse(obj);
  if (!r.success) {
    const msg = r.error.issues
      .map((i) => {
        const path = i.path.join(".") || "(root)";
        if (i.code === "unrecognized_keys") return `unknown key(s) ${(i as { keys: string[] }).keys.map((k) => `'${k}'`).join(", ")}`;
        return `${path}: ${i.message}`;
      })
      .join("; ");
    throw new ModelConfigError(`${source}: ${msg}`);
  }
  const c = r.data;
  if (c.tau_s_value !== undefined && c.tau_b_value !== undefined) {
    throw new ModelConfigError(`${source}: both tau_s_value (ELM v1) and tau_b_value (Branch-ELM) are given; a config is one or the other`);
  }
  if (c.mlp_activation !== "relu" && c.tau_s_value !== undefined) {
    // the v1 class has no mlp_activation argument; accept it but it must then be relu
    throw new ModelConfigError(`${source}: mlp_activation '${c.mlp_activation}' with tau_s_value: the ELM v1 class only has relu`);
  }
  if (c.memory_tau_max < c.memory_tau_min) {
    throw new ModelConfigError(`${source}: memory_tau_max (${c.memory_tau_max}) is below memory_tau_min (${c.memory_tau_min})`);
  }
  const variant = c.tau_s_value !== undefined ? "v1" : c.tau_b_value !== undefined ? "v2" : null;
  const numBranch = c.num_branch ?? c.num_input;
  const numSynapse = numBranch * c.num_synapse_per_branch;
  const routing = c.input_to_synapse_routing === "neuronio_routing" ? "neuronio" : c.input_to_synapse_routing === "random_routing" ? "random" : "none";
  if (routing === "none" && numSynapse !== c.num_input) {
    throw new ModelConfigError(
      `${source}: without input_to_synapse_routing the synapse count num_branch·num_synapse_per_branch = ${numSynapse} must equal num_input = ${c.num_input}`,
    );
  }
  if (routing === "neuronio" && Math.ceil(c.num_input / numBranch) > c.num_synapse_per_branch) {
    throw new ModelConfigError(
      `${source}: neuronio_routing needs ceil(num_input/num_branch) = ${Math.ceil(c.num_input / numBranch)} ≤ num_synapse_per_branch = ${c.num_synapse_per_branch}`,
    );
  }
  return {
    variant,
    numInput: c.num_input,
    numOutput: c.num_output,
    numMemory: c.num_memory,
    lambdaValue: c.lambda_value,
    mlpNumLayers: c.mlp_num_layers,
    mlpHiddenSize: c.mlp_hidden_size ?? 2 * c.num_memory,
    mlpActivation: c.mlp_activation,
    tauSValue: c.tau_s_value ?? 5.0,
    tauBValue: c.tau_b_value ?? 5.0,
    memoryTauMin: c.memory_tau_min,
    // the Branch-ELM class widens a degenerate range: max(memory_tau_min + 3e-6, memory_tau_max)
    memoryTauMax: variant === "v2" ? Math.max(c.memory_tau_min + 3e-6, c.memory_tau_max) : c.memory_tau_max,
    learnMemoryTau: c.learn_memory_tau,
    wSValue: c.w_s_value,
    numBranch,
    numSynapsePerBranch: c.num_synapse_per_branch,
    numSynapse,
    routing,
    deltaT: c.delta_t,
  };
}
