// The LSTM baseline the ELM paper compares against, with chrono
// initialisation (Tallec & Ollivier, "Can recurrent neural networks warp
// time?", ICLR 2018): forget-gate bias b_f ~ log(U[1, T_max − 1]) and input-gate
// bias b_i = −b_f, so the forget gates' characteristic times spread over
// [1, T_max]. Built from ordinary core ops (one tape node per op and step).
// Names and layout as PyTorch's nn.LSTM (gate order i, f, g, o):
// `lstm.weight_ih_l{k}` [4H, in], `lstm.weight_hh_l{k}` [4H, H],
// `lstm.bias_ih_l{k}` [4H], `lstm.bias_hh_l{k}` [4H]; readout `readout.weight`
// [d_out, H], `readout.bias` [d_out].
//   i,f,g,o = σ, σ, tanh, σ (x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)
//   c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t),  y_t = W h_t + b
import {
  Rng, Tensor, add, matmul, mul, reshape, sigmoid, slice, stack, tanh, zeros,
  DTypeError, DeviceError, ShapeError, type DType, type Device,
} from "@elm/core";
import { ConfigError } from "./errors.js";
import { normalizeKeys, posInt, posNum } from "./config/validate.js";
import { uniformValues } from "./init.js";
import { Linear } from "./layers/linear.js";
import { Module } from "./module.js";
import type { ModelOptions } from "./elm_base.js";

export interface ChronoLstmConfig {
  num_input: number;
  num_output: number;
  hidden_size: number;
  /** stacked LSTM layers (default 1) */
  num_layers?: number;
  /** T_max of the chrono initialisation: the longest dependency expected, in steps (> 2). */
  chrono_t_max: number;
}

export type ResolvedChronoLstmConfig = Required<ChronoLstmConfig>;

export function resolveLstmConfig(cfg: ChronoLstmConfig | Record<string, unknown>): ResolvedChronoLstmConfig {
  const w = "ChronoLstm";
  const c = normalizeKeys(w, cfg, ["num_input", "num_output", "hidden_size", "num_layers", "chrono_t_max"]);
  const r = {
    num_input: posInt(w, "num_input", c.num_input),
    num_output: posInt(w, "num_output", c.num_output),
    hidden_size: posInt(w, "hidden_size", c.hidden_size),
    num_layers: posInt(w, "num_layers", c.num_layers ?? 1),
    chrono_t_max: posNum(w, "chrono_t_max", c.chrono_t_max),
  };
  if (r.chrono_t_max <= 2) throw new ConfigError(`${w}: chrono_t_max must be > 2 (b_f ~ log U[1, T_max − 1]), got ${r.chrono_t_max}`);
  return r;
}

/** Per-layer LSTM state: h and c, [B, H] each. */
export interface LstmState {
  h: Tensor[];
  c: Tensor[];
}

/** The recurrent core, with nn.LSTM's parameter names. */
export class LstmCore extends Module {
  constructor(readonly inputSize: number, readonly hiddenSize: number, readonly numLayers: number, chronoTMax: number, rng: Rng, o: { dtype: DType; device: Device }) {
    super();
    const H = hiddenSize;
    const bound = 1 / Math.sqrt(H); // nn.LSTM: every weight and bias uniform ±1/√H
    for (let k = 0; k < numLayers; k++) {
      const nIn = k === 0 ? inputSize : H;
      this.registerParameter(`weight_ih_l${k}`, Tensor.fromArray(uniformValues(4 * H * nIn, bound, rng), [4 * H, nIn], o));
      this.registerParameter(`weight_hh_l${k}`, Tensor.fromArray(uniformValues(4 * H * H, bound, rng), [4 * H, H], o));
      // chrono: b_f = log U[1, T_max − 1] on bias_ih, b_i = −b_f; the hh biases of those gates 0
      const bIh = uniformValues(4 * H, bound, rng);
      const bHh = uniformValues(4 * H, bound, rng);
      for (let j = 0; j < H; j++) {
        const bf = Math.log(1 + (chronoTMax - 2) * rng.uniform());
        bIh[H + j] = bf; // forget gate
        bIh[j] = -bf; // input gate
        bHh[H + j] = 0;
        bHh[j] = 0;
      }
      this.registerParameter(`bias_ih_l${k}`, Tensor.fromArray(bIh, [4 * H], o));
      this.registerParameter(`bias_hh_l${k}`, Tensor.fromArray(bHh, [4 * H], o));
    }
  }

  p(name: string): Tensor {
    return this.own(name);
  }
}

export class ChronoLstm extends Module {
  readonly kind = "lstm";
  readonly config: ResolvedChronoLstmConfig;
  readonly lstm: LstmCore;
  readonly readout: Linear;

  constructor(config: ChronoLstmConfig, opts: ModelOptions = {}) {
    super();
    const c = resolveLstmConfig(config);
    this.config = c;
    const dtype = opts.dtype ?? "float32";
    const device = opts.device ?? "ref";
    if (dtype !== "float32" && dtype !== "float64") throw new DTypeError(`ChronoLstm: dtype must be float32 or float64, got ${JSON.stringify(dtype)}`);
    const rng = (opts.rng ?? new Rng(opts.seed ?? 0)).fork("init");
    const o = { dtype, device };
    this.lstm = this.registerModule("lstm", new LstmCore(c.num_input, c.hidden_size, c.num_layers, c.chrono_t_max, rng.fork("lstm"), o));
    this.readout = this.registerModule("readout", new Linear(c.hidden_size, c.num_output, rng.fork("readout"), o));
  }

  describe(): ChronoLstmConfig {
    return { ...this.config };
  }

  /** Σ_k 4H·(in_k + H + 2) + (H + 1)·d_out. */
  parameterCount(): number {
    const { num_input: I, hidden_size: H, num_layers: L, num_output: O } = this.config;
    let n = 0;
    for (let k = 0; k < L; k++) n += 4 * H * ((k === 0 ? I : H) + H + 2);
    return n + (H + 1) * O;
  }

  initialState(batch: number, device: Device = this.device): LstmState {
    const o = { dtype: this.dtype, device };
    const L = this.config.num_layers;
    const H = this.config.hidden_size;
    return { h: Array.from({ length: L }, () => zeros([batch, H], o)), c: Array.from({ length: L }, () => zeros([batch, H], o)) };
  }

  private checkInput(x: unknown): asserts x is Tensor {
    const c = this.config;
    if (!(x instanceof Tensor)) throw new TypeError(`ChronoLstm.forward: x must be a Tensor, got ${typeof x}`);
    if (x.ndim !== 3 || x.shape[2] !== c.num_input) {
      throw new ShapeError(`ChronoLstm.forward: x must be [B, T, num_input = ${c.num_input}], got shape [${x.shape.join(",")}]`);
    }
    if (x.dtype !== this.dtype) throw new DTypeError(`ChronoLstm.forward: x is ${x.dtype} but the model is ${this.dtype}`);
    if (x.device !== this.device) throw new DeviceError(`ChronoLstm.forward: x is on ${x.device} but the model is on ${this.device}`);
  }

  /** y [B,T,num_output] and the final state (pass it on for truncated BPTT). */
  forwardWithState(x: Tensor, state?: LstmState | null): { y: Tensor; state: LstmState } {
    this.checkInput(x);
    const [B, T] = x.shape;
    const H = this.config.hidden_size;
    const s = state ?? this.initialState(B, x.device);
    if (state && (state.h.length !== this.config.num_layers || state.h.some((h) => h.shape[0] !== B || h.shape[1] !== H))) {
      throw new ShapeError(`ChronoLstm.forward: state must hold ${this.config.num_layers} layer(s) of [${B}, ${H}] tensors`);
    }
    let seq = x;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let k = 0; k < this.config.num_layers; k++) {
      const wIh = this.lstm.p(`weight_ih_l${k}`);
      const wHh = this.lstm.p(`weight_hh_l${k}`);
      const bias = add(this.lstm.p(`bias_ih_l${k}`), this.lstm.p(`bias_hh_l${k}`));
      // input projections of every step in one product: [B,T,4H]
      const xProj = add(matmul(seq, wIh, { transB: true }), bias);
      let h = s.h[k];
      let c = s.c[k];
      const outs: Tensor[] = [];
      for (let t = 0; t < T; t++) {
        const gates = add(reshape(slice(xProj, 1, t, t + 1), [B, 4 * H]), matmul(h, wHh, { transB: true }));
        const i = sigmoid(slice(gates, 1, 0, H));
        const f = sigmoid(slice(gates, 1, H, 2 * H));
        const g = tanh(slice(gates, 1, 2 * H, 3 * H));
        const o = sigmoid(slice(gates, 1, 3 * H, 4 * H));
        c = add(mul(f, c), mul(i, g));
        h = mul(o, tanh(c));
        outs.push(h);
      }
      hs.push(h);
      cs.push(c);
      seq = stack(outs, 1);
    }
    return { y: this.readout.forward(seq), state: { h: hs, c: cs } };
  }

  forward(x: Tensor): Tensor {
    return this.forwardWithState(x, null).y;
  }

  /** One step: x_t [B,num_input] → y_t [B,num_output] and the next state. */
  step(xt: Tensor, state?: LstmState | null): { y: Tensor; state: LstmState } {
    if (!(xt instanceof Tensor) || xt.ndim !== 2) throw new ShapeError(`ChronoLstm.step: x_t must be a [B, num_input] Tensor`);
    const [B, C] = xt.shape;
    const r = this.forwardWithState(reshape(xt, [B, 1, C]), state);
    return { y: reshape(r.y, [B, this.config.num_output]), state: r.state };
  }
}
