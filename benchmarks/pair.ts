// `pnpm bench:pair <A.node> <B.node>`: a paired A/B comparison of two builds of the
// CPU addon (elm_cpu.node) on one kernel's training step, in one process.
//
// Why paired: a small VM's speed drifts by 30 % and more from minute to minute, so
// two `pnpm bench` runs an hour apart cannot tell a 3 % change from the weather.
// Here both builds are loaded side by side and swapped in step by step (order A B B A
// A B B A …), so each A step has a B neighbour that saw the same machine; the
// report is the median of the per-pair ratios B/A, with a distribution-free 95 %
// interval for it, and the share of pairs in which B was faster.
//
// It also says whether B's outputs and gradients are bit-identical to A's (the
// first measured step of each), or how far they differ: a kernel rework that
// keeps the order of every sum should change no bit.
//
// Make the builds with the native build, copying each result aside:
//   node native/scripts/build.mjs && cp native/build/Release/elm_cpu.node /tmp/A.node
//   (edit native/src …)
//   node native/scripts/build.mjs && cp native/build/Release/elm_cpu.node /tmp/B.node
//   pnpm bench:pair /tmp/A.node /tmp/B.node --kernel network --rounds 20
// A build against itself (`pnpm bench:pair /tmp/A.node /tmp/A.node`) shows the noise
// floor: ratios near 1.000 and an interval that contains it.
import { cpu } from "@elm/native";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { elmNeuronBackward, elmNeuronForward } from "../packages/elm-model/src/kernels/index.js";
import { elmNetworkBackward, elmNetworkForward, type ElmNetworkShape } from "../packages/elm-model/src/kernels/network.js";
import { networkBenchDY, networkBenchInputs, shdNetwork, sweepNetworks } from "./elm_network.bench.js";
import { benchDM, benchInputs, shdAddingBranchElm } from "./elm_step.bench.js";
import { machineLine } from "./util.js";

// network: the elm_network bench's N 64; network-16 / network-256: its sweep's fewer, larger
// or more, smaller neurons; neuron: the elm_step bench's Branch-ELM
const networks: Record<string, ElmNetworkShape> = { network: shdNetwork, "network-16": sweepNetworks[16], "network-256": sweepNetworks[256] };
const kernels = [...Object.keys(networks), "neuron"];
const usage = `usage: pnpm bench:pair <A.node> <B.node> [--kernel ${kernels.join("|")}] [--rounds N] [--input-grad]`;

/** One training step, timed in two parts; `keep` copies its outputs for the bit-identity check. */
type Step = (keep: boolean) => { fwdMs: number; bwdMs: number; outputs?: Map<string, Float32Array | Float64Array> };

/** Every float array under `value` (nested objects and arrays), by path; `saved` is internal and skipped. */
function floatArrays(value: unknown, path: string, into: Map<string, Float32Array | Float64Array>): void {
  if (value instanceof Float32Array || value instanceof Float64Array) into.set(path, value.slice());
  else if (Array.isArray(value)) value.forEach((v, i) => floatArrays(v, `${path}[${i}]`, into));
  else if (value && typeof value === "object" && !ArrayBuffer.isView(value)) {
    for (const [k, v] of Object.entries(value)) if (k !== "saved") floatArrays(v, path ? `${path}.${k}` : k, into);
  }
}

function timed<F, G>(forward: () => F, backward: (f: F) => G, keep: boolean): ReturnType<Step> {
  const t0 = performance.now();
  const f = forward();
  const t1 = performance.now();
  const outputs = keep ? new Map<string, Float32Array | Float64Array>() : undefined;
  if (outputs) floatArrays(f, "forward", outputs);
  const t2 = performance.now();
  const g = backward(f);
  const t3 = performance.now();
  if (outputs) floatArrays(g, "backward", outputs);
  return { fwdMs: t1 - t0, bwdMs: t3 - t2, outputs };
}

function kernelStep(kernel: string, inputGrad: boolean): { label: string; step: Step } {
  if (Object.hasOwn(networks, kernel)) {
    const shape = networks[kernel];
    const inp = networkBenchInputs(shape, 1);
    const dY = networkBenchDY(shape);
    return {
      label: `ElmNetwork N ${shape.N}, ${shape.dTree}×${shape.dBrch} synapses, d_m ${shape.dM}, d_mlp ${shape.dMlp}, B ${shape.B}, T ${shape.T}`,
      step: (keep) => timed(
        () => elmNetworkForward(shape, inp, "cpu"),
        (f) => elmNetworkBackward(shape, inp, f.saved, dY, null, null, null, "cpu", { inputGrad }),
        keep),
    };
  }
  if (kernel === "neuron") {
    const shape = shdAddingBranchElm;
    const inp = benchInputs(shape);
    const dM = benchDM(shape);
    return {
      label: `SHD-Adding Branch-ELM (d_in ${shape.dIn}, ${shape.dTree}×${shape.dBrch} synapses, d_m ${shape.dM}, d_mlp ${shape.dMlp}), B ${shape.B}, T ${shape.T}`,
      step: (keep) => timed(
        () => elmNeuronForward(shape, inp, "cpu"),
        (f) => elmNeuronBackward(shape, inp, f.saved, dM, null, null, "cpu", { inputGrad }),
        keep),
    };
  }
  throw new RangeError(`--kernel must be one of ${kernels.join(", ")}, got ${JSON.stringify(kernel)}`);
}

/** Loads an addon from a private copy, so that a build and its copy, or one file given twice, are two modules. */
function loadAddon(file: string, dir: string, name: string): Record<string, unknown> {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(`${name}: ${path} does not exist (${usage})`);
  const copy = join(dir, `${name}.node`);
  copyFileSync(path, copy);
  let addon: Record<string, unknown>;
  try {
    addon = createRequire(import.meta.url)(copy) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${name}: ${path} could not be loaded as an addon: ${(e as Error).message.split("\n")[0]}`);
  }
  for (const fn of Object.keys(cpu)) {
    if (typeof (cpu as Record<string, unknown>)[fn] === "function" && typeof addon[fn] !== "function") {
      throw new Error(`${name}: ${path} has no '${fn}': not an elm_cpu.node of this tree's API`);
    }
  }
  return addon;
}

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Distribution-free ~95 % interval for the median: order statistics n/2 ∓ 0.98·√n (sign test). */
export function medianInterval(a: number[]): [number, number] {
  const s = [...a].sort((x, y) => x - y);
  const j = Math.max(0, Math.floor(s.length / 2 - 0.98 * Math.sqrt(s.length)));
  return [s[j], s[s.length - 1 - j]];
}

/** What differs between A's and B's outputs, array by array (empty: bit-identical). */
export function compareOutputs(a: Map<string, Float32Array | Float64Array>, b: Map<string, Float32Array | Float64Array>): string[] {
  const diffs: string[] = [];
  for (const [name, x] of a) {
    const y = b.get(name);
    if (!y || y.length !== x.length) {
      diffs.push(`${name}: missing or of another length in B`);
      continue;
    }
    let worst = 0;
    let differ = 0;
    for (let i = 0; i < x.length; i++) {
      if (Object.is(x[i], y[i])) continue;
      differ++;
      worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(Math.abs(x[i]), Math.abs(y[i]), 1e-30));
    }
    if (differ > 0) diffs.push(`${name}: ${differ} of ${x.length} differ, largest relative difference ${worst.toExponential(2)}`);
  }
  for (const name of b.keys()) if (!a.has(name)) diffs.push(`${name}: only in B`);
  return diffs;
}

export interface PairOptions {
  /** The two addon files (elm_cpu.node builds). */
  a: string;
  b: string;
  /** One of `kernels` (network, network-16, network-256, neuron). */
  kernel: string;
  /** Pairs of steps measured (after two warm-up steps of each build). */
  rounds: number;
  inputGrad: boolean;
  /** Progress and the table go here (default: the console). */
  log?: (line: string) => void;
}

export interface PairPart {
  part: "step" | "forward" | "backward";
  medianA: number;
  medianB: number;
  /** Median of the per-pair ratios B/A, its ~95 % interval, and the pairs where B was faster. */
  ratio: number;
  interval: [number, number];
  bFaster: number;
}

/** Runs the paired comparison; returns the three parts and the bit-identity verdict (also logged as a table). */
export function runPair(o: PairOptions): { parts: PairPart[]; identical: boolean; verdict: string } {
  const log = o.log ?? ((line: string) => console.log(line));
  if (!Number.isInteger(o.rounds) || o.rounds < 2) throw new RangeError(`--rounds must be an integer ≥ 2, got ${o.rounds}`);
  const dir = mkdtempSync(join(tmpdir(), "elm-pair-"));
  const original = { ...cpu };
  try {
    const addons = [loadAddon(o.a, dir, "A"), loadAddon(o.b, dir, "B")];
    const { label, step } = kernelStep(o.kernel, o.inputGrad);
    const use = (v: number) => Object.assign(cpu, addons[v]);
    log(`${label}, float32, ${cpu.numThreads()} threads, ${o.inputGrad ? "with" : "without"} dL/dx`);
    log(machineLine());
    log(`A = ${resolve(o.a)}\nB = ${resolve(o.b)}\n`);
    // warm-up: two steps of each (page faults, pools, the CPU's clocks)
    for (const v of [0, 1, 0, 1]) {
      use(v);
      step(false);
    }
    const fwd: number[][] = [[], []];
    const bwd: number[][] = [[], []];
    const outputs: Map<string, Float32Array | Float64Array>[] = [];
    for (let k = 0; k < 2 * o.rounds; k++) {
      const v = (k + (Math.floor(k / 2) % 2)) % 2; // A B B A A B B A …
      use(v);
      const r = step(k < 2);
      if (r.outputs) outputs[v] = r.outputs;
      fwd[v].push(r.fwdMs);
      bwd[v].push(r.bwdMs);
      if (k % 2 === 1 && !o.log) process.stderr.write(`\rround ${(k + 1) / 2}/${o.rounds}${k + 1 === 2 * o.rounds ? "\n" : ""}`);
    }
    const total = (v: number) => fwd[v].map((f, i) => f + bwd[v][i]);
    const series: [PairPart["part"], number[], number[]][] = [
      ["step", total(0), total(1)],
      ["forward", fwd[0], fwd[1]],
      ["backward", bwd[0], bwd[1]],
    ];
    const parts = series.map(([part, a, b]): PairPart => {
      const ratio = b.map((x, i) => x / a[i]);
      return {
        part, medianA: median(a), medianB: median(b), ratio: median(ratio),
        interval: medianInterval(ratio), bFaster: ratio.filter((q) => q < 1).length,
      };
    });
    log(`| part | A median ms | B median ms | B/A paired median | 95 % interval | B faster in |`);
    log(`|---|---|---|---|---|---|`);
    for (const p of parts) {
      log(`| ${p.part} | ${p.medianA.toFixed(2)} | ${p.medianB.toFixed(2)} | ${p.ratio.toFixed(3)} | ` +
        `${p.interval[0].toFixed(3)}–${p.interval[1].toFixed(3)} | ${p.bFaster}/${o.rounds} pairs |`);
    }
    const diffs = compareOutputs(outputs[0], outputs[1]);
    const verdict = diffs.length === 0
      ? `bit-identical (${outputs[0].size} arrays: outputs, final states, every gradient)`
      : `differ —\n  ${diffs.join("\n  ")}`;
    log(`\nB against A: ${verdict}`);
    return { parts, identical: diffs.length === 0, verdict };
  } finally {
    Object.assign(cpu, original);
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      kernel: { type: "string", default: "network" },
      rounds: { type: "string", default: "20" },
      "input-grad": { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 2) throw new Error(`expected two addon files, got ${positionals.length} (${usage})`);
  runPair({ a: positionals[0], b: positionals[1], kernel: values.kernel, rounds: Number(values.rounds), inputGrad: values["input-grad"] });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main();
  } catch (e) {
    console.error(`bench:pair: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
