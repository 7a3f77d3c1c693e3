// ELM Network (ELM_SPEC §4) through the model class: parameter count formula
// vs the tensors, the seeded src table, finite-difference gradients of the raw
// parameters in float64, cpu == ref, streaming and chunked BPTT, and N=1 ==
// Branch-ELM.
import { describe, expect, it, vi } from "vitest";
import { Rng, Tensor, concat, mul, randNormal, reshape, slice, stack, sum, noGrad, type DType, type Device } from "@elm/core";
import { BranchElm, ConfigError, ElmNetwork, StateDictError, makeSrcTable, networkParameterCount, type ElmNetworkConfig } from "../../src/index.js";
import { expectCloseRel } from "./fixtures.js";
import * as networkKernels from "../../src/kernels/network.js";

// The op's calls of elmNetworkBackward are observed (the real kernel runs): the
// options it passes show whether dL/dx was asked for.
vi.mock("../../src/kernels/network.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/kernels/network.js")>();
  return { ...real, elmNetworkBackward: vi.fn(real.elmNetworkBackward) };
});

const base: ElmNetworkConfig = {
  num_input: 5, num_output: 3, num_neurons: 4, num_branch: 3, num_synapse_per_branch: 2, num_memory: 3,
  mlp_activation: "silu", learn_memory_tau: true, memory_tau_max: 50,
};

function input(shape: number[], seed: number, dtype: DType = "float64", device: Device = "ref"): Tensor {
  const t = randNormal(shape, new Rng(seed), 0, 1, { dtype: "float64" });
  return Tensor.fromArray(t.data, shape, { dtype, device });
}

describe("ElmNetwork parameters", () => {
  const configs: ElmNetworkConfig[] = [
    base,
    { ...base, learn_memory_tau: false },
    { ...base, d_axon: 2, mlp_num_layers: 2, mlp_hidden_size: 5 },
    { num_input: 20, num_output: 10, num_neurons: 16, num_branch: 4, num_synapse_per_branch: 8, num_memory: 6 },
  ];
  for (const cfg of configs) {
    it(`P = N·(k_c + k_e) + (N·d_axon + 1)·d_out equals the trainable tensors (${JSON.stringify(cfg).slice(0, 60)}…)`, () => {
      const m = new ElmNetwork(cfg);
      expect(m.parameterCount()).toBe(m.trainableParameterCount());
      const c = m.config;
      const N = c.num_neurons;
      expect(m.kC).toBe(c.num_branch * c.num_synapse_per_branch);
      if (c.mlp_num_layers === 1) {
        const { num_branch: dT, num_memory: dM, mlp_hidden_size: dMlp, d_axon: dA } = c;
        expect(m.kE).toBe((dT + dM) * dMlp + dMlp + dMlp * dM + dM + (dM + 1) * dA + (c.learn_memory_tau ? dM : 0));
      }
      expect(m.parameterCount()).toBe(N * (m.kC + m.kE) + (N * c.d_axon + 1) * c.num_output);
    });
  }

  it("has the documented names and shapes", () => {
    const m = new ElmNetwork({ ...base, d_axon: 2 });
    const shapes = Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.shape]]));
    expect(shapes).toEqual({
      w_s: [4, 6], tau_b: [4, 3], _proto_tau_m: [4, 3], src: [4, 6],
      "mlp.network.0.weight": [4, 6, 6], "mlp.network.0.bias": [4, 6], "mlp.network.2.weight": [4, 3, 6], "mlp.network.2.bias": [4, 3],
      "w_y.weight": [4, 2, 3], "w_y.bias": [4, 2], "w_o.weight": [3, 8], "w_o.bias": [3],
    });
    const bound = Math.sqrt(3 / 2);
    const w = m.stateDict().w_s.data;
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.min(...w)).toBeLessThan(0);
    expect(networkParameterCount({ N: 4, dTree: 3, dBrch: 2, dM: 3, dMlp: 6, lMlp: 1, dAxon: 2, dOut: 3, learnTauM: true })).toBe(m.parameterCount());
  });
});

describe("src table", () => {
  it("rec_frac of each neuron's synapses read neuron outputs, drawn without replacement, seeded", () => {
    const spec = { numInput: 40, numNeurons: 30, dAxon: 1, kc: 20, numRecurrent: 10 };
    const a = makeSrcTable(spec, new Rng(5));
    expect([...a]).toEqual([...makeSrcTable(spec, new Rng(5))]);
    expect([...a]).not.toEqual([...makeSrcTable(spec, new Rng(6))]);
    for (let i = 0; i < 30; i++) {
      const row = [...a.subarray(i * 20, i * 20 + 20)];
      const rec = row.filter((s) => s >= 40);
      const inp = row.filter((s) => s < 40);
      expect(rec).toHaveLength(10);
      expect(new Set(rec).size).toBe(10);
      expect(new Set(inp).size).toBe(10);
      expect(Math.max(...row)).toBeLessThan(70);
    }
  });

  it("a pool smaller than the draw is used evenly", () => {
    const s = makeSrcTable({ numInput: 3, numNeurons: 1, dAxon: 1, kc: 10, numRecurrent: 2 }, new Rng(1));
    const counts = [0, 0, 0, 0];
    s.forEach((v) => counts[v]++);
    expect(counts[3]).toBe(2); // the single neuron output, twice
    expect(counts.slice(0, 3).sort()).toEqual([2, 3, 3]);
  });

  it("rec_frac from the config; out-of-range src refused on load, naming the entry", () => {
    const m = new ElmNetwork({ ...base, rec_frac: 0.25, num_synapse_per_branch: 4 }, { dtype: "float64" });
    const src = m.src();
    for (let i = 0; i < 4; i++) expect([...src.subarray(i * 12, i * 12 + 12)].filter((v) => v >= 5)).toHaveLength(3);
    const sd = m.stateDict();
    const bad = Array.from(sd.src.data);
    bad[13] = 9;
    expect(() => m.loadStateDict({ ...sd, src: { shape: [4, 12], data: bad } })).toThrow(/src\[1\]\[1\] = 9 is out of range; expected 0 ≤ src < d_in \+ N·d_axon = 9/);
    expect(() => m.loadStateDict({ ...sd, w_s: { shape: [4, 6], data: new Array(24).fill(0) } })).toThrow(StateDictError);
  });

  it("refuses bad configurations naming the value", () => {
    expect(() => new ElmNetwork({ ...base, rec_frac: 1.5 })).toThrow(/rec_frac must be in \[0, 1\], got 1.5/);
    expect(() => new ElmNetwork({ ...base, num_neurons: 0 })).toThrow(/num_neurons must be a positive integer, got 0/);
    expect(() => new ElmNetwork({ ...base, d_axon: -1 })).toThrow(ConfigError);
    expect(() => new ElmNetwork({ ...base, memory_tau_min: 60 })).toThrow(/memory_tau_min \(60\) must be < memory_tau_max \(50\)/);
  });
});

/** loss = sum(o ⊙ G) and every gradient, on a device and dtype. */
function lossAndGrads(m: ElmNetwork, x: Tensor, G: Tensor) {
  m.zeroGrad();
  const xx = Tensor.fromArray(x.data, x.shape, { dtype: x.dtype, device: x.device, requiresGrad: true });
  const o = m.forward(xx);
  const loss = sum(mul(o, G));
  loss.backward();
  return { o: o.toArray(), loss: loss.item(), dx: xx.grad!.toArray(), grads: Object.fromEntries(m.namedParameters().map(([n, t]) => [n, t.grad!.toArray()])) };
}

describe("ElmNetwork gradients", () => {
  it("finite differences on raw parameters and x (float64, ref)", () => {
    const m = new ElmNetwork({ ...base, d_axon: 2 }, { seed: 3, dtype: "float64" });
    const x = input([2, 6, 5], 1);
    const G = input([2, 6, 3], 2);
    const r = lossAndGrads(m, x, G);
    const f = () => noGrad(() => sum(mul(m.forward(x), G)).item());
    const eps = 1e-6;
    const params = Object.fromEntries(m.namedParameters());
    const probes: [string, number][] = [["w_s", 0], ["w_s", 17], ["_proto_tau_m", 1], ["_proto_tau_m", 10], ["mlp.network.0.weight", 5], ["mlp.network.2.bias", 2], ["w_y.weight", 7], ["w_y.bias", 3], ["w_o.weight", 11], ["w_o.bias", 1]];
    for (const [name, i] of probes) {
      const d = params[name].data;
      const v = d[i];
      d[i] = v + eps;
      const up = f();
      d[i] = v - eps;
      const down = f();
      d[i] = v;
      const fd = (up - down) / (2 * eps);
      expect(Math.abs(fd - r.grads[name][i]), `${name}[${i}]: fd ${fd} vs ${r.grads[name][i]}`).toBeLessThan(1e-7 * (1 + Math.abs(fd)));
    }
    for (const i of [0, 13, 29, 59]) {
      const v = x.data[i];
      x.data[i] = v + eps;
      const up = f();
      x.data[i] = v - eps;
      const down = f();
      x.data[i] = v;
      const fd = (up - down) / (2 * eps);
      expect(Math.abs(fd - r.dx[i]), `x[${i}]`).toBeLessThan(1e-7 * (1 + Math.abs(fd)));
    }
    // a gradient that can be nonzero is nonzero
    expect(r.grads._proto_tau_m.some((g) => g !== 0)).toBe(true);
  });

  for (const dtype of ["float64", "float32"] as DType[]) {
    it(`cpu == ref in ${dtype}: outputs and every gradient`, () => {
      const cfg = { ...base, num_neurons: 5, mlp_num_layers: 2, d_axon: 2 };
      const ref = new ElmNetwork(cfg, { seed: 9, dtype });
      const cpu = new ElmNetwork(cfg, { seed: 9, dtype, device: "cpu" });
      const a = lossAndGrads(ref, input([3, 8, 5], 4, dtype), input([3, 8, 3], 5, dtype));
      const b = lossAndGrads(cpu, input([3, 8, 5], 4, dtype, "cpu"), input([3, 8, 3], 5, dtype, "cpu"));
      const tol = dtype === "float64" ? 1e-10 : 1e-4;
      expectCloseRel(b.o, a.o, tol, "o");
      expectCloseRel(b.dx, a.dx, tol, "dx");
      for (const n of Object.keys(a.grads)) expectCloseRel(b.grads[n], a.grads[n], tol, `grad ${n}`);
    });
  }
});

describe("ElmNetwork streaming and state", () => {
  it("step() step by step equals the sequence forward; chunks with carried state equal the whole", () => {
    const m = new ElmNetwork(base, { seed: 2, dtype: "float64" });
    const x = input([2, 7, 5], 3);
    const o = m.forward(x);
    let state = null;
    const os = [];
    for (let t = 0; t < 7; t++) {
      const r = m.step(reshape(slice(x, 1, t, t + 1), [2, 5]), state);
      os.push(r.o);
      state = r.state;
    }
    expectCloseRel(stack(os, 1).data, o.data, 1e-13, "stepped o");
    const a = m.forwardWithState(slice(x, 1, 0, 3));
    const b = m.forwardWithState(slice(x, 1, 3, 7), a.state);
    expectCloseRel(concat([a.o, b.o], 1).data, o.data, 1e-13, "chunked o");
    expect(() => m.forwardWithState(x, m.initialState(3))).toThrow(/state.b has shape \[3,4,3\], expected \[2,4,3\]/);
    expect(() => m.forward(input([2, 7, 4], 3))).toThrow(/x has 4 input channels/);
  });

  it("N = 1 with rec_frac = 0 and positive weights is a Branch-ELM with random routing", () => {
    const net = new ElmNetwork({ num_input: 6, num_output: 1, num_neurons: 1, num_branch: 2, num_synapse_per_branch: 3, num_memory: 4, rec_frac: 0, learn_memory_tau: true }, { seed: 4, dtype: "float64" });
    const sd = net.stateDict();
    const w = sd.w_s.data.map(Math.abs);
    const elm = new BranchElm({ num_input: 6, num_output: 1, num_memory: 4, num_branch: 2, num_synapse_per_branch: 3, input_to_synapse_routing: "random_routing", learn_memory_tau: true }, { dtype: "float64" });
    const strip = (t: Tensor) => ({ shape: t.shape.slice(1), data: t.data });
    elm.loadStateDict({
      _proto_w_s: { shape: [6], data: w }, tau_b: strip(sd.tau_b), _proto_tau_m: strip(sd._proto_tau_m),
      input_to_synapse_indices: strip(sd.src), valid_indices_mask: { shape: [6], data: [1, 1, 1, 1, 1, 1] },
      "mlp.network.0.weight": strip(sd["mlp.network.0.weight"]), "mlp.network.0.bias": strip(sd["mlp.network.0.bias"]),
      "mlp.network.2.weight": strip(sd["mlp.network.2.weight"]), "mlp.network.2.bias": strip(sd["mlp.network.2.bias"]),
      "w_y.weight": strip(sd["w_y.weight"]), "w_y.bias": strip(sd["w_y.bias"]),
    });
    sd.w_s.data.set(w);
    const x = input([2, 9, 6], 7);
    expectCloseRel(net.forwardWithState(x).y.data, elm.forward(x).data, 1e-13, "neuron output vs Branch-ELM y");
  });
});

describe("ElmNetwork input embedding", () => {
  const cfg: ElmNetworkConfig = { ...base, vocab_size: 11 };
  it("token ids are embedded by embedding.weight [vocab, d_in]; P adds vocab·d_in; gradients reach the table", () => {
    const m = new ElmNetwork(cfg, { seed: 1, dtype: "float64" });
    expect([...m.stateDict()["embedding.weight"].shape]).toEqual([11, 5]);
    expect(m.parameterCount()).toBe(m.trainableParameterCount());
    expect(m.parameterCount()).toBe(new ElmNetwork(base).parameterCount() + 55);
    const ids = Tensor.fromArray([0, 3, 10, 2, 2, 7, 1, 9], [2, 4], { dtype: "int32" });
    const table = m.stateDict()["embedding.weight"].data;
    const dense = new Float64Array(2 * 4 * 5);
    ids.data.forEach((id, q) => dense.set(table.subarray(id * 5, id * 5 + 5), q * 5));
    const plain = new ElmNetwork(base, { dtype: "float64" });
    const { ["embedding.weight"]: _e, ...rest } = m.stateDict();
    plain.loadStateDict(rest);
    const o = m.forward(ids);
    expectCloseRel(o.data, plain.forward(Tensor.fromArray(dense, [2, 4, 5], { dtype: "float64" })).data, 0, "embedded o");
    sum(o).backward();
    const g = m.stateDict()["embedding.weight"].grad!.data;
    expect(g.subarray(4 * 5, 5 * 5).every((v) => v === 0)).toBe(true); // id 4 unused
    expect(g.subarray(2 * 5, 3 * 5).some((v) => v !== 0)).toBe(true);
    // streaming with ids
    let state = null;
    const os = [];
    for (let t = 0; t < 4; t++) {
      const r = m.step(reshape(slice(ids, 1, t, t + 1), [2]), state);
      os.push(r.o);
      state = r.state;
    }
    expectCloseRel(stack(os, 1).data, o.data, 1e-13, "stepped o");
  });

  it("refuses float inputs and out-of-range token ids, naming them", () => {
    const m = new ElmNetwork(cfg, { dtype: "float64" });
    expect(() => m.forward(input([2, 4, 5], 1))).toThrow(/with vocab_size = 11, x must be int32 token ids \[B, T\]/);
    expect(() => m.forward(Tensor.fromArray([0, 11], [1, 2], { dtype: "int32" }))).toThrow(/token id 11 at flat index 1 is outside \[0, vocab_size = 11\)/);
  });
});

describe("ElmNetwork backward asks for dL/dx only when x requires grad", () => {
  for (const device of ["ref", "cpu"] as Device[]) {
    it(`${device}: inputGrad = x.requiresGrad; the parameter gradients do not depend on it`, () => {
      const spy = vi.mocked(networkKernels.elmNetworkBackward);
      const m = new ElmNetwork(base, { seed: 3, device, dtype: "float64" });
      const x = input([2, 6, 5], 7, "float64", device);
      const G = input([2, 6, 3], 8, "float64", device);
      spy.mockClear();
      const withX = lossAndGrads(m, x, G);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0][8]).toEqual({ inputGrad: true });
      const gradsWith = withX.grads;
      m.zeroGrad();
      spy.mockClear();
      sum(mul(m.forward(x), G)).backward(); // x is data
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0][8]).toEqual({ inputGrad: false });
      expect(spy.mock.results[0].value.dx).toBeNull();
      expect(x.grad).toBeNull();
      for (const [n, t] of m.namedParameters()) expectCloseRel(t.grad!.toArray(), gradsWith[n], 0, `grad ${n}`);
    });
  }
});
