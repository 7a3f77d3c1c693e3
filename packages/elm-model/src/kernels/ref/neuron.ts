// The TypeScript oracle of the fused ELM neuron (docs/CONTRACTS.md §2): one
// call per layer per sequence, forward storing what BPTT needs, backward
// through time. Works in the dtype of the inputs (Float64Array or
// Float32Array storage; arithmetic in double).
//
// Per time step (ELM_SPEC §2 v1, §3 v2), r_t = routeMask ⊙ x_t[route]:
//   v1: s_t = κ_s ⊙ s_{t−1} + w_s ⊙ r_t,            u_t = branch_sum(s_t)
//   v2: b_t = κ_b ⊙ b_{t−1} + branch_sum(w_s ⊙ r_t), u_t = b_t
//   a_t = κ_m ⊙ m_{t−1};  z_t = [u_t ; a_t]
//   Δm_t = ctanh(MLP(z_t));  m_t = a_t + gain ⊙ Δm_t
import type { ElmNeuronForwardResult, ElmNeuronGrads, ElmNeuronInputs, ElmNeuronShape, Float } from "../types.js";
import { allocSaved, checkSaved } from "../saved.js";
import { traceSize, validateNeuron, validateNeuronGradOutputs, type FloatDType } from "../validate.js";
import { ctanh, ctanhGradFromOutput, mlpBackward, mlpForward, type MlpDims } from "./mlp.js";

function ctorOf(dtype: FloatDType): Float64ArrayConstructor | Float32ArrayConstructor {
  return dtype === "float64" ? Float64Array : Float32Array;
}

function mlpDims(shape: ElmNeuronShape): MlpDims {
  return { nIn: shape.dTree + shape.dM, hidden: shape.dMlp, hiddenLayers: shape.lMlp, out: shape.dM, activation: shape.activation };
}

export function refElmNeuronForward(shape: ElmNeuronShape, inputs: ElmNeuronInputs): ElmNeuronForwardResult {
  const dtype = validateNeuron(shape, inputs);
  const F = ctorOf(dtype);
  const { variant, B, T, dIn, dS, dTree, dBrch, dM, dMlp, lMlp } = shape;
  const dTr = traceSize(shape);
  const nZ = dTree + dM;
  const nH = lMlp * dMlp;
  const { x, route, routeMask, wS, kappaTrace, kappaM, gain, mlpW, mlpB, trace0, m0 } = inputs;
  const dims = mlpDims(shape);

  const saved = allocSaved(shape, dtype, "ref");
  const { trace, z, pre, post, deltaM, m } = saved;
  const traceT = new F(B * dTr);
  const mT = new F(B * dM);
  const out = new Float64Array(dM);
  const drive = new Float64Array(dS); // w_s ⊙ r_t

  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const bt = b * T + t;
      const xOff = bt * dIn;
      for (let j = 0; j < dS; j++) {
        const r = x[xOff + (route ? route[j] : j)] * (routeMask ? routeMask[j] : 1);
        drive[j] = wS[j] * r;
      }
      // trace update (prev = trace0 / 0 at t = 0)
      const cur = bt * dTr;
      const prev = t === 0 ? -1 : (bt - 1) * dTr;
      const prevTrace = (k: number): number => (prev >= 0 ? trace[prev + k] : trace0 ? trace0[b * dTr + k] : 0);
      const zOff = bt * nZ;
      if (variant === "v1") {
        for (let j = 0; j < dS; j++) trace[cur + j] = kappaTrace[j] * prevTrace(j) + drive[j];
        for (let k = 0; k < dTree; k++) {
          let u = 0;
          for (let e = 0; e < dBrch; e++) u += trace[cur + k * dBrch + e];
          z[zOff + k] = u;
        }
      } else {
        for (let k = 0; k < dTree; k++) {
          let s = 0;
          for (let e = 0; e < dBrch; e++) s += drive[k * dBrch + e];
          trace[cur + k] = kappaTrace[k] * prevTrace(k) + s;
          z[zOff + k] = trace[cur + k];
        }
      }
      const mPrev = (k: number): number => (t > 0 ? m[(bt - 1) * dM + k] : m0 ? m0[b * dM + k] : 0);
      for (let k = 0; k < dM; k++) z[zOff + dTree + k] = kappaM[k] * mPrev(k);
      mlpForward(dims, mlpW, mlpB, z, zOff, pre, post, bt * nH, out, 0);
      for (let k = 0; k < dM; k++) {
        const dm = ctanh(out[k]);
        deltaM[bt * dM + k] = dm;
        m[bt * dM + k] = z[zOff + dTree + k] + gain[k] * dm;
      }
    }
    traceT.set(trace.subarray(((b + 1) * T - 1) * dTr, (b + 1) * T * dTr), b * dTr);
    mT.set(m.subarray(((b + 1) * T - 1) * dM, (b + 1) * T * dM), b * dM);
  }
  return { m, traceT, mT, saved };
}

export function refElmNeuronBackward(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown,
  dMSeq: Float, dTraceT: Float | null, dMT: Float | null,
): ElmNeuronGrads {
  const dtype = validateNeuron(shape, inputs);
  validateNeuronGradOutputs(shape, dtype, dMSeq, dTraceT, dMT);
  const sv = checkSaved(saved, shape, dtype);
  const F = ctorOf(dtype);
  const { variant, B, T, dIn, dS, dTree, dBrch, dM, dMlp, lMlp } = shape;
  const dTr = traceSize(shape);
  const nZ = dTree + dM;
  const nH = lMlp * dMlp;
  const { x, route, routeMask, wS, kappaTrace, kappaM, gain, mlpW, trace0, m0 } = inputs;
  const { trace, z, pre, post, deltaM, m } = sv;
  const dims = mlpDims(shape);

  const dx = new F(B * T * dIn);
  const dWS = new F(dS);
  const dKappaTrace = new F(dTr);
  const dKappaM = new F(dM);
  const dGain = new F(dM);
  const dMlpW = mlpW.map((w) => new F(w.length));
  const dMlpB = inputs.mlpB.map((b) => new F(b.length));
  const dTrace0 = new F(B * dTr);
  const dM0 = new F(B * dM);
  // gradients accumulate in double, then round once into the output dtype
  const acc = {
    wS: new Float64Array(dS), kT: new Float64Array(dTr), kM: new Float64Array(dM), gain: new Float64Array(dM),
    W: mlpW.map((w) => new Float64Array(w.length)), Bi: inputs.mlpB.map((b) => new Float64Array(b.length)),
  };
  const gmCarry = new Float64Array(dM); // dL/dm_t arriving from step t+1
  const gtCarry = new Float64Array(dTr); // dL/dtrace_t arriving from step t+1
  const dOut = new Float64Array(dM);
  const dz = new Float64Array(nZ);
  const scratch = new Float64Array(2 * dMlp);
  const gs = new Float64Array(dS); // dL/d(w_s ⊙ r_t) per synapse

  for (let b = 0; b < B; b++) {
    for (let k = 0; k < dM; k++) gmCarry[k] = dMT ? dMT[b * dM + k] : 0;
    for (let k = 0; k < dTr; k++) gtCarry[k] = dTraceT ? dTraceT[b * dTr + k] : 0;
    for (let t = T - 1; t >= 0; t--) {
      const bt = b * T + t;
      const zOff = bt * nZ;
      // m_t = a_t + gain ⊙ Δm_t, Δm_t = ctanh(o_t)
      for (let k = 0; k < dM; k++) {
        const gm = dMSeq[bt * dM + k] + gmCarry[k];
        gmCarry[k] = gm; // reused below as dL/dm_t
        const dm = deltaM[bt * dM + k];
        acc.gain[k] += gm * dm;
        dOut[k] = gm * gain[k] * ctanhGradFromOutput(dm);
      }
      mlpBackward(dims, mlpW, z, zOff, pre, post, bt * nH, dOut, 0, acc.W, acc.Bi, dz, 0, scratch);
      // a_t = κ_m ⊙ m_{t−1} enters the MLP and the update
      for (let k = 0; k < dM; k++) {
        const da = gmCarry[k] + dz[dTree + k];
        const mPrev = t > 0 ? m[(bt - 1) * dM + k] : m0 ? m0[b * dM + k] : 0;
        acc.kM[k] += da * mPrev;
        gmCarry[k] = da * kappaM[k];
      }
      const prevTrace = (k: number): number =>
        t > 0 ? trace[(bt - 1) * dTr + k] : trace0 ? trace0[b * dTr + k] : 0;
      if (variant === "v1") {
        // u_t = branch_sum(s_t); s_t = κ_s ⊙ s_{t−1} + w_s ⊙ r_t
        for (let j = 0; j < dS; j++) {
          const g = dz[Math.floor(j / dBrch)] + gtCarry[j];
          acc.kT[j] += g * prevTrace(j);
          gtCarry[j] = g * kappaTrace[j];
          gs[j] = g;
        }
      } else {
        // b_t = κ_b ⊙ b_{t−1} + branch_sum(w_s ⊙ r_t)
        for (let k = 0; k < dTree; k++) {
          const g = dz[k] + gtCarry[k];
          acc.kT[k] += g * prevTrace(k);
          gtCarry[k] = g * kappaTrace[k];
          for (let e = 0; e < dBrch; e++) gs[k * dBrch + e] = g;
        }
      }
      const xOff = bt * dIn;
      for (let j = 0; j < dS; j++) {
        const mask = routeMask ? routeMask[j] : 1;
        const src = xOff + (route ? route[j] : j);
        acc.wS[j] += gs[j] * x[src] * mask;
        dx[src] += gs[j] * wS[j] * mask;
      }
    }
    for (let k = 0; k < dM; k++) dM0[b * dM + k] = gmCarry[k];
    for (let k = 0; k < dTr; k++) dTrace0[b * dTr + k] = gtCarry[k];
  }
  dWS.set(acc.wS);
  dKappaTrace.set(acc.kT);
  dKappaM.set(acc.kM);
  dGain.set(acc.gain);
  acc.W.forEach((a, l) => dMlpW[l].set(a));
  acc.Bi.forEach((a, l) => dMlpB[l].set(a));
  return { dx, dWS, dKappaTrace, dKappaM, dGain, dMlpW, dMlpB, dTrace0, dM0 };
}
