// All five reference fixtures through the MODEL classes: load the authors'
// parameters by state dict, forward, loss = sum(y ⊙ G), backward; outputs,
// every trainable raw-parameter gradient and the input gradient must match the
// authors' PyTorch float64 values (1e-10 relative in float64, 1e-4 in float32).
import { describe, expect, it } from "vitest";
import { Tensor, deviceAvailable, mul, sum, type DType, type Device } from "@elm/core";
import { BranchElm, ElmNeuron, type ElmBase } from "../../src/index.js";
import { expectCloseRel, loadRefFixtures, type RefFixture } from "./fixtures.js";

const fixtures = loadRefFixtures();
const DEVICES: Device[] = deviceAvailable("cuda") ? ["ref", "cpu", "cuda"] : ["ref", "cpu"];
const TOL: Record<string, number> = { float64: 1e-10, float32: 1e-4 };

function build(fx: RefFixture, dtype: DType, device: Device): ElmBase {
  const M = fx.model === "elm_v1" ? ElmNeuron : BranchElm;
  const m = new M(fx.config as never, { dtype, device, seed: 1 });
  m.loadStateDict(fx.params);
  return m;
}

describe("reference fixtures through the model classes", () => {
  it("has the five fixtures", () => {
    expect(fixtures.map((f) => f.name)).toHaveLength(5);
  });

  for (const fx of fixtures) {
    it(`${fx.name}: state-dict keys, trainable names and count as the authors`, () => {
      const m = build(fx, "float64", "ref");
      expect(Object.keys(m.stateDict())).toEqual(Object.keys(fx.params));
      expect(m.namedParameters().map(([n]) => n)).toEqual(fx.trainable);
      expect(m.trainableParameterCount()).toBe(fx.trainable_parameter_count);
      expect(m.parameterCount()).toBe(fx.trainable_parameter_count);
      for (const [k, a] of Object.entries(m.stateDict())) expect([...a.shape], k).toEqual(fx.params[k].shape);
    });

    it(`${fx.name}: derived τ_m, κ_m, w_s, κ_trace match`, () => {
      const m = build(fx, "float64", "ref");
      const d = m.derived();
      expectCloseRel(d.tauM.data, fx.derived.tau_m.data, 1e-12, "tau_m");
      expectCloseRel(d.kappaM.data, fx.derived.kappa_m.data, 1e-12, "kappa_m");
      expectCloseRel(d.wS.data, fx.derived.w_s.data, 1e-12, "w_s");
      expectCloseRel(d.kappaTrace.data, (fx.derived.kappa_s ?? fx.derived.kappa_b).data, 1e-12, "kappa trace");
      if (fx.derived.kappa_lambda) expectCloseRel(d.gain.data, fx.derived.kappa_lambda.data.map((k) => 1 - k), 1e-12, "gain");
    });

    for (const device of DEVICES) {
      for (const dtype of ["float64", "float32"] as DType[]) {
        it(`${fx.name} on ${device} in ${dtype}: y, loss, parameter and input gradients`, () => {
          const m = build(fx, dtype, device);
          const tol = TOL[dtype];
          const x = Tensor.fromArray(fx.input.data, fx.input.shape, { dtype, device, requiresGrad: true });
          const G = Tensor.fromArray(fx.upstream_grad.data, fx.upstream_grad.shape, { dtype, device });
          const y = m.forward(x);
          expect([...y.shape]).toEqual(fx.output.shape);
          expectCloseRel(y.data, fx.output.data, tol, "y");
          const loss = sum(mul(y, G));
          expectCloseRel([loss.item()], [fx.loss], tol, "loss");
          loss.backward();
          const params = Object.fromEntries(m.namedParameters());
          for (const name of fx.trainable) {
            const g = params[name].grad;
            expect(g, `grad of ${name}`).not.toBeNull();
            expectCloseRel(g!.data, fx.grads[name].data, tol, `d loss / d ${name}`);
          }
          expectCloseRel(x.grad!.data, fx.input_grad.data, tol, "d loss / d x");
          // frozen parameters and buffers take no gradient
          for (const [n, t] of m.namedParameters({ includeFrozen: true })) if (!fx.trainable.includes(n)) expect(t.grad, n).toBeNull();
        });
      }
    }
  }
});
