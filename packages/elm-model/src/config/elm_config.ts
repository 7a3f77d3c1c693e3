// Configuration of the ELM neuron (ELM_SPEC §2, the authors' "ELM v1") and the
// Branch-ELM (§3, "ELM v2"): the authors' constructor arguments under their
// names, with their defaults. camelCase spellings are accepted too.
import { ConfigError } from "../errors.js";
import { bool, finiteNum, normalizeKeys, oneOf, posInt, posNum } from "./validate.js";

export type Routing = null | "random_routing" | "neuronio_routing";
export type Activation = "relu" | "silu";
export const ROUTINGS: readonly Routing[] = [null, "random_routing", "neuronio_routing"];

/** The authors' constructor arguments (snake_case; camelCase also accepted). */
export interface ElmConfig {
  num_input: number;
  num_output: number;
  /** d_m (default 100). */
  num_memory?: number;
  /** λ (default 5). */
  lambda_value?: number;
  /** l_mlp hidden layers (default 1). */
  mlp_num_layers?: number;
  /** d_mlp (default / null: 2·num_memory). */
  mlp_hidden_size?: number | null;
  mlp_activation?: Activation;
  /** τ_s of every synapse (ELM v1 only; default 5). */
  tau_s_value?: number;
  /** τ_b of every branch (Branch-ELM only; default 5). */
  tau_b_value?: number;
  memory_tau_min?: number;
  memory_tau_max?: number;
  learn_memory_tau?: boolean;
  /** Initial `_proto_w_s` (default 0.5). */
  w_s_value?: number;
  /** d_tree (null: num_input). */
  num_branch?: number | null;
  /** d_brch (default 1). */
  num_synapse_per_branch?: number;
  input_to_synapse_routing?: Routing;
  /** Δt in ms per step (default 1). */
  delta_t?: number;
}

export type ElmVariant = "v1" | "v2";

/** Every field filled in and checked, plus the derived sizes. */
export interface ResolvedElmConfig {
  variant: ElmVariant;
  num_input: number;
  num_output: number;
  num_memory: number;
  lambda_value: number;
  mlp_num_layers: number;
  mlp_hidden_size: number;
  mlp_activation: Activation;
  /** τ_s (v1) or τ_b (v2). */
  tau_trace_value: number;
  memory_tau_min: number;
  memory_tau_max: number;
  learn_memory_tau: boolean;
  w_s_value: number;
  num_branch: number;
  num_synapse_per_branch: number;
  input_to_synapse_routing: Routing;
  delta_t: number;
  /** d_s = d_tree·d_brch. */
  num_synapse: number;
  /** Length of a trace: d_s (v1) or d_tree (v2). */
  trace_size: number;
}

const COMMON = [
  "num_input", "num_output", "num_memory", "lambda_value", "mlp_num_layers", "mlp_hidden_size", "mlp_activation",
  "memory_tau_min", "memory_tau_max", "learn_memory_tau", "w_s_value", "num_branch", "num_synapse_per_branch",
  "input_to_synapse_routing", "delta_t",
] as const;

/** Checks a config and fills in the authors' defaults; throws ConfigError naming the bad value. */
export function resolveElmConfig(variant: ElmVariant, cfg: ElmConfig | Record<string, unknown>): ResolvedElmConfig {
  const where = variant === "v1" ? "ElmNeuron" : "BranchElm";
  const traceKey = variant === "v1" ? "tau_s_value" : "tau_b_value";
  const c = normalizeKeys(where, cfg, [...COMMON, traceKey]);
  const num_input = posInt(where, "num_input", c.num_input);
  const num_output = posInt(where, "num_output", c.num_output);
  const num_memory = posInt(where, "num_memory", c.num_memory ?? 100);
  const lambda_value = posNum(where, "lambda_value", c.lambda_value ?? 5);
  const mlp_num_layers = posInt(where, "mlp_num_layers", c.mlp_num_layers ?? 1);
  const mlp_hidden_size = c.mlp_hidden_size == null ? 2 * num_memory : posInt(where, "mlp_hidden_size", c.mlp_hidden_size);
  const mlp_activation = oneOf<Activation>(where, "mlp_activation", c.mlp_activation ?? "relu", ["relu", "silu"]);
  const tau_trace_value = posNum(where, traceKey, c[traceKey] ?? 5);
  const memory_tau_min = finiteNum(where, "memory_tau_min", c.memory_tau_min ?? 1);
  const memory_tau_max = finiteNum(where, "memory_tau_max", c.memory_tau_max ?? 1000);
  if (memory_tau_min < 0) throw new ConfigError(`${where}: memory_tau_min must be ≥ 0, got ${memory_tau_min}`);
  if (memory_tau_min >= memory_tau_max) {
    throw new ConfigError(`${where}: memory_tau_min (${memory_tau_min}) must be < memory_tau_max (${memory_tau_max})`);
  }
  if (memory_tau_max - memory_tau_min <= 2e-6) {
    throw new ConfigError(
      `${where}: memory_tau_max − memory_tau_min must exceed 2e-6 (τ_m is initialised on [τmin+1e-6, τmax−1e-6]), got ${memory_tau_min} and ${memory_tau_max}`,
    );
  }
  const learn_memory_tau = bool(where, "learn_memory_tau", c.learn_memory_tau ?? false);
  const w_s_value = finiteNum(where, "w_s_value", c.w_s_value ?? 0.5);
  const num_branch = c.num_branch == null ? num_input : posInt(where, "num_branch", c.num_branch);
  const num_synapse_per_branch = posInt(where, "num_synapse_per_branch", c.num_synapse_per_branch ?? 1);
  const input_to_synapse_routing = oneOf<Routing>(where, "input_to_synapse_routing", c.input_to_synapse_routing ?? null, ROUTINGS);
  const delta_t = posNum(where, "delta_t", c.delta_t ?? 1);
  const num_synapse = num_branch * num_synapse_per_branch;
  if (input_to_synapse_routing === null && num_synapse !== num_input) {
    throw new ConfigError(
      `${where}: without input_to_synapse_routing every input is one synapse, so num_branch·num_synapse_per_branch (${num_branch}·${num_synapse_per_branch} = ${num_synapse}) must equal num_input (${num_input}); set input_to_synapse_routing to "random_routing" or "neuronio_routing" otherwise`,
    );
  }
  if (input_to_synapse_routing === "neuronio_routing") {
    const stride = Math.ceil(num_input / num_branch);
    if (stride > num_synapse_per_branch) {
      throw new ConfigError(
        `${where}: neuronio_routing needs ⌈num_input/num_branch⌉ ≤ num_synapse_per_branch, got ⌈${num_input}/${num_branch}⌉ = ${stride} > ${num_synapse_per_branch} (some inputs would reach no synapse)`,
      );
    }
  }
  return {
    variant, num_input, num_output, num_memory, lambda_value, mlp_num_layers, mlp_hidden_size, mlp_activation,
    tau_trace_value, memory_tau_min, memory_tau_max, learn_memory_tau, w_s_value, num_branch, num_synapse_per_branch,
    input_to_synapse_routing, delta_t, num_synapse, trace_size: variant === "v1" ? num_synapse : num_branch,
  };
}

/** The config in the authors' form (what `model_config.json` holds), for saving and rebuilding. */
export function elmConfigJson(r: ResolvedElmConfig): ElmConfig {
  const out: ElmConfig = {
    num_input: r.num_input,
    num_output: r.num_output,
    num_memory: r.num_memory,
    lambda_value: r.lambda_value,
    mlp_num_layers: r.mlp_num_layers,
    mlp_hidden_size: r.mlp_hidden_size,
    mlp_activation: r.mlp_activation,
    memory_tau_min: r.memory_tau_min,
    memory_tau_max: r.memory_tau_max,
    learn_memory_tau: r.learn_memory_tau,
    w_s_value: r.w_s_value,
    num_branch: r.num_branch,
    num_synapse_per_branch: r.num_synapse_per_branch,
    input_to_synapse_routing: r.input_to_synapse_routing,
    delta_t: r.delta_t,
  };
  if (r.variant === "v1") out.tau_s_value = r.tau_trace_value;
  else out.tau_b_value = r.tau_trace_value;
  return out;
}
