// The packages' README examples, run as a user would run them: each TypeScript
// block written to a file in a fresh directory whose node_modules/@elm/* point at
// the workspace packages, run with tsx in a child process (cwd = that directory, so
// caches such as .elm-data/ land there), and its output checked against what the
// README's comments say it prints. Blocks that are fragments (they use the reader's
// own data or model) or that download are listed with the reason they are not run,
// so a new block must be placed in one list or the other.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const packages: Record<string, string> = {
  native: "native",
  core: "packages/core",
  model: "packages/elm-model",
  datasets: "packages/datasets",
  trainer: "packages/trainer",
};

/** The fenced ts/js blocks of a markdown file, in order. */
function codeBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^```(?:ts|typescript|js|javascript)[^\n]*\n([\s\S]*?)^```/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) blocks.push(m[1]);
  return blocks;
}

type Plan =
  | { run: true; prelude?: string; after?: string; prints: (string | RegExp)[] }
  | { run: false; why: string };

/** For every README, one entry per block, in order. */
const plans: Record<string, Plan[]> = {
  "native/README.md": [
    { run: true, prints: [/available: (true|false)/] },
    // the continuation of the first block (`cpu` imported there)
    { run: true, prelude: 'import { cpu } from "@elm/native";', prints: [/limitBytes: \d+/, /reused: \d+/] },
  ],
  "packages/core/README.md": [{ run: true, prints: [/^\d+\.\d+ \[ 4, 3 \]$/m] }],
  "packages/datasets/README.md": [
    { run: true, prints: ["[ 32, 100, 700 ] 2240000 Int32Array(32)"] },
    { run: true, prints: [] },
    { run: false, why: "downloads SHD from zenkelab.org (the reader and splits are tested on files the tests write)" },
    { run: false, why: "a type declaration (TextBatch), nothing to run" },
    { run: true, prints: ["[ 32, 256 ] 8192 256", /^true$/m] },
  ],
  "packages/elm-model/README.md": [
    { run: true, prints: ["trainable parameters: 582", "32 353 12650 [ 4, 100, 10 ]"] },
  ],
  "packages/trainer/README.md": [
    { run: false, why: "a fragment: trainSet, validSet, testSet and myModel are the reader's own" },
    {
      // model and loss are the reader's own: a small Branch-ELM and a sum of squares here
      run: true,
      prelude: [
        'import { Rng, randNormal, sum, mul } from "@elm/core";',
        'import { BranchElm } from "@elm/model";',
        'const model = new BranchElm({ num_input: 6, num_output: 2, num_memory: 4, num_branch: 3, num_synapse_per_branch: 2 }, { device: "cpu", seed: 0 });',
        'const out = model.forward(randNormal([2, 5, 6], new Rng(1), 0, 1, { device: "cpu" }));',
        "const loss = sum(mul(out, out));",
      ].join("\n"),
      after: "console.log(saved.kind, saved.step, Object.keys(saved.buffers).length > 0);",
      prints: ["adamax 1 true"],
    },
  ],
};

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "elm-readme-"));
  mkdirSync(join(dir, "node_modules", "@elm"), { recursive: true });
  for (const [name, path] of Object.entries(packages)) symlinkSync(join(root, path), join(dir, "node_modules", "@elm", name), "dir");
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runBlock(file: string, source: string): { status: number | null; out: string } {
  const path = join(dir, file);
  writeFileSync(path, source);
  const tsx = join(root, "node_modules", ".bin", "tsx");
  const r = spawnSync(tsx, ["--conditions=@elm/source", path], { cwd: dir, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

describe("README examples", () => {
  for (const [readme, plan] of Object.entries(plans)) {
    const blocks = codeBlocks(readFileSync(join(root, readme), "utf8"));
    it(`${readme}: every block is either run or listed with a reason (${blocks.length} blocks)`, () => {
      expect(blocks.length).toBe(plan.length);
    });
    plan.forEach((p, k) => {
      if (!p.run) return;
      it(`${readme} block ${k + 1} runs and prints what its comments say`, () => {
        const name = `${readme.replace(/[^a-z]+/gi, "_")}_${k + 1}.mts`;
        const { status, out } = runBlock(name, `${p.prelude ?? ""}\n${blocks[k]}\n${p.after ?? ""}`);
        expect(status, out).toBe(0);
        for (const want of p.prints) {
          if (typeof want === "string") expect(out).toContain(want);
          else expect(out).toMatch(want);
        }
      }, 150_000);
    });
  }
});
