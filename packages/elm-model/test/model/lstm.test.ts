// Chrono-LSTM baseline: PyTorch names, chrono biases, counts, FD gradients,
// step == forward, cpu == ref.
import { describe, expect, it } from "vitest";
import { Rng, Tensor, mul, noGrad, randNormal, reshape, slice, stack, sum, type DType, type Device } from "@elm/core";
import { ChronoLstm, ConfigError } from "../../src/index.js";
import { expectCloseRel } from "./fixtures.js";

const cfg = { num_input: 4, num_output: 3, hidden_size: 5, num_layers: 2, chrono_t_max: 100 };
function input(shape: number[], seed: number, dtype: DType = "float64", device: Device = "ref"): Tensor {
  return Tensor.fromArray(randNormal(shape, new Rng(seed), 0, 1, { dtype: "float64" }).data, shape, { dtype, device });
}

describe("ChronoLstm", () => {
  it("has nn.LSTM's names and shapes, and the count matches the tensors", () => {
    const m = new ChronoLstm(cfg, { dtype: "float64" });
    const shapes = Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.shape]]));
    expect(shapes).toEqual({
      "lstm.weight_ih_l0": [20, 4], "lstm.weight_hh_l0": [20, 5], "lstm.bias_ih_l0": [20], "lstm.bias_hh_l0": [20],
      "lstm.weight_ih_l1": [20, 5], "lstm.weight_hh_l1": [20, 5], "lstm.bias_ih_l1": [20], "lstm.bias_hh_l1": [20],
      "readout.weight": [3, 5], "readout.bias": [3],
    });
    expect(m.parameterCount()).toBe(m.trainableParameterCount());
  });

  it("chrono initialisation: b_f = log U[1, T_max−1] ∈ [0, log(T_max−1)], b_i = −b_f", () => {
    const m = new ChronoLstm({ ...cfg, hidden_size: 200, num_layers: 1 }, { dtype: "float64" });
    const H = 200;
    const bIh = m.stateDict()["lstm.bias_ih_l0"].data;
    const bHh = m.stateDict()["lstm.bias_hh_l0"].data;
    let maxF = 0;
    for (let j = 0; j < H; j++) {
      const bf = bIh[H + j] + bHh[H + j];
      const bi = bIh[j] + bHh[j];
      expect(bf).toBeGreaterThanOrEqual(0);
      expect(bf).toBeLessThanOrEqual(Math.log(99));
      expect(bi).toBe(-bf);
      maxF = Math.max(maxF, bf);
    }
    expect(maxF).toBeGreaterThan(Math.log(99) - 0.5); // the range is used
    expect(() => new ChronoLstm({ ...cfg, chrono_t_max: 2 })).toThrow(ConfigError);
    expect(() => new ChronoLstm({ ...cfg, hidden_size: 0 })).toThrow(/hidden_size must be a positive integer, got 0/);
  });

  it("finite-difference gradients (float64)", () => {
    const m = new ChronoLstm(cfg, { seed: 2, dtype: "float64" });
    const x = input([2, 5, 4], 1);
    const G = input([2, 5, 3], 2);
    sum(mul(m.forward(x), G)).backward();
    const f = () => noGrad(() => sum(mul(m.forward(x), G)).item());
    const params = Object.fromEntries(m.namedParameters());
    for (const [name, i] of [["lstm.weight_ih_l0", 3], ["lstm.weight_hh_l1", 40], ["lstm.bias_ih_l0", 7], ["lstm.bias_hh_l1", 12], ["readout.weight", 4]] as const) {
      const d = params[name].data;
      const v = d[i];
      d[i] = v + 1e-6;
      const up = f();
      d[i] = v - 1e-6;
      const down = f();
      d[i] = v;
      const fd = (up - down) / 2e-6;
      expect(Math.abs(fd - params[name].grad!.data[i]), name).toBeLessThan(1e-7 * (1 + Math.abs(fd)));
    }
  });

  it("step() equals the sequence forward; cpu equals ref", () => {
    const m = new ChronoLstm(cfg, { seed: 3, dtype: "float64" });
    const x = input([2, 6, 4], 5);
    const y = m.forward(x);
    let s = null;
    const ys = [];
    for (let t = 0; t < 6; t++) {
      const r = m.step(reshape(slice(x, 1, t, t + 1), [2, 4]), s);
      ys.push(r.y);
      s = r.state;
    }
    expectCloseRel(stack(ys, 1).data, y.data, 1e-13, "stepped y");
    m.to("cpu");
    expectCloseRel(m.forward(input([2, 6, 4], 5, "float64", "cpu")).data, y.data, 1e-12, "cpu y");
  });
});
