import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { samplesFromLists, type SpikeSamples } from "../src/index.js";

export function tempDir(prefix = "elm-datasets-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Tiny SHD-like samples: sample i has spikes (times[i][k], units[i][k]). */
export function tinySamples(
  lists: { times: number[]; units: number[]; label: number; speaker?: number }[],
  channels = 700,
  numClasses = 20,
): SpikeSamples {
  return samplesFromLists(
    lists.map((l) => ({ times: Float32Array.from(l.times), units: Uint16Array.from(l.units), label: l.label, speaker: l.speaker })),
    { channels, numClasses, source: "test" },
  );
}
