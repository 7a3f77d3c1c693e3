import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { collectGarbage } from "@elm/native";

/**
 * The machine in one line, for the head of a benchmark report: ratios to the GEMM
 * floor depend on the CPU generation (on a part with full-width 512-bit FMA units
 * the GEMM gains more than the kernels' work that is not products), so recorded
 * numbers say which CPU gave them. The model name alone does not tell them apart in
 * a VM ("AMD EPYC"): on Linux the x86 family, model and stepping are read too.
 */
export function machineLine(): string {
  const list = cpus();
  let id = "";
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+)$`, "m").exec(info)?.[1]?.trim();
    const family = field("cpu family"), model = field("model"), stepping = field("stepping");
    if (family !== undefined && model !== undefined) id = ` (family ${family}, model ${model}${stepping !== undefined ? `, stepping ${stepping}` : ""})`;
  } catch {
    // not Linux, or /proc not readable: the model name only
  }
  return `machine: ${list[0]?.model.trim() ?? "unknown CPU"}${id}, ${list.length} logical CPUs, ${process.platform}/${process.arch}, Node ${process.version}`;
}

// Shared timing helper: median of `reps` runs after `warmup` runs, in ms.
export function timeIt(fn: () => void, reps = 5, warmup = 1): number {
  for (let i = 0; i < warmup; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

export async function timeItAsync(fn: () => Promise<void>, reps = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

/**
 * What a long training run has done between two steps, taken before each timed
 * step (never inside one): the previous steps' outputs collected and the event loop
 * turned. The kernels' large outputs come from the addon's recycled blocks
 * (cpu.allocOutput), which return to it when the garbage collector has freed them
 * and their finalizers run, on a turn of the loop (the trainer takes one per step,
 * packages/trainer/src/loop.ts). In a run each collection returns the outputs
 * allocated since the one before (measured: from the first collection, after about
 * 15 network steps, every output came from the pool), so a benchmark of a few
 * steps that never collected would time each on freshly mapped memory, which a run
 * sees only in its first steps. The full collection here is outside the timing; a
 * run pays one every 15 steps or so, as a pause of a few ms.
 */
export async function betweenSteps(): Promise<void> {
  collectGarbage();
  // then a pause: V8 finishes the collection's sweeping on a helper thread, which
  // on two cores slowed a step started at once by 3–5 % (paired, 28 pairs each, two runs)
  await new Promise<void>((r) => setTimeout(r, 25));
}

/**
 * Fastest of `reps` runs (after one warm-up), in wall ms — on a shared machine the
 * least-disturbed run, as the GEMM rate is — and the least process CPU time per
 * run (user + system, all threads), which other processes do not inflate.
 */
export async function bestOf(fn: () => void, reps: number): Promise<{ wall: number; cpu: number }> {
  fn();
  let wall = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < reps; i++) {
    await betweenSteps();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  return { wall, cpu };
}
