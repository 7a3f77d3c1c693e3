// The ELM model API: config checks, state dicts, streaming step, truncated
// BPTT with carried state, train/eval, dtype/device moves.
import { describe, expect, it } from "vitest";
import { CudaUnavailableError, Rng, Tensor, add, decodeSafetensors, deviceAvailable, encodeSafetensors, concat, mul, randNormal, reshape, slice, stack, sum, type Tensor as T } from "@elm/core";
import { BranchElm, ConfigError, ElmNeuron, StateDictError, type ElmBase } from "../../src/index.js";
import { expectCloseRel } from "./fixtures.js";

const small = { num_input: 6, num_output: 2, num_memory: 3, num_branch: 3, num_synapse_per_branch: 4, input_to_synapse_routing: "random_routing" as const, learn_memory_tau: true };

function models(): ElmBase[] {
  return [new ElmNeuron(small, { seed: 1, dtype: "float64" }), new BranchElm({ ...small, mlp_activation: "silu", mlp_num_layers: 2 }, { seed: 2, dtype: "float64" })];
}

function input(B: number, Tn: number, C: number, seed: number): T {
  return randNormal([B, Tn, C], new Rng(seed), 0, 1, { dtype: "float64" });
}

describe("configuration checks", () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ num_input: 0, num_output: 1 }, /num_input must be a positive integer, got 0/],
    [{ num_input: 4, num_output: -2 }, /num_output must be a positive integer, got -2/],
    [{ num_input: 4, num_output: 1, num_memory: 2.5 }, /num_memory must be a positive integer, got 2.5/],
    [{ num_input: 4, num_output: 1, mlp_hidden_size: 0 }, /mlp_hidden_size must be a positive integer, got 0/],
    [{ num_input: 4, num_output: 1, memory_tau_min: 10, memory_tau_max: 10 }, /memory_tau_min \(10\) must be < memory_tau_max \(10\)/],
    [{ num_input: 4, num_output: 1, memory_tau_min: 50, memory_tau_max: 5 }, /memory_tau_min \(50\) must be < memory_tau_max \(5\)/],
    [{ num_input: 4, num_output: 1, delta_t: 0 }, /delta_t must be a finite number > 0, got 0/],
    [{ num_input: 4, num_output: 1, mlp_activation: "gelu" }, /mlp_activation must be one of "relu", "silu", got "gelu"/],
    [{ num_input: 4, num_output: 1, input_to_synapse_routing: "magic" }, /input_to_synapse_routing must be one of null, "random_routing", "neuronio_routing", got "magic"/],
    [{ num_input: 4, num_output: 1, num_branch: 3 }, /num_branch·num_synapse_per_branch \(3·1 = 3\) must equal num_input \(4\)/],
    [{ num_input: 20, num_output: 1, num_branch: 3, num_synapse_per_branch: 6, input_to_synapse_routing: "neuronio_routing" }, /⌈20\/3⌉ = 7 > 6/],
    [{ num_input: 4, num_output: 1, num_memroy: 3 }, /unknown config field 'num_memroy'/],
    [{ num_input: 4, num_output: 1, tau_b_value: 3 }, /unknown config field 'tau_b_value'/],
  ];
  for (const [cfg, re] of bad) {
    it(`refuses ${JSON.stringify(cfg)}`, () => {
      expect(() => new ElmNeuron(cfg as never)).toThrow(ConfigError);
      expect(() => new ElmNeuron(cfg as never)).toThrow(re);
    });
  }

  it("accepts camelCase spellings and describes itself in the authors' names", () => {
    const m = new BranchElm({ numInput: 6, numOutput: 2, numMemory: 3, tauBValue: 4, inputToSynapseRouting: "random_routing", numBranch: 2, numSynapsePerBranch: 5 } as never);
    const d = m.describe();
    expect(d).toMatchObject({ num_input: 6, num_output: 2, num_memory: 3, tau_b_value: 4, mlp_hidden_size: 6, num_branch: 2, num_synapse_per_branch: 5 });
    expect(new BranchElm(d).parameterCount()).toBe(m.parameterCount());
  });
});

describe("state dicts", () => {
  it("round-trips into a freshly built model (same outputs)", () => {
    const [a] = models();
    const b = new ElmNeuron(small, { seed: 99, dtype: "float64" });
    const x = input(2, 7, 6, 5);
    expect(a.forward(x).toArray()).not.toEqual(b.forward(x).toArray());
    b.loadStateDict(a.stateDict());
    expect(b.forward(x).toArray()).toEqual(a.forward(x).toArray());
  });

  it("keeps parameter identity on load and converts dtype", () => {
    const a = new ElmNeuron(small, { seed: 1, dtype: "float64" });
    const f = new ElmNeuron(small, { seed: 3, dtype: "float32" });
    const before = f.namedParameters().map(([, t]) => t);
    f.loadStateDict(a.stateDict());
    expect(f.namedParameters().map(([, t]) => t)).toEqual(before);
    expect(f.stateDict()["w_y.weight"].dtype).toBe("float32");
    expectCloseRel(f.stateDict()["w_y.weight"].data, a.stateDict()["w_y.weight"].data, 1e-7, "w_y");
  });

  it("refuses unknown keys, missing keys, shape mismatches and bad routing indices", () => {
    const m = new ElmNeuron(small, { dtype: "float64" });
    const sd = m.stateDict();
    expect(() => m.loadStateDict({ ...sd, "mlp.network.9.weight": sd["w_y.weight"] })).toThrow(/unknown key\(s\) 'mlp.network.9.weight'/);
    const { ["w_y.bias"]: _omit, ...rest } = sd;
    expect(() => m.loadStateDict(rest)).toThrow(/missing key\(s\) 'w_y.bias'/);
    m.loadStateDict(rest, { strict: false });
    expect(() => m.loadStateDict({ ...sd, "w_y.weight": { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] } })).toThrow(StateDictError);
    expect(() => m.loadStateDict({ ...sd, "w_y.weight": { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] } })).toThrow(/'w_y.weight' has shape \[3,2\], the model expects \[2,3\]/);
    const idx = Array.from(sd.input_to_synapse_indices.data);
    const before = idx.slice();
    idx[4] = 6;
    expect(() => m.loadStateDict({ ...sd, input_to_synapse_indices: { shape: [12], data: idx } })).toThrow(/input_to_synapse_indices\[4\] = 6 is outside \[0, 6\)/);
    // a refused load leaves the model as it was
    expect([...m.routing()!.indices]).toEqual(before);
    idx[4] = 1.5;
    expect(() => m.loadStateDict({ ...sd, input_to_synapse_indices: { shape: [12], data: idx } })).toThrow(/is not an int32/);
  });
});

describe("safetensors", () => {
  it("state dicts (also with empty routing buffers) round-trip through safetensors", () => {
    for (const m of [new ElmNeuron({ num_input: 6, num_output: 2, num_memory: 3 }, { seed: 1, dtype: "float64" }), ...models()]) {
      const bytes = encodeSafetensors(m.stateDict());
      const fresh = new (m.constructor as new (c: never, o: object) => ElmBase)(m.describe() as never, { seed: 42, dtype: "float64" });
      fresh.loadStateDict(decodeSafetensors(bytes).tensors);
      const x = input(1, 4, 6, 9);
      expect(fresh.forward(x).toArray()).toEqual(m.forward(x).toArray());
    }
  });

  it("loads int64 (BigInt64Array) index data as torch writes it", () => {
    const m = new ElmNeuron(small, { dtype: "float64" });
    const sd = m.stateDict();
    const idx = BigInt64Array.from(Array.from(sd.input_to_synapse_indices.data).reverse(), (v) => BigInt(v));
    m.loadStateDict({ ...sd, input_to_synapse_indices: { shape: [12], data: idx } });
    expect(m.routing()!.indices[0]).toBe(Number(idx[0]));
  });
});

describe("inputs", () => {
  it("refuses a wrong input width, rank, dtype or device, naming it", () => {
    const [m] = models();
    expect(() => m.forward(input(2, 3, 5, 1))).toThrow(/x has 5 input channels \(shape \[2,3,5\]\), expected num_input = 6/);
    expect(() => m.forward(randNormal([2, 6], new Rng(1), 0, 1, { dtype: "float64" }))).toThrow(/x must be \[B, T, num_input\]/);
    expect(() => m.forward(randNormal([1, 2, 6], new Rng(1)))).toThrow(/x is float32 but the model is float64/);
  });
});

describe("streaming and truncated BPTT", () => {
  for (const m of models()) {
    it(`${m.kind}: step() step by step equals the sequence forward`, () => {
      const x = input(2, 9, 6, 3);
      const y = m.forward(x);
      let state = null;
      const ys: T[] = [];
      for (let t = 0; t < 9; t++) {
        const xt = reshape(slice(x, 1, t, t + 1), [2, 6]);
        const r = m.step(xt, state);
        ys.push(r.y);
        state = r.state;
      }
      expectCloseRel(stack(ys, 1).data, y.data, 1e-13, "stepped y");
    });

    it(`${m.kind}: chunks with carried state give the full forward and its gradients`, () => {
      const x = input(2, 10, 6, 4);
      const G = input(2, 10, 2, 5);
      m.zeroGrad();
      const full = m.forward(x);
      sum(mul(full, G)).backward();
      const gFull = m.namedParameters().map(([n, t]) => [n, Float64Array.from(t.grad!.data)] as const);
      m.zeroGrad();
      const a = m.forwardWithState(slice(x, 1, 0, 4));
      const b = m.forwardWithState(slice(x, 1, 4, 10), a.state);
      const y = concat([a.y, b.y], 1);
      expectCloseRel(y.data, full.data, 1e-13, "chunked y");
      sum(mul(y, G)).backward();
      for (const [n, g] of gFull) expectCloseRel(Object.fromEntries(m.namedParameters())[n].grad!.data, g, 1e-11, `grad ${n}`);
      // detaching the state cuts the gradient between chunks (truncated BPTT)
      m.zeroGrad();
      const c = m.forwardWithState(slice(x, 1, 4, 10), { trace: a.state.trace.detach(), m: a.state.m.detach() });
      expectCloseRel(c.y.data, b.y.data, 0, "detached chunk y");
    });

    it(`${m.kind}: refuses a state of the wrong shape`, () => {
      const x = input(2, 3, 6, 4);
      const s = m.initialState(3);
      expect(() => m.forwardWithState(x, s)).toThrow(/state.trace has shape \[3,\d+\], expected \[2,\d+\]/);
    });
  }

  it("the final state carries gradient to the initial state", () => {
    const m = new BranchElm(small, { seed: 4, dtype: "float64" });
    const x = input(1, 5, 6, 8);
    const s0 = m.initialState(1);
    const m0 = add(s0.m, 0.1);
    const trace0 = Tensor.fromArray([0.1, -0.2, 0.3], [1, 3], { dtype: "float64", requiresGrad: true });
    const leaf = Tensor.fromArray(m0.data, [1, 3], { dtype: "float64", requiresGrad: true });
    const r = m.forwardWithState(x, { trace: trace0, m: leaf });
    sum(r.state.m).backward();
    expect(trace0.grad).not.toBeNull();
    expect(leaf.grad!.toArray().some((v) => v !== 0)).toBe(true);
  });
});

describe("modes and moves", () => {
  it("train()/eval() toggle recursively", () => {
    const [m] = models();
    expect(m.training).toBe(true);
    m.eval();
    expect(m.training).toBe(false);
    expect(m.mlp.training).toBe(false);
    m.train();
    expect(m.w_y.training).toBe(true);
  });

  it("astype and to(cpu) keep values, names and trainability; cuda without a device is a clear error", () => {
    const m = new ElmNeuron(small, { seed: 1, dtype: "float64" });
    const x = input(1, 4, 6, 2);
    const y64 = m.forward(x).toArray();
    m.astype("float32");
    expect(m.dtype).toBe("float32");
    expect(m.stateDict().input_to_synapse_indices.dtype).toBe("int32");
    expectCloseRel(m.forward(x.astype("float32")).data, y64, 1e-5, "float32 y");
    m.to("cpu");
    expect(m.device).toBe("cpu");
    expect(m.namedParameters().map(([n]) => n)).toContain("_proto_tau_m");
    expect(() => m.to("cuda")).toThrow(/cuda|CUDA/);
  });
});

describe("cuda", () => {
  it("runs on cuda where a GPU exists; otherwise a clear error that leaves the model where it was", () => {
    const m = new ElmNeuron(small, { device: "cpu", dtype: "float64" });
    if (deviceAvailable("cuda")) {
      const x = input(2, 5, 6, 1);
      const want = m.forward(Tensor.fromArray(x.data, x.shape, { dtype: "float64", device: "cpu" })).data;
      m.to("cuda");
      expectCloseRel(m.forward(Tensor.fromArray(x.data, x.shape, { dtype: "float64", device: "cuda" })).data, want, 1e-10, "cuda y");
      return;
    }
    expect(() => m.to("cuda")).toThrow(CudaUnavailableError);
    expect(m.device).toBe("cpu");
    expect(m.namedParameters().every(([, t]) => t.device === "cpu")).toBe(true);
  });
});

describe("memoryWithState", () => {
  it("gives the m the readout reads: w_y.forward(m) == forward(x)", () => {
    for (const m of models()) {
      const x = input(2, 5, 6, 12);
      const r = m.memoryWithState(x);
      expect([...r.m.shape]).toEqual([2, 5, 3]);
      expectCloseRel(m.w_y.forward(r.m).data, m.forward(x).data, 0, "readout of m");
    }
  });
});
