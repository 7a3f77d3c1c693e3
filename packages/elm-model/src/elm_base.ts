// What the ELM neuron (ELM_SPEC §2) and the Branch-ELM (§3) share: the
// authors' parameters under their names, the derived tensors computed from
// them with differentiable core ops, one fused op per sequence, the readout.
import {
  Rng, Tensor, add, concat, div, exp, maximum, mul, relu, reshape, sigmoid, slice, sub, zeros,
  DTypeError, DeviceError, ShapeError, type DType, type Device,
} from "@elm/core";
import { elmConfigJson, resolveElmConfig, type ElmConfig, type ElmVariant, type ResolvedElmConfig } from "./config/elm_config.js";
import { protoTauMInit } from "./init.js";
import { Linear } from "./layers/linear.js";
import { Mlp } from "./layers/mlp.js";
import { Module } from "./module.js";
import { elmNeuron, elmNeuronAsync, type ElmOpAttrs, type ElmOpTensors } from "./ops/elm_op.js";
import { checkRoutingTable, neuronioRouting, randomRouting, type RoutingTable } from "./routing.js";
import { elmTrainableParameterCount } from "./count.js";

export interface ModelOptions {
  /** Seed of the initialisation (MLP and readout weights, random routing); default 0. */
  seed?: number;
  /** Or an Rng to draw from (its "init" fork is used). */
  rng?: Rng;
  dtype?: DType;
  device?: Device;
}

/** Recurrent state between chunks / steps: the trace (s or b) and the memory m. */
export interface ElmState {
  /** [B, d_s] (ELM v1 synaptic trace s) or [B, d_tree] (Branch-ELM branch trace b). */
  trace: Tensor;
  /** [B, d_m] */
  m: Tensor;
}

/** The derived quantities the fused op sees (ELM_SPEC §2, §3), as tensors on the tape. */
export interface ElmDerived {
  /** w_s = relu(_proto_w_s) [d_s] */
  wS: Tensor;
  /** τ_m = σ_[τmin,τmax](_proto_tau_m) [d_m] */
  tauM: Tensor;
  /** κ_m = exp(−Δt/max(τ_m,1e-6)) [d_m] */
  kappaM: Tensor;
  /** κ_s = exp(−Δt/τ_s) [d_s] (v1) or κ_b = exp(−Δt/τ_b) [d_tree] (v2) */
  kappaTrace: Tensor;
  /** v1: λ(1−κ_m); v2: 1−κ_λ with κ_λ = exp(−Δt·λ/max(τ_m,1e-6)) [d_m] */
  gain: Tensor;
}

export abstract class ElmBase extends Module {
  readonly config: ResolvedElmConfig;
  readonly mlp: Mlp;
  readonly w_y: Linear;
  abstract readonly kind: string;
  /** State-dict name of the fixed trace time constants: `tau_s` (v1) or `tau_b` (v2). */
  protected abstract readonly traceTauName: "tau_s" | "tau_b";

  protected constructor(variant: ElmVariant, config: ElmConfig | Record<string, unknown>, opts: ModelOptions = {}) {
    super();
    const c = resolveElmConfig(variant, config);
    this.config = c;
    const dtype = opts.dtype ?? "float32";
    const device = opts.device ?? "ref";
    if (dtype !== "float32" && dtype !== "float64") throw new DTypeError(`${this.constructor.name}: dtype must be float32 or float64, got ${JSON.stringify(dtype)}`);
    const rng = (opts.rng ?? new Rng(opts.seed ?? 0)).fork("init");
    const o = { dtype, device };
    // registration order = the authors' state-dict order
    this.registerParameter("_proto_w_s", Tensor.fromArray(new Float64Array(c.num_synapse).fill(c.w_s_value), [c.num_synapse], o));
    this.registerBuffer(variant === "v1" ? "tau_s" : "tau_b", Tensor.fromArray(new Float64Array(c.trace_size).fill(c.tau_trace_value), [c.trace_size], o));
    this.registerParameter(
      "_proto_tau_m",
      Tensor.fromArray(protoTauMInit(c.num_memory, c.memory_tau_min, c.memory_tau_max), [c.num_memory], o),
      c.learn_memory_tau,
    );
    const table = this.makeRouting(rng.fork("routing"));
    const n = table ? table.indices.length : 0;
    this.registerBuffer("input_to_synapse_indices", Tensor.fromArray(table ? table.indices : [], [n], { dtype: "int32", device }));
    this.registerBuffer("valid_indices_mask", Tensor.fromArray(table ? table.mask : [], [n], { dtype: "int32", device }));
    this.mlp = this.registerModule("mlp", new Mlp(c.num_branch + c.num_memory, c.mlp_hidden_size, c.num_memory, c.mlp_num_layers, rng.fork("mlp"), o));
    this.w_y = this.registerModule("w_y", new Linear(c.num_memory, c.num_output, rng.fork("w_y"), o));
  }

  private makeRouting(rng: Rng): RoutingTable | null {
    const c = this.config;
    if (c.input_to_synapse_routing === "random_routing") return randomRouting(c.num_input, c.num_synapse, rng);
    if (c.input_to_synapse_routing === "neuronio_routing") return neuronioRouting(c.num_input, c.num_branch, c.num_synapse_per_branch);
    return null;
  }

  /** The routing table, or null without routing. */
  routing(): RoutingTable | null {
    if (this.config.input_to_synapse_routing === null) return null;
    return { indices: this.own("input_to_synapse_indices").data as Int32Array, mask: this.own("valid_indices_mask").data as Int32Array };
  }

  protected override afterLoad(): void {
    super.afterLoad();
    const t = this.routing();
    if (t) checkRoutingTable(this.constructor.name, t, this.config.num_input, this.config.num_synapse);
  }

  /** The authors' constructor arguments (what model_config.json holds). */
  describe(): ElmConfig {
    return elmConfigJson(this.config);
  }

  /** Trainable parameters by the formula (ELM_SPEC §3); equals trainableParameterCount(). */
  parameterCount(): number {
    return elmTrainableParameterCount(this.config);
  }

  /** w_s, τ_m, κ_m, κ_trace and gain from the raw parameters, through differentiable core ops. */
  derived(): ElmDerived {
    const c = this.config;
    const wS = relu(this.own("_proto_w_s"));
    const tauM = add(mul(sigmoid(this.own("_proto_tau_m")), c.memory_tau_max - c.memory_tau_min), c.memory_tau_min);
    const tauMc = maximum(tauM, 1e-6);
    const kappaM = exp(div(-c.delta_t, tauMc));
    const kappaTrace = exp(div(-c.delta_t, maximum(this.own(this.traceTauName), 1e-6)));
    const gain =
      c.variant === "v1"
        ? mul(sub(1, kappaM), c.lambda_value) // ELM_SPEC §2: λ(1−κ_m)
        : sub(1, exp(div(-c.delta_t * c.lambda_value, tauMc))); // §3: 1−κ_λ
    return { wS, tauM, kappaM, kappaTrace, gain };
  }

  /** Zero state for a batch of B (ELM_SPEC: all state starts at 0). */
  initialState(batch: number, device: Device = this.device): ElmState {
    const o = { dtype: this.dtype, device };
    return { trace: zeros([batch, this.config.trace_size], o), m: zeros([batch, this.config.num_memory], o) };
  }

  private checkInput(x: unknown, what: string): asserts x is Tensor {
    const name = this.constructor.name;
    if (!(x instanceof Tensor)) throw new TypeError(`${name}.${what}: x must be a Tensor, got ${x === null ? "null" : typeof x}`);
    if (x.ndim !== 3) throw new ShapeError(`${name}.${what}: x must be [B, T, num_input], got shape [${x.shape.join(",")}]`);
    if (x.shape[2] !== this.config.num_input) {
      throw new ShapeError(`${name}.${what}: x has ${x.shape[2]} input channels (shape [${x.shape.join(",")}]), expected num_input = ${this.config.num_input}`);
    }
    if (x.shape[0] < 1 || x.shape[1] < 1) throw new ShapeError(`${name}.${what}: x needs B ≥ 1 and T ≥ 1, got shape [${x.shape.join(",")}]`);
    if (x.dtype !== this.dtype) throw new DTypeError(`${name}.${what}: x is ${x.dtype} but the model is ${this.dtype}; use x.astype("${this.dtype}") or model.astype("${x.dtype}")`);
    if (x.device !== this.device) throw new DeviceError(`${name}.${what}: x is on ${x.device} but the model is on ${this.device}; use model.to("${x.device}")`);
  }

  private checkState(s: ElmState, B: number, what: string, device: Device): void {
    const name = this.constructor.name;
    const want = (t: unknown, label: string, shape: number[]) => {
      if (!(t instanceof Tensor)) throw new TypeError(`${name}.${what}: state.${label} must be a Tensor`);
      if (t.shape.length !== 2 || t.shape[0] !== shape[0] || t.shape[1] !== shape[1]) {
        throw new ShapeError(`${name}.${what}: state.${label} has shape [${t.shape.join(",")}], expected [${shape.join(",")}]`);
      }
      if (t.dtype !== this.dtype) throw new DTypeError(`${name}.${what}: state.${label} is ${t.dtype}, expected ${this.dtype}`);
      if (t.device !== device) throw new DeviceError(`${name}.${what}: state.${label} is on ${t.device}, expected ${device}`);
    };
    if (s === null || typeof s !== "object") throw new TypeError(`${name}.${what}: state must be { trace, m }`);
    want(s.trace, "trace", [B, this.config.trace_size]);
    want(s.m, "m", [B, this.config.num_memory]);
  }

  private opAttrs(): ElmOpAttrs {
    const c = this.config;
    const t = this.routing();
    return {
      shape: {
        variant: c.variant, dIn: c.num_input, dS: c.num_synapse, dTree: c.num_branch, dBrch: c.num_synapse_per_branch,
        dM: c.num_memory, dMlp: c.mlp_hidden_size, lMlp: c.mlp_num_layers, activation: c.mlp_activation,
      },
      route: t ? t.indices : null,
      routeMask: t ? t.mask : null,
    };
  }

  private opTensors(x: Tensor, state: ElmState | null | undefined): ElmOpTensors {
    this.checkInput(x, "forward");
    const B = x.shape[0];
    if (state) this.checkState(state, B, "forward", x.device);
    const s0 = state ?? this.initialState(B, x.device);
    const d = this.derived();
    return { x, wS: d.wS, kappaTrace: d.kappaTrace, kappaM: d.kappaM, gain: d.gain, mlpW: this.mlp.weights, mlpB: this.mlp.biases, trace0: s0.trace, m0: s0.m };
  }

  /**
   * The memory sequence m [B,T,d_m] (what the readout reads) and the final
   * state, through ONE fused op from `state` (zeros when absent). For a custom
   * readout, e.g. dropout on m_t before `w_y.forward`.
   */
  memoryWithState(x: Tensor, state?: ElmState | null): { m: Tensor; state: ElmState } {
    const r = elmNeuron(this.opTensors(x, state), this.opAttrs());
    return { m: r.m, state: { trace: r.traceT, m: r.mT } };
  }

  /** memoryWithState with the fused forward kernel off the JS thread (cpu/cuda); don't modify x or the parameters until it settles. */
  async memoryWithStateAsync(x: Tensor, state?: ElmState | null): Promise<{ m: Tensor; state: ElmState }> {
    const r = await elmNeuronAsync(this.opTensors(x, state), this.opAttrs());
    return { m: r.m, state: { trace: r.traceT, m: r.mT } };
  }

  /**
   * The whole sequence through ONE fused op, from `state` (zeros when absent),
   * returning the outputs y [B,T,num_output] and the final state — for
   * truncated BPTT pass the state on (detach it to cut the gradient).
   */
  forwardWithState(x: Tensor, state?: ElmState | null): { y: Tensor; state: ElmState } {
    const r = this.memoryWithState(x, state);
    return { y: this.w_y.forward(r.m), state: r.state }; // y_t = W_y m_t + b_y
  }

  /** As forwardWithState, with the fused forward kernel off the JS thread (cpu/cuda). */
  async forwardWithStateAsync(x: Tensor, state?: ElmState | null): Promise<{ y: Tensor; state: ElmState }> {
    const r = await this.memoryWithStateAsync(x, state);
    return { y: this.w_y.forward(r.m), state: r.state };
  }

  /** forward() off the JS thread (native devices). */
  async forwardAsync(x: Tensor): Promise<Tensor> {
    return (await this.forwardWithStateAsync(x, null)).y;
  }

  /** y [B,T,num_output] from x [B,T,num_input], starting from zero state. */
  forward(x: Tensor): Tensor {
    return this.forwardWithState(x, null).y;
  }

  /**
   * The authors' `neuronio_eval_forward`: for a NeuronIO model (outputs: spike
   * logit, scaled soma), [sigmoid(spike logit), soma / y_train_soma_scale] per step.
   */
  neuronioEvalForward(x: Tensor, yTrainSomaScale = 0.1): Tensor {
    if (this.config.num_output < 2) throw new ShapeError(`${this.constructor.name}.neuronioEvalForward: needs num_output ≥ 2 (spike, soma), got ${this.config.num_output}`);
    if (!(yTrainSomaScale > 0)) throw new RangeError(`${this.constructor.name}.neuronioEvalForward: y_train_soma_scale must be > 0, got ${yTrainSomaScale}`);
    const y = this.forward(x);
    const spike = sigmoid(slice(y, 2, 0, 1));
    const soma = div(slice(y, 2, 1, 2), yTrainSomaScale);
    return concat([spike, soma], 2);
  }

  /** One time step for online inference: x_t [B,num_input] → y_t [B,num_output] and the next state. */
  step(xt: Tensor, state?: ElmState | null): { y: Tensor; state: ElmState } {
    if (!(xt instanceof Tensor) || xt.ndim !== 2) {
      throw new ShapeError(`${this.constructor.name}.step: x_t must be a [B, num_input] Tensor, got ${xt instanceof Tensor ? `shape [${xt.shape.join(",")}]` : typeof xt}`);
    }
    const [B, C] = xt.shape;
    const r = this.forwardWithState(reshape(xt, [B, 1, C]), state);
    return { y: reshape(r.y, [B, this.config.num_output]), state: r.state };
  }
}
