// Routing (ELM_SPEC §1), initialisation (§2, §3) and parameter counts (§3).
import { describe, expect, it } from "vitest";
import { Rng } from "@elm/core";
import { readSharedJson } from "@elm/core/testing";
import {
  BranchElm, ElmNeuron, interlockingIndices, inverseScaledSigmoid, logSpacedTauM, neuronioRouting, protoTauMInit,
  randomRouting, scaledSigmoid, ConfigError, type ElmNeuronConfig,
} from "../../src/index.js";
import { loadRefFixtures } from "./fixtures.js";

describe("routing", () => {
  it("neuronio routing equals the authors' table in the fixture", () => {
    const fx = loadRefFixtures().find((f) => f.config.input_to_synapse_routing === "neuronio_routing")!;
    const c = fx.config as { num_input: number; num_branch: number; num_synapse_per_branch: number };
    const t = neuronioRouting(c.num_input, c.num_branch, c.num_synapse_per_branch);
    expect([...t.indices]).toEqual(fx.params.input_to_synapse_indices.data);
    expect([...t.mask]).toEqual(fx.params.valid_indices_mask.data);
    // and a freshly built model holds it
    const m = new BranchElm(fx.config as never);
    expect([...m.stateDict().input_to_synapse_indices.data]).toEqual(fx.params.input_to_synapse_indices.data);
  });

  it("interlocks excitatory and inhibitory halves", () => {
    expect([...interlockingIndices(6)]).toEqual([0, 3, 1, 4, 2, 5]);
    expect([...interlockingIndices(5)]).toEqual([0, 2, 1, 3, 2]);
  });

  it("NeuronIO layout: 1278 inputs on 45 branches × 100 synapses reaches every input", () => {
    const t = neuronioRouting(1278, 45, 100);
    expect(t.indices.length).toBe(4500);
    const seen = new Set<number>();
    t.indices.forEach((v, j) => {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1278);
      if (t.mask[j]) seen.add(v);
    });
    expect(seen.size).toBe(1278);
  });

  it("random routing is seeded, in range, with an all-ones mask", () => {
    const a = randomRouting(12, 500, new Rng(3));
    const b = randomRouting(12, 500, new Rng(3));
    const c = randomRouting(12, 500, new Rng(4));
    expect([...a.indices]).toEqual([...b.indices]);
    expect([...a.indices]).not.toEqual([...c.indices]);
    expect(Math.min(...a.indices)).toBe(0);
    expect(Math.max(...a.indices)).toBe(11);
    expect([...a.mask].every((v) => v === 1)).toBe(true);
    const cfg = { num_input: 12, num_output: 3, num_memory: 5, num_branch: 4, num_synapse_per_branch: 6, input_to_synapse_routing: "random_routing" as const };
    const m1 = new BranchElm(cfg, { seed: 7 });
    const m2 = new BranchElm(cfg, { seed: 7 });
    const m3 = new BranchElm(cfg, { seed: 8 });
    expect([...m1.routing()!.indices]).toEqual([...m2.routing()!.indices]);
    expect([...m1.routing()!.indices]).not.toEqual([...m3.routing()!.indices]);
  });

  it("refuses neuronio routing with ⌈d_in/d_tree⌉ > d_brch, naming the values", () => {
    expect(() => neuronioRouting(20, 3, 6)).toThrow(/⌈20\/3⌉ = 7 > 6/);
    expect(() => new BranchElm({ num_input: 20, num_output: 1, num_branch: 3, num_synapse_per_branch: 6, input_to_synapse_routing: "neuronio_routing" }))
      .toThrow(ConfigError);
  });
});

describe("initialisation", () => {
  it("τ_m is log-spaced on [τmin+1e-6, τmax−1e-6] through the inverse scaled sigmoid", () => {
    const p = protoTauMInit(5, 1, 1000);
    const tau = p.map((v) => scaledSigmoid(v, 1, 1000));
    expect(tau[0]).toBeCloseTo(1 + 1e-6, 9);
    expect(tau[4]).toBeCloseTo(1000 - 1e-6, 6);
    const ratios = [1, 2, 3].map((i) => tau[i + 1] / tau[i]);
    for (const r of ratios) expect(r).toBeCloseTo(tau[1] / tau[0], 6);
    expect(logSpacedTauM(1, 2, 80)[0]).toBeCloseTo(2 + 1e-6, 12);
    expect(inverseScaledSigmoid(scaledSigmoid(0.3, 2, 9), 2, 9)).toBeCloseTo(0.3, 12);
  });

  it("a fresh model: w_s = w_s_value, τ's, nn.Linear bounds ±1/√fan_in, seeded", () => {
    const cfg = { num_input: 12, num_output: 3, num_memory: 4, num_branch: 4, num_synapse_per_branch: 3, tau_s_value: 7, w_s_value: 0.25 };
    const m = new ElmNeuron(cfg, { seed: 11, dtype: "float64" });
    const sd = m.stateDict();
    expect([...sd._proto_w_s.data].every((v) => v === 0.25)).toBe(true);
    expect([...sd.tau_s.data].every((v) => v === 7)).toBe(true);
    expect(sd.input_to_synapse_indices.shape).toEqual([0]);
    const tau = m.derived().tauM.data;
    expect(tau[0]).toBeCloseTo(1 + 1e-6, 9);
    expect(tau[3]).toBeCloseTo(1000 - 1e-6, 5);
    const check = (name: string, fanIn: number) => {
      const d = sd[name].data;
      const b = 1 / Math.sqrt(fanIn);
      expect(Math.max(...d.map(Math.abs))).toBeLessThanOrEqual(b);
      expect(Math.max(...d.map(Math.abs))).toBeGreaterThan(0.5 * b);
    };
    check("mlp.network.0.weight", 8);
    check("mlp.network.0.bias", 8);
    check("mlp.network.2.weight", 8);
    check("w_y.weight", 4);
    const again = new ElmNeuron(cfg, { seed: 11, dtype: "float64" }).stateDict();
    const other = new ElmNeuron(cfg, { seed: 12, dtype: "float64" }).stateDict();
    expect([...again["mlp.network.0.weight"].data]).toEqual([...sd["mlp.network.0.weight"].data]);
    expect([...other["mlp.network.0.weight"].data]).not.toEqual([...sd["mlp.network.0.weight"].data]);
  });
});

describe("parameter counts", () => {
  const neuronio = (dM: number) => ({
    num_input: 1278, num_output: 2, num_memory: dM, num_branch: 45, num_synapse_per_branch: 100,
    input_to_synapse_routing: "neuronio_routing" as const, memory_tau_min: 1, memory_tau_max: 150, learn_memory_tau: false,
  });
  for (const [dM, want] of [[1, 4601], [10, 5852], [20, 8002], [100, 54002]]) {
    it(`NeuronIO Branch-ELM d_m=${dM}: ${want} trainable parameters (formula and tensors)`, () => {
      const m = new BranchElm(neuronio(dM));
      expect(m.parameterCount()).toBe(want);
      expect(m.trainableParameterCount()).toBe(want);
      expect(4500 + (45 + dM) * 2 * dM + 2 * dM + 2 * dM * dM + dM + 2 * dM + 2).toBe(want);
    });
  }

  it("the published pre-trained config builds an ELM v1 with the published keys, shapes and count", () => {
    const dir = ["pretrained", "neuronio_num_memory_10"];
    const cfg = readSharedJson<ElmNeuronConfig>(...dir, "model_config.json");
    const expected = readSharedJson<{ trainable_parameter_count: number; state_dict_keys: Record<string, number[]> }>(...dir, "expected.json");
    const m = new ElmNeuron(cfg);
    expect(m.parameterCount()).toBe(expected.trainable_parameter_count);
    expect(m.trainableParameterCount()).toBe(expected.trainable_parameter_count);
    const shapes = Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.shape]]));
    expect(shapes).toEqual(expected.state_dict_keys);
    expect(Object.keys(shapes)).toEqual(Object.keys(expected.state_dict_keys));
  });

  it("learn_memory_tau adds d_m; extra hidden layers add d_mlp²+d_mlp each", () => {
    const base = { num_input: 6, num_output: 2, num_memory: 5 };
    const a = new ElmNeuron(base);
    const b = new ElmNeuron({ ...base, learn_memory_tau: true });
    const c = new ElmNeuron({ ...base, mlp_num_layers: 3 });
    expect(b.parameterCount() - a.parameterCount()).toBe(5);
    expect(c.parameterCount() - a.parameterCount()).toBe(2 * (10 * 10 + 10));
    for (const m of [a, b, c]) expect(m.parameterCount()).toBe(m.trainableParameterCount());
  });
});
