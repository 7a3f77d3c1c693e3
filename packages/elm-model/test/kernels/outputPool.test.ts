// The CPU kernels' outputs of 64 KiB and more come from the addon's recycled blocks
// (kernelAllocator → cpu.allocOutput), uninitialised: a step whose outputs land on
// blocks a previous step's outputs left full of NaN gives the same bits as the
// first step on fresh memory — the network and the neuron kernel, float32 and
// float64, every output and gradient including dL/dx.
import { collectUntil, cpu } from "@elm/native";
import { describe, expect, it } from "vitest";
import { elmNeuronBackward, elmNeuronForward } from "../../src/kernels/index.js";
import { elmNetworkBackward, elmNetworkForward } from "../../src/kernels/network.js";
import type { Float } from "../../src/kernels/types.js";
import { toFloat32 } from "./fixtureModel.js";
import { baseShape, randomNetwork, seededRandom } from "./networkFixtures.js";
import { randomProblem } from "./randomProblem.js";

/** Runs `step` twice: the second on the first's output blocks, poisoned with NaN. */
async function twice(step: () => Record<string, Float>): Promise<void> {
  let first: Record<string, Float> | null = step();
  const want = Object.fromEntries(Object.entries(first).map(([k, v]) => [k, Array.from(v)]));
  const pooledBytes = Object.values(first).filter((v) => v.byteLength >= 2 ** 16).reduce((a, v) => a + v.byteLength, 0);
  expect(pooledBytes, "the case has pooled outputs").toBeGreaterThan(0);
  for (const v of Object.values(first)) v.fill(NaN);
  first = null;
  const blocks = cpu.outputPoolStats().pooledBlocks;
  expect(await collectUntil(() => cpu.outputPoolStats().pooledBlocks > blocks)).toBe(true);
  const reused = cpu.outputPoolStats().reused;
  const second = step();
  expect(cpu.outputPoolStats().reused, "outputs on recycled blocks").toBeGreaterThan(reused);
  for (const [k, v] of Object.entries(second)) expect(Array.from(v), k).toEqual(want[k]);
}

const named = (prefix: string, a: Float[]) => Object.fromEntries(a.map((v, i) => [`${prefix}[${i}]`, v]));

describe("outputs on recycled blocks", () => {
  for (const f32 of [true, false]) {
    it(`network, ${f32 ? "float32" : "float64"}: the same bits as on fresh memory`, async () => {
      // y, dx and the saved state over 64 KiB
      const { shape, inputs } = randomNetwork(baseShape({ B: 4, T: 256, dIn: 20, N: 16, dM: 4, dMlp: 8, activation: "relu" }), 5, { f32, initial: true });
      const rnd = seededRandom(9);
      const values = Array.from({ length: shape.B * shape.T * shape.N * shape.dAxon }, () => rnd());
      const dY = f32 ? Float32Array.from(values) : Float64Array.from(values);
      await twice(() => {
        const f = elmNetworkForward(shape, inputs, "cpu");
        const g = elmNetworkBackward(shape, inputs, f.saved, dY, f.bT, f.mT, f.yT, "cpu");
        const { dMlpW, dMlpB, ...rest } = g;
        return { y: f.y, bT: f.bT, mT: f.mT, yT: f.yT, ...rest, ...named("dMlpW", dMlpW), ...named("dMlpB", dMlpB) };
      });
    });
  }

  it("Branch-ELM neuron, float32: the same bits as on fresh memory", async () => {
    const p = randomProblem(21, { variant: "v2", activation: "silu", B: 4, T: 200, dIn: 40, dTree: 4, dBrch: 3, dM: 6, dMlp: 8, initialState: true });
    const inputs = toFloat32(p.inputs);
    const rnd = seededRandom(3);
    const dM = Float32Array.from({ length: p.shape.B * p.shape.T * p.shape.dM }, () => rnd());
    await twice(() => {
      const f = elmNeuronForward(p.shape, inputs, "cpu");
      const g = elmNeuronBackward(p.shape, inputs, f.saved, dM, null, null, "cpu");
      const { dMlpW, dMlpB, ...rest } = g;
      return { m: f.m, traceT: f.traceT, mT: f.mT, ...rest, ...named("dMlpW", dMlpW), ...named("dMlpB", dMlpB) };
    });
  });
});
