// Writes SpikeSamples as an HDF5 file in the official SHD schema
// (spikes/times vlen float32, spikes/units vlen uint16, labels uint16,
// extra/speaker uint16, extra/keys strings). Used by the synthetic digits and
// by the tests; readShd reads the result back through the HDF5 library.
import { writeHdf5, type H5Node } from "../hdf5/writer.js";
import type { SpikeSamples } from "./samples.js";

/** SHD's `extra/keys`: the spoken word of each label. */
export const SHD_KEYS = [
  ...["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"].map((w) => `english ${w}`),
  ...["null", "eins", "zwei", "drei", "vier", "fuenf", "sechs", "sieben", "acht", "neun"].map((w) => `german ${w}`),
];

export function writeShd(path: string, s: SpikeSamples, opts: { keys?: string[]; extra?: Record<string, H5Node> } = {}): void {
  const n = s.labels.length;
  const extra: Record<string, H5Node> = { keys: { kind: "strings", data: opts.keys ?? SHD_KEYS.slice(0, s.numClasses) } };
  if (s.speakers) extra.speaker = { kind: "array", type: "uint16", data: s.speakers };
  Object.assign(extra, opts.extra ?? {});
  writeHdf5(path, {
    spikes: {
      kind: "group",
      children: {
        times: { kind: "vlen", base: "float32", length: n, get: (i) => s.times.subarray(s.offsets[i], s.offsets[i + 1]) },
        units: { kind: "vlen", base: "uint16", length: n, get: (i) => s.units.subarray(s.offsets[i], s.offsets[i + 1]) },
      },
    },
    labels: { kind: "array", type: "uint16", data: s.labels },
    extra: { kind: "group", children: extra },
  });
}
