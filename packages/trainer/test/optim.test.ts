// Optimizers against values computed with PyTorch's torch.optim formulas
// (single-tensor code paths transcribed to NumPy float64; see the comments in
// each optimizer file), three steps each on fixed gradients.
import { describe, expect, it } from "vitest";
import { Adam, Adamax, AdamW, Sgd, type Optimizer, type ParamLike } from "../src/optim/index.js";
import { clipGradNorm, gradNorm } from "../src/clip.js";
import { makeSchedule } from "../src/schedule.js";

const P0 = [1.0, -2.0, 0.5, 0.0];
const G = [
  [0.1, -0.3, 2.0, 0.0],
  [-0.2, 0.05, 1.0, 1e-3],
  [0.3, 0.3, -0.5, -2.0],
];

function param(values: number[]): ParamLike {
  return { data: Float64Array.from(values), grad: null };
}

function run(make: (p: ParamLike) => Optimizer, steps = G.length): number[] {
  const p = param(P0);
  const opt = make(p);
  for (let s = 0; s < steps; s++) {
    p.grad = { data: Float64Array.from(G[s]) };
    opt.step();
  }
  return [...p.data];
}

function close(a: number[], b: number[], tol = 1e-13): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i])));
}

const named = (p: ParamLike) => [{ name: "w", param: p }];

describe("optimizers match PyTorch formulas", () => {
  it("Adam", () => {
    close(run((p) => new Adam(named(p), { lr: 1e-2 })), [0.9902286253947742, -1.9861406443476721, 0.47504158999804386, -0.001056002546472836]);
    close(
      run((p) => new Adam(named(p), { lr: 1e-2, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1 })),
      [0.9810266797435051, -1.9771906839300863, 0.47565316476915187, -0.0007657608892075521],
    );
  });
  it("Adam's first step is lr·sign(g) up to ε", () => {
    const out = run((p) => new Adam(named(p), { lr: 1e-2 }), 1);
    close(out, [1 - 1e-2, -2 + 1e-2, 0.5 - 1e-2, 0], 1e-8);
  });
  it("AdamW (decoupled decay)", () => {
    close(
      run((p) => new AdamW(named(p), { lr: 1e-2, weightDecay: 0.05 })),
      [0.9887375422512552, -1.9831548342849736, 0.47430662333365853, -0.0010522819149595209],
    );
  });
  it("Adamax", () => {
    close(run((p) => new Adamax(named(p), { lr: 5e-3 })), [0.9952112065282659, -1.9936955501654896, 0.48944490045821015, -0.0007873644491811246]);
    close(
      run((p) => new Adamax(named(p), { lr: 5e-3, weightDecay: 0.01 })),
      [0.9949034991698213, -1.9931534006192362, 0.4894339657820931, -0.000787364438256805],
    );
  });
  it("SGD plain, momentum, dampening, nesterov", () => {
    close(run((p) => new Sgd(named(p), { lr: 0.1 })), [0.98, -2.005, 0.25, 0.19990000000000002]);
    close(run((p) => new Sgd(named(p), { lr: 0.1, momentum: 0.9 })), [0.9808999999999999, -1.9582, -0.182, 0.19981000000000004]);
    close(run((p) => new Sgd(named(p), { lr: 0.1, momentum: 0.5, dampening: 0.3 })), [0.9825, -1.97375, 0.07999999999999997, 0.139895]);
    close(
      run((p) => new Sgd(named(p), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })),
      [0.9548056125509999, -1.951600486512, -0.3653983212295001, 0.379729361],
    );
  });
  it("float32 parameters are updated in place", () => {
    const p: ParamLike = { data: Float32Array.from(P0), grad: null };
    const opt = new Adam(named(p), { lr: 1e-2 });
    p.grad = { data: Float32Array.from(G[0]) };
    opt.step();
    expect(p.data[0]).toBeCloseTo(0.99, 6);
  });
  it("state round-trips: save after 1 step, load into a fresh optimizer, continue = uninterrupted", () => {
    for (const make of [
      (p: ParamLike) => new Adam(named(p), { lr: 1e-2 }),
      (p: ParamLike) => new AdamW(named(p), { lr: 1e-2 }),
      (p: ParamLike) => new Adamax(named(p), { lr: 1e-2 }),
      (p: ParamLike) => new Sgd(named(p), { lr: 1e-2, momentum: 0.9 }),
    ]) {
      const full = run(make);
      const p = param(P0);
      const a = make(p);
      p.grad = { data: Float64Array.from(G[0]) };
      a.step();
      const state = JSON.parse(JSON.stringify(a.stateDict(), (_k, v) => (v instanceof Float64Array ? { f64: [...v] } : v)), (_k, v) =>
        v && typeof v === "object" && "f64" in v ? Float64Array.from(v.f64) : v,
      );
      const b = make(p);
      b.loadStateDict(state);
      for (let s = 1; s < G.length; s++) {
        p.grad = { data: Float64Array.from(G[s]) };
        b.step();
      }
      expect([...p.data]).toEqual(full);
    }
  });
  it("refuses mismatched state and bad hyper-parameters", () => {
    const p = param(P0);
    const adam = new Adam(named(p));
    expect(() => new Sgd(named(p)).loadStateDict(adam.stateDict())).toThrow(/'adam'.*'sgd'/);
    expect(() => new Adam(named(p), { betas: [1.2, 0.9] })).toThrow(/beta1 must be in \[0, 1\), got 1.2/);
    expect(() => new Adam(named(p), { lr: -1 })).toThrow(/learning rate/);
    expect(() => new Sgd(named(p), { nesterov: true })).toThrow(/nesterov/);
  });
  it("takes parameters as { name, param } entries, [name, param] pairs (Module.namedParameters()) or a Map, alike", () => {
    const want = run((p) => new Adamax(named(p), { lr: 5e-3 }));
    close(run((p) => new Adamax([["w", p]], { lr: 5e-3 })), want, 0);
    close(run((p) => new Adamax(new Map([["w", p]]), { lr: 5e-3 })), want, 0);
    expect(new Sgd([["a", param([1])], ["b", param([2])]], { lr: 0.1 }).params.map((e) => e.name)).toEqual(["a", "b"]);
  });
  it("refuses parameter lists it cannot read, naming the entry", () => {
    const p = param([1]);
    expect(() => new Adam(null as never, { lr: 1e-3 })).toThrow(/parameters must be a list .* got null/);
    expect(() => new Adam([["w", p, "extra"]] as never, { lr: 1e-3 })).toThrow(/entry 0 must be .* an array of length 3/);
    expect(() => new Adam([{ name: "w", param: p }, 3] as never, { lr: 1e-3 })).toThrow(/entry 1 must be .* got number/);
    expect(() => new Adam([["w", { data: [1, 2] }]] as never, { lr: 1e-3 })).toThrow(/parameter 'w' \(entry 0\) has no typed-array data/);
  });
  it("zeroGrad sets grads to null; parameters without grad are skipped", () => {
    const p = param(P0);
    const opt = new Sgd(named(p), { lr: 1 });
    opt.step();
    expect([...p.data]).toEqual(P0);
    p.grad = { data: Float64Array.from(G[0]) };
    opt.zeroGrad();
    expect(p.grad).toBeNull();
  });
});

describe("clipGradNorm (PyTorch clip_grad_norm_)", () => {
  it("scales by maxNorm/(norm+1e-6) when above, leaves alone when below", () => {
    const a: ParamLike = { data: new Float64Array(2), grad: { data: Float64Array.from([3, 0]) } };
    const b: ParamLike = { data: new Float64Array(1), grad: { data: Float64Array.from([4]) } };
    expect(gradNorm([a, b])).toBe(5);
    expect(clipGradNorm([a, b], 1)).toBe(5);
    const c = 1 / (5 + 1e-6);
    expect([...a.grad!.data, ...b.grad!.data]).toEqual([3 * c, 0, 4 * c]);
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(1, 5);
    expect([...a.grad!.data, ...b.grad!.data]).toEqual([3 * c, 0, 4 * c]);
  });
});

describe("schedule", () => {
  it("linear warm-up then cosine to minLr", () => {
    const f = makeSchedule({ kind: "cosine", baseLr: 1, totalSteps: 12, warmupSteps: 2, minLr: 0 });
    expect(f(0)).toBe(0.5);
    expect(f(1)).toBe(1);
    expect(f(2)).toBe(1);
    expect(f(7)).toBeCloseTo(0.5, 12);
    expect(f(12)).toBeCloseTo(0, 12);
    const c = makeSchedule({ kind: "constant", baseLr: 0.1, totalSteps: 5 });
    expect(c(4)).toBe(0.1);
    expect(() => makeSchedule({ kind: "cosine", baseLr: 1, totalSteps: 2, warmupSteps: 2 })).toThrow(/warmupSteps/);
  });
});
