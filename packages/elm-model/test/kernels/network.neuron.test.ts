// ELM_SPEC §4 reduces to §3: a network of one neuron whose synapses read only
// the inputs is a Branch-ELM (v2) neuron with route = src, followed by its
// readout y = W_y m + b_y — forward and every gradient, on every device we have.
import { describe, expect, it } from "vitest";
import { elmNetworkBackward, elmNetworkForward } from "../../src/kernels/network.js";
import { refElmNeuronBackward, refElmNeuronForward } from "../../src/kernels/ref/neuron.js";
import type { ElmNeuronShape, Float } from "../../src/kernels/types.js";
import { baseShape, maxRelErr, randomNetwork, seededRandom } from "./networkFixtures.js";

function close(name: string, a: Float, b: ArrayLike<number>): void {
  expect(a.length, name).toBe(b.length);
  const err = maxRelErr(a, b, 1e-6);
  if (!(err <= 1e-10)) expect.fail(`${name}: network and Branch-ELM differ by ${err.toExponential(2)}`);
}

describe("ELM Network with N=1 and no recurrent synapses == Branch-ELM (ref neuron oracle)", () => {
  for (const device of ["ref", "cpu"] as const) {
    it(`device ${device}, dAxon=2, lMlp=2, nonzero initial state`, () => {
      const shape = baseShape({ N: 1, B: 2, T: 5, dIn: 4, dTree: 3, dBrch: 2, dM: 3, dMlp: 5, lMlp: 2, dAxon: 2 });
      const { inputs } = randomNetwork(shape, 71, { recurrent: false, initial: true });
      inputs.y0 = null; // read by no synapse; its gradient must come out zero
      const { B, T, dIn, dTree, dBrch, dM, dMlp, lMlp, dAxon, activation } = shape;
      const nShape: ElmNeuronShape = { variant: "v2", B, T, dIn, dS: dTree * dBrch, dTree, dBrch, dM, dMlp, lMlp, activation };
      const nInputs = {
        x: inputs.x, route: inputs.src, routeMask: null, wS: inputs.w, kappaTrace: inputs.kappaB, kappaM: inputs.kappaM,
        gain: inputs.gain, mlpW: inputs.mlpW, mlpB: inputs.mlpB, trace0: inputs.b0, m0: inputs.m0,
      };
      const rnd = seededRandom(72);
      const dY = Float64Array.from({ length: B * T * dAxon }, () => rnd());
      const dBT = Float64Array.from({ length: B * dTree }, () => rnd());
      const dMT = Float64Array.from({ length: B * dM }, () => rnd());

      const net = elmNetworkForward(shape, inputs, device);
      const neu = refElmNeuronForward(nShape, nInputs);
      // y_t = W_y m_t + b_y from the neuron's memory
      const yWant = new Float64Array(B * T * dAxon);
      const dMseq = new Float64Array(B * T * dM); // ∂L/∂m_t = W_yᵀ dY_t
      for (let bt = 0; bt < B * T; bt++) {
        for (let a = 0; a < dAxon; a++) {
          let y = inputs.bY[a];
          for (let k = 0; k < dM; k++) {
            y += inputs.wY[a * dM + k] * neu.m[bt * dM + k];
            dMseq[bt * dM + k] += inputs.wY[a * dM + k] * dY[bt * dAxon + a];
          }
          yWant[bt * dAxon + a] = y;
        }
      }
      close("y", net.y, yWant);
      close("bT", net.bT, neu.traceT);
      close("mT", net.mT, neu.mT);

      const gn = elmNetworkBackward(shape, inputs, net.saved, dY, dBT, dMT, null, device);
      const ge = refElmNeuronBackward(nShape, nInputs, neu.saved, dMseq, dBT, dMT);
      close("dx", gn.dx, ge.dx);
      close("dW", gn.dW, ge.dWS);
      close("dKappaB", gn.dKappaB, ge.dKappaTrace);
      close("dKappaM", gn.dKappaM, ge.dKappaM);
      close("dGain", gn.dGain, ge.dGain);
      for (let l = 0; l <= lMlp; l++) {
        close(`dMlpW[${l}]`, gn.dMlpW[l], ge.dMlpW[l]);
        close(`dMlpB[${l}]`, gn.dMlpB[l], ge.dMlpB[l]);
      }
      close("dB0", gn.dB0, ge.dTrace0!);
      close("dM0", gn.dM0, ge.dM0!);
      expect(Array.from(gn.dY0)).toEqual(new Array(B * dAxon).fill(0));
      expect(Math.max(...Array.from(gn.dW, Math.abs))).toBeGreaterThan(1e-3);
    });
  }
});
