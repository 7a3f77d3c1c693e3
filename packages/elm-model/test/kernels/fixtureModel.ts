// Test helper (float64): turns a reference fixture (the authors' PyTorch ELM
// in float64, ../shared/fixtures/reference, read by ../model/fixtures.ts) into the fused kernel's derived
// inputs, and chain-rules the kernel's gradients back to the fixture's raw
// parameters (ELM_SPEC §2, §3):
//   w_s = relu(_proto_w_s), τ_m = σ_[τmin,τmax](_proto_tau_m),
//   κ_m = exp(−Δt/max(τ_m,1e-6)), κ_s/κ_b = exp(−Δt/τ),
//   gain = λ(1−κ_m) (v1) or 1−κ_λ, κ_λ = exp(−Δt·λ/max(τ_m,1e-6)) (v2),
//   y = W_y m + b_y.
import type { ElmNeuronInputs, ElmNeuronShape, Float } from "../../src/kernels/types.js";
import type { RefFixture as Fixture } from "../model/fixtures.js";

const sigmoid = (p: number): number => 1 / (1 + Math.exp(-p));

/** Everything the fixture's model needs, derived in float64. */
export interface Derived {
  shape: ElmNeuronShape;
  inputs: ElmNeuronInputs;
  dOut: number;
  wY: Float64Array; // [dOut, dM]
  bY: Float64Array;
  tauM: Float64Array;
  kappaM: Float64Array;
  kappaLambda: Float64Array | null;
  lambda: number;
  dt: number;
  tauMin: number;
  tauMax: number;
}

export function derive(fx: Fixture): Derived {
  const c = fx.config as Record<string, number | string | null | boolean>;
  const p = fx.params;
  const v1 = fx.model === "elm_v1";
  const dIn = c.num_input as number;
  const dM = c.num_memory as number;
  const dt = c.delta_t as number;
  const lambda = c.lambda_value as number;
  const tauMin = c.memory_tau_min as number;
  const tauMax = c.memory_tau_max as number;
  const dBrch = c.num_synapse_per_branch as number;
  const dTree = (c.num_branch as number | null) ?? dIn;
  const dS = dTree * dBrch;
  const lMlp = c.mlp_num_layers as number;
  const dMlp = (c.mlp_hidden_size as number | undefined) ?? 2 * dM;
  const activation = ((c.mlp_activation as string | undefined) ?? "relu") as "relu" | "silu";
  const [B, T] = fx.input.shape;
  const wS = Float64Array.from(p._proto_w_s.data, (v) => Math.max(v, 0));
  const tauM = Float64Array.from(p._proto_tau_m.data, (v) => tauMin + (tauMax - tauMin) * sigmoid(v));
  const kappaM = tauM.map((tm) => Math.exp(-dt / Math.max(tm, 1e-6)));
  const kappaLambda = v1 ? null : tauM.map((tm) => Math.exp((-dt * lambda) / Math.max(tm, 1e-6)));
  const gain = v1 ? kappaM.map((k) => lambda * (1 - k)) : kappaLambda!.map((k) => 1 - k);
  const tau = v1 ? p.tau_s.data : p.tau_b.data;
  const kappaTrace = Float64Array.from(tau, (ts) => Math.exp(-dt / ts));
  const idx = p.input_to_synapse_indices.data;
  const route = idx.length > 0 ? Int32Array.from(idx) : null;
  const routeMask = idx.length > 0 ? Float64Array.from(p.valid_indices_mask.data) : null;
  const mlpW: Float64Array[] = [];
  const mlpB: Float64Array[] = [];
  for (let l = 0; l <= lMlp; l++) {
    mlpW.push(Float64Array.from(p[`mlp.network.${2 * l}.weight`].data));
    mlpB.push(Float64Array.from(p[`mlp.network.${2 * l}.bias`].data));
  }
  const shape: ElmNeuronShape = { variant: v1 ? "v1" : "v2", B, T, dIn, dS, dTree, dBrch, dM, dMlp, lMlp, activation };
  const inputs: ElmNeuronInputs = {
    x: Float64Array.from(fx.input.data), route, routeMask, wS, kappaTrace, kappaM, gain, mlpW, mlpB, trace0: null, m0: null,
  };
  return {
    shape, inputs, dOut: p["w_y.weight"].shape[0], wY: Float64Array.from(p["w_y.weight"].data), bY: Float64Array.from(p["w_y.bias"].data),
    tauM, kappaM, kappaLambda, lambda, dt, tauMin, tauMax,
  };
}

/** y = W_y m + b_y over [B,T,dM] → [B,T,dOut]. */
export function readout(d: Derived, m: ArrayLike<number>): Float64Array {
  const { dM } = d.shape;
  const n = m.length / dM;
  const y = new Float64Array(n * d.dOut);
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < d.dOut; o++) {
      let acc = d.bY[o];
      for (let k = 0; k < dM; k++) acc += d.wY[o * dM + k] * m[r * dM + k];
      y[r * d.dOut + o] = acc;
    }
  }
  return y;
}

/** dLoss/dm = G W_y for loss = sum(y ⊙ G). */
export function upstreamToDm(d: Derived, G: ArrayLike<number>): Float64Array {
  const { dM } = d.shape;
  const n = G.length / d.dOut;
  const dm = new Float64Array(n * dM);
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < d.dOut; o++) {
      const g = G[r * d.dOut + o];
      for (let k = 0; k < dM; k++) dm[r * dM + k] += g * d.wY[o * dM + k];
    }
  }
  return dm;
}

export interface KernelGrads {
  dx: ArrayLike<number>;
  dWS: ArrayLike<number>;
  dKappaM: ArrayLike<number>;
  dGain: ArrayLike<number>;
  dMlpW: ArrayLike<number>[];
  dMlpB: ArrayLike<number>[];
}

/** The fixture's raw-parameter gradients from the kernel's gradients (chain rule in float64). */
export function rawGrads(fx: Fixture, d: Derived, m: ArrayLike<number>, g: KernelGrads): Record<string, Float64Array> {
  const { dM, lMlp } = d.shape;
  const G = fx.upstream_grad.data;
  const out: Record<string, Float64Array> = {};
  // w_s = relu(p_s)
  out._proto_w_s = Float64Array.from(fx.params._proto_w_s.data, (p, j) => (p > 0 ? g.dWS[j] : 0));
  // τ_m = τmin + (τmax−τmin)·σ(p); κ_m = exp(−Δt/τ_m); gain as the variant says
  out._proto_tau_m = Float64Array.from(fx.params._proto_tau_m.data, (p, k) => {
    const tm = d.tauM[k];
    const dTau = (d.tauMax - d.tauMin) * sigmoid(p) * (1 - sigmoid(p));
    const dKappaDTau = tm > 1e-6 ? (d.kappaM[k] * d.dt) / (tm * tm) : 0;
    let gTau = g.dKappaM[k] * dKappaDTau;
    if (d.kappaLambda === null) gTau += g.dGain[k] * -d.lambda * dKappaDTau; // gain = λ(1−κ_m)
    else gTau += g.dGain[k] * (tm > 1e-6 ? (-d.kappaLambda[k] * d.dt * d.lambda) / (tm * tm) : 0); // gain = 1−κ_λ
    return gTau * dTau;
  });
  for (let l = 0; l <= lMlp; l++) {
    out[`mlp.network.${2 * l}.weight`] = Float64Array.from(g.dMlpW[l]);
    out[`mlp.network.${2 * l}.bias`] = Float64Array.from(g.dMlpB[l]);
  }
  // y = W_y m + b_y
  const gWY = new Float64Array(d.dOut * dM);
  const gBY = new Float64Array(d.dOut);
  const n = m.length / dM;
  for (let r = 0; r < n; r++) {
    for (let o = 0; o < d.dOut; o++) {
      const gg = G[r * d.dOut + o];
      gBY[o] += gg;
      for (let k = 0; k < dM; k++) gWY[o * dM + k] += gg * m[r * dM + k];
    }
  }
  out["w_y.weight"] = gWY;
  out["w_y.bias"] = gBY;
  return out;
}

/** Largest error relative to |expected_i| + floor·‖expected‖∞ (floor keeps near-zero entries meaningful). */
export function relErr(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-3): { err: number; at: number } {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ expected ${expected.length}`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let err = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i] - expected[i]) / (Math.abs(expected[i]) + floor * scale || 1);
    if (!(e <= err)) {
      err = e;
      at = i;
    }
  }
  return { err, at };
}

/** A copy of the inputs in float32. */
export function toFloat32(inputs: ElmNeuronInputs): ElmNeuronInputs {
  const f = (a: Float | null): Float32Array | null => (a === null ? null : Float32Array.from(a));
  return {
    ...inputs,
    x: f(inputs.x)!, routeMask: f(inputs.routeMask), wS: f(inputs.wS)!, kappaTrace: f(inputs.kappaTrace)!,
    kappaM: f(inputs.kappaM)!, gain: f(inputs.gain)!, mlpW: inputs.mlpW.map((w) => f(w)!), mlpB: inputs.mlpB.map((b) => f(b)!),
    trace0: f(inputs.trace0), m0: f(inputs.m0),
  };
}
