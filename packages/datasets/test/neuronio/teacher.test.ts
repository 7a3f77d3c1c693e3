import { describe, expect, it } from "vitest";
import { readNeuronioFile, readNeuronioSimulations } from "../../src/neuronio/read.js";
import { generateTeacherFile, simulateTeacher, writeTeacherFiles } from "../../src/neuronio/teacher.js";
import { writeNeuronioSimulations } from "../../src/neuronio/write.js";

describe("NeuronIO teacher", () => {
  const opts = { numSimulations: 4, simDurationSec: 2, seed: 7 } as const;
  const content = simulateTeacher(opts);

  it("writes a file the reader reads back exactly (inputs, output spikes, soma) in both pickle flavours", () => {
    const S = 639, T = 2000, sims = 4;
    for (const flavor of ["py2", "py3"] as const) {
      const sim = readNeuronioSimulations(writeNeuronioSimulations(content, flavor), `teacher.${flavor}.p`);
      expect([sim.numSegments, sim.simDurationMs, sim.numSimulations]).toEqual([S, T, sims]);
      const X = new Uint8Array(2 * S * T * sims);
      const ySpike = new Float64Array(T * sims);
      content.simulations.forEach((s, k) => {
        for (const [seg, ts] of s.exInputSpikeTimes) for (const t of ts) X[(seg * T + t) * sims + k] = 1;
        for (const [seg, ts] of s.inhInputSpikeTimes) for (const t of ts) X[((S + seg) * T + t) * sims + k] = 1;
        for (const st of s.outputSpikeTimes) ySpike[(st - 0.5) * sims + k] = 1;
        let diff = 0;
        for (let t = 0; t < T; t++) if (!Object.is(sim.ySoma[t * sims + k], s.somaVoltageLowRes[t])) diff++;
        expect(diff).toBe(0);
      });
      expect(Buffer.from(sim.X).equals(Buffer.from(X))).toBe(true);
      expect(Buffer.from(sim.ySpike.buffer).equals(Buffer.from(ySpike.buffer))).toBe(true);
      expect(sim.segmentType).toEqual(content.segmentType);
      expect(sim.segmentDistFromSoma).toEqual(content.segmentDistFromSoma);
    }
  });

  it("is deterministic in its seed and behaves like a neuron (spikes, sub-threshold soma, excitation and inhibition)", () => {
    expect(Buffer.from(generateTeacherFile(opts)).equals(Buffer.from(generateTeacherFile(opts)))).toBe(true);
    expect(Buffer.from(generateTeacherFile({ ...opts, seed: 8 })).equals(Buffer.from(generateTeacherFile(opts)))).toBe(false);
    const all = content.simulations;
    const nSpikes = all.reduce((a, s) => a + s.outputSpikeTimes.length, 0);
    expect(nSpikes).toBeGreaterThan(0);
    for (const s of all) {
      for (const v of s.somaVoltageLowRes) expect(v === 20 || (v > -100 && v < -40)).toBe(true);
      for (const st of s.outputSpikeTimes) expect(s.somaVoltageLowRes[st - 0.5]).toBe(20);
      expect(s.exInputSpikeTimes.size).toBeGreaterThan(300);
      expect(s.inhInputSpikeTimes.size).toBeGreaterThan(300);
    }
    // more excitation → more output spikes (same seed, same input trains scaled in weight)
    const strong = simulateTeacher({ ...opts, wExc: 9 });
    expect(strong.simulations.reduce((a, s) => a + s.outputSpikeTimes.length, 0)).toBeGreaterThan(nSpikes);
    // the adaptive threshold lowers the rate relative to plain LIF
    const lif = simulateTeacher({ ...opts, neuron: "lif" });
    expect(lif.simulations.reduce((a, s) => a + s.outputSpikeTimes.length, 0)).toBeGreaterThanOrEqual(nSpikes);
  });

  it("writes several files sharing one neuron, readable from disk", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "teacher-"));
    const paths = await writeTeacherFiles(dir, { files: 2, numSimulations: 2, simDurationSec: 1, seed: 3, flavor: "py3" });
    expect(paths.map((p) => p.slice(dir.length + 1))).toEqual(["sim__teacher_seed3.p", "sim__teacher_seed4.p"]);
    const [a, b] = await Promise.all(paths.map((p) => readNeuronioFile(p)));
    expect(a!.segmentDistFromSoma).toEqual(b!.segmentDistFromSoma);
    expect(Buffer.from(a!.X).equals(Buffer.from(b!.X))).toBe(false);
    expect(simulateTeacher({ numSimulations: 1, simDurationSec: 1, morphologySeed: 1 }).segmentDistFromSoma).not.toEqual(a!.segmentDistFromSoma);
  });

  it("refuses bad options", () => {
    expect(() => simulateTeacher({ numSegments: 0 })).toThrow(/numSegments must be a positive integer, got 0/);
    expect(() => simulateTeacher({ excRateHz: [3, 1] })).toThrow(/excRateHz must be \[lo, hi\]/);
    expect(() => simulateTeacher({ vThreshold: -80 })).toThrow(/vThreshold \(-80\) must be above vReset/);
  });
});
