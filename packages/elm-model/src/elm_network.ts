// The ELM Network (ELM_SPEC §4): a recurrent layer of N Branch-ELM-kind
// neurons, each with its own MLP, timescales and signed synapse weights, whose
// k_c synapses read z_t = [x_t ; y_{t−1}] through a fixed, seeded `src` table,
// and a task readout W_o. One fused op per sequence.
//   b^i_t  = κ^i_b ⊙ b^i_{t−1} + branch_sum(w^i ⊙ z_t[src^i])
//   Δm^i_t = ctanh(MLP^i([b^i_t, κ^i_m ⊙ m^i_{t−1}]))
//   m^i_t  = κ^i_m ⊙ m^i_{t−1} + (1−κ^i_λ) ⊙ Δm^i_t
//   y^i_t  = W^i_y m^i_t + b^i_y           (d_axon outputs per neuron)
//   o_t    = W_o [y^1_t … y^N_t] + b_o
//
// State-dict names (ours; no reference implementation exists): `w_s` [N,k_c]
// (signed), `tau_b` [N,d_tree] (buffer), `_proto_tau_m` [N,d_m], `src` [N,k_c]
// (int32 buffer), `mlp.network.{2k}.weight` [N,out,in] / `.bias` [N,out],
// `w_y.weight` [N,d_axon,d_m] / `w_y.bias` [N,d_axon], `w_o.weight`
// [d_out,N·d_axon] / `w_o.bias` [d_out].
import {
  Rng, Tensor, add, div, exp, maximum, mul, reshape, sigmoid, sub, zeros,
  DTypeError, DeviceError, ShapeError, type Device,
} from "@elm/core";
import { networkConfigJson, resolveNetworkConfig, type ElmNetworkConfig, type ResolvedElmNetworkConfig } from "./config/network_config.js";
import { networkParameterCount, networkKc, networkKe } from "./count.js";
import type { ModelOptions } from "./elm_base.js";
import { protoTauMInit, uniformValues } from "./init.js";
import { Embedding } from "./layers/embedding.js";
import { Linear } from "./layers/linear.js";
import { Mlp } from "./layers/mlp.js";
import { Module } from "./module.js";
import { checkSrcTable, makeSrcTable } from "./network_src.js";
import { elmNetwork, elmNetworkAsync, type NetworkOpAttrs, type NetworkOpResult, type NetworkOpTensors } from "./ops/network_op.js";

/** Recurrent state of the network between chunks / steps. */
export interface ElmNetworkState {
  /** [B, N, d_tree] branch traces */
  b: Tensor;
  /** [B, N, d_m] memories */
  m: Tensor;
  /** [B, N·d_axon] last neuron outputs y_{t} (read as y_{t−1} next step) */
  y: Tensor;
}

export class ElmNetwork extends Module {
  readonly kind = "elm-network";
  readonly config: ResolvedElmNetworkConfig;
  readonly mlp: Mlp;
  readonly w_y: Linear;
  readonly w_o: Linear;
  /** The input embedding (when `vocab_size` is set). */
  readonly embedding: Embedding | null = null;

  constructor(config: ElmNetworkConfig, opts: ModelOptions = {}) {
    super();
    const c = resolveNetworkConfig(config);
    this.config = c;
    const dtype = opts.dtype ?? "float32";
    const device = opts.device ?? "ref";
    if (dtype !== "float32" && dtype !== "float64") throw new DTypeError(`ElmNetwork: dtype must be float32 or float64, got ${JSON.stringify(dtype)}`);
    const rng = (opts.rng ?? new Rng(opts.seed ?? 0)).fork("init");
    const o = { dtype, device };
    const N = c.num_neurons;
    // signed synapse weights, uniform ±√(3/d_brch) (ELM_SPEC §4)
    this.registerParameter("w_s", Tensor.fromArray(uniformValues(N * c.k_c, Math.sqrt(3 / c.num_synapse_per_branch), rng.fork("w_s")), [N, c.k_c], o));
    this.registerBuffer("tau_b", Tensor.fromArray(new Float64Array(N * c.num_branch).fill(c.tau_b_value), [N, c.num_branch], o));
    const p = protoTauMInit(c.num_memory, c.memory_tau_min, c.memory_tau_max);
    const pAll = new Float64Array(N * c.num_memory);
    for (let i = 0; i < N; i++) pAll.set(p, i * c.num_memory);
    this.registerParameter("_proto_tau_m", Tensor.fromArray(pAll, [N, c.num_memory], o), c.learn_memory_tau);
    const src = makeSrcTable(this.srcSpec(), rng.fork("src"));
    this.registerBuffer("src", Tensor.fromArray(src, [N, c.k_c], { dtype: "int32", device }));
    this.mlp = this.registerModule("mlp", new Mlp(c.num_branch + c.num_memory, c.mlp_hidden_size, c.num_memory, c.mlp_num_layers, rng.fork("mlp"), { ...o, stack: N }));
    this.w_y = this.registerModule("w_y", new Linear(c.num_memory, c.d_axon, rng.fork("w_y"), { ...o, stack: N }));
    this.w_o = this.registerModule("w_o", new Linear(N * c.d_axon, c.num_output, rng.fork("w_o"), o));
    if (c.vocab_size !== null) {
      // nn.Embedding: N(0, 1)
      this.embedding = this.registerModule("embedding", new Embedding(c.vocab_size, c.num_input, rng.fork("embedding"), o));
    }
  }


  private srcSpec() {
    const c = this.config;
    return { numInput: c.num_input, numNeurons: c.num_neurons, dAxon: c.d_axon, kc: c.k_c, numRecurrent: c.num_recurrent_synapses };
  }

  /** The [N·k_c] src table (index into z_t = [x_t ; y_{t−1}]). */
  src(): Int32Array {
    return this.own("src").data as Int32Array;
  }

  protected override afterLoad(): void {
    super.afterLoad();
    checkSrcTable("ElmNetwork", this.src(), this.srcSpec());
  }

  describe(): ElmNetworkConfig {
    return networkConfigJson(this.config);
  }

  private countInput() {
    const c = this.config;
    return {
      N: c.num_neurons, dTree: c.num_branch, dBrch: c.num_synapse_per_branch, dM: c.num_memory, dMlp: c.mlp_hidden_size,
      lMlp: c.mlp_num_layers, dAxon: c.d_axon, dOut: c.num_output, learnTauM: c.learn_memory_tau,
      vocabSize: c.vocab_size, dIn: c.num_input,
    };
  }

  /** P = N·(k_c + k_e) + (N·d_axon + 1)·d_out (ELM_SPEC §4); equals trainableParameterCount(). */
  parameterCount(): number {
    return networkParameterCount(this.countInput());
  }
  /** k_c: synapses per neuron. */
  get kC(): number {
    return networkKc(this.countInput());
  }
  /** k_e: a neuron's internal parameters. */
  get kE(): number {
    return networkKe(this.countInput());
  }

  /** κ_b, κ_m and gain = 1−κ_λ per neuron through differentiable core ops. */
  derived(): { kappaB: Tensor; tauM: Tensor; kappaM: Tensor; gain: Tensor } {
    const c = this.config;
    const tauM = add(mul(sigmoid(this.own("_proto_tau_m")), c.memory_tau_max - c.memory_tau_min), c.memory_tau_min);
    const tauMc = maximum(tauM, 1e-6);
    const kappaM = exp(div(-c.delta_t, tauMc));
    const gain = sub(1, exp(div(-c.delta_t * c.lambda_value, tauMc)));
    const kappaB = exp(div(-c.delta_t, maximum(this.own("tau_b"), 1e-6)));
    return { kappaB, tauM, kappaM, gain };
  }

  initialState(batch: number, device: Device = this.device): ElmNetworkState {
    const c = this.config;
    const o = { dtype: this.dtype, device };
    return {
      b: zeros([batch, c.num_neurons, c.num_branch], o),
      m: zeros([batch, c.num_neurons, c.num_memory], o),
      y: zeros([batch, c.num_neurons * c.d_axon], o),
    };
  }

  private checkInput(x: unknown): asserts x is Tensor {
    const c = this.config;
    if (!(x instanceof Tensor)) throw new TypeError(`ElmNetwork.forward: x must be a Tensor, got ${x === null ? "null" : typeof x}`);
    if (c.vocab_size !== null) {
      if (x.ndim !== 2 || x.dtype !== "int32") {
        throw new ShapeError(`ElmNetwork.forward: with vocab_size = ${c.vocab_size}, x must be int32 token ids [B, T], got ${x.dtype} shape [${x.shape.join(",")}]`);
      }
      for (let i = 0; i < x.size; i++) {
        const v = x.data[i];
        if (v < 0 || v >= c.vocab_size) throw new RangeError(`ElmNetwork.forward: token id ${v} at flat index ${i} is outside [0, vocab_size = ${c.vocab_size})`);
      }
    } else {
      if (x.ndim !== 3) throw new ShapeError(`ElmNetwork.forward: x must be [B, T, num_input], got shape [${x.shape.join(",")}]`);
      if (x.shape[2] !== c.num_input) {
        throw new ShapeError(`ElmNetwork.forward: x has ${x.shape[2]} input channels (shape [${x.shape.join(",")}]), expected num_input = ${c.num_input}`);
      }
      if (x.dtype !== this.dtype) throw new DTypeError(`ElmNetwork.forward: x is ${x.dtype} but the model is ${this.dtype}; use x.astype("${this.dtype}") or model.astype("${x.dtype}")`);
    }
    if (x.shape[0] < 1 || x.shape[1] < 1) throw new ShapeError(`ElmNetwork.forward: x needs B ≥ 1 and T ≥ 1, got shape [${x.shape.join(",")}]`);
    if (x.device !== this.device) throw new DeviceError(`ElmNetwork.forward: x is on ${x.device} but the model is on ${this.device}; use model.to("${x.device}")`);
  }

  private checkState(s: ElmNetworkState, B: number, device: Device): void {
    const c = this.config;
    const want: [keyof ElmNetworkState, number[]][] = [
      ["b", [B, c.num_neurons, c.num_branch]], ["m", [B, c.num_neurons, c.num_memory]], ["y", [B, c.num_neurons * c.d_axon]],
    ];
    if (s === null || typeof s !== "object") throw new TypeError("ElmNetwork.forward: state must be { b, m, y }");
    for (const [k, shape] of want) {
      const t = s[k];
      if (!(t instanceof Tensor)) throw new TypeError(`ElmNetwork.forward: state.${k} must be a Tensor`);
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        throw new ShapeError(`ElmNetwork.forward: state.${k} has shape [${t.shape.join(",")}], expected [${shape.join(",")}]`);
      }
      if (t.dtype !== this.dtype) throw new DTypeError(`ElmNetwork.forward: state.${k} is ${t.dtype}, expected ${this.dtype}`);
      if (t.device !== device) throw new DeviceError(`ElmNetwork.forward: state.${k} is on ${t.device}, expected ${device}`);
    }
  }

  private opAttrs(): NetworkOpAttrs {
    const c = this.config;
    return {
      shape: {
        dIn: c.num_input, N: c.num_neurons, dTree: c.num_branch, dBrch: c.num_synapse_per_branch, dM: c.num_memory,
        dMlp: c.mlp_hidden_size, lMlp: c.mlp_num_layers, dAxon: c.d_axon, activation: c.mlp_activation,
      },
      src: this.src(),
    };
  }

  private opTensors(xIn: Tensor, state: ElmNetworkState | null | undefined): NetworkOpTensors {
    this.checkInput(xIn);
    const x = this.embedding ? this.embedding.forward(xIn) : xIn;
    const B = x.shape[0];
    if (state) this.checkState(state, B, x.device);
    const s0 = state ?? this.initialState(B, x.device);
    const d = this.derived();
    return {
      x, w: this.own("w_s"), kappaB: d.kappaB, kappaM: d.kappaM, gain: d.gain, mlpW: this.mlp.weights, mlpB: this.mlp.biases,
      wY: this.w_y.weight, bY: this.w_y.bias, b0: s0.b, m0: s0.m, y0: s0.y,
    };
  }

  private finish(r: NetworkOpResult): { o: Tensor; y: Tensor; state: ElmNetworkState } {
    const o = this.w_o.forward(r.y); // o_t = W_o y_t + b_o
    return { o, y: r.y, state: { b: r.bT, m: r.mT, y: r.yT } };
  }

  /**
   * The whole sequence through ONE fused op from `state` (zeros when absent):
   * task outputs o [B,T,num_output], the neuron outputs y [B,T,N·d_axon] and
   * the final state (pass it on for truncated BPTT; detach to cut the gradient).
   */
  forwardWithState(x: Tensor, state?: ElmNetworkState | null): { o: Tensor; y: Tensor; state: ElmNetworkState } {
    return this.finish(elmNetwork(this.opTensors(x, state), this.opAttrs()));
  }

  /** As forwardWithState, with the fused forward kernel off the JS thread (cpu/cuda). */
  async forwardWithStateAsync(x: Tensor, state?: ElmNetworkState | null): Promise<{ o: Tensor; y: Tensor; state: ElmNetworkState }> {
    return this.finish(await elmNetworkAsync(this.opTensors(x, state), this.opAttrs()));
  }

  /** forward() off the JS thread (native devices). */
  async forwardAsync(x: Tensor): Promise<Tensor> {
    return (await this.forwardWithStateAsync(x, null)).o;
  }

  /** o [B,T,num_output] from x [B,T,num_input], starting from zero state (classification reads o_T). */
  forward(x: Tensor): Tensor {
    return this.forwardWithState(x, null).o;
  }

  /** One time step: x_t [B,num_input] (or token ids [B] with an embedding) → o_t [B,num_output] and the next state. */
  step(xt: Tensor, state?: ElmNetworkState | null): { o: Tensor; state: ElmNetworkState } {
    const want = this.embedding ? 1 : 2;
    if (!(xt instanceof Tensor) || xt.ndim !== want) {
      throw new ShapeError(`ElmNetwork.step: x_t must be a ${this.embedding ? "[B] int32 token" : "[B, num_input]"} Tensor, got ${xt instanceof Tensor ? `shape [${xt.shape.join(",")}]` : typeof xt}`);
    }
    const B = xt.shape[0];
    const r = this.forwardWithState(reshape(xt, this.embedding ? [B, 1] : [B, 1, xt.shape[1]]), state);
    return { o: reshape(r.o, [B, this.config.num_output]), state: r.state };
  }
}
