// The `elm train` command lines the docs give (docs/EXPERIMENTS.md, this package's
// README) stay valid: each is parsed by the real command line, its config resolved
// and validated, and the model it asks for built at the task's sizes — everything
// `elm train` does before it reads data. A renamed flag or a bad value in the docs
// fails here, naming the line.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "@elm/core";
import { describe, expect, it } from "vitest";
import { makeProgram } from "../src/cli/program.js";
import { configFromFlags } from "../src/cli/train.js";
import type { TrainConfig } from "../src/config.js";
import { buildModel } from "../src/models/build.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const docs = ["docs/EXPERIMENTS.md", "packages/trainer/README.md"];

/** The `elm train …` lines of the sh blocks of a markdown file: continuations joined, comments dropped. */
function trainLines(markdown: string): string[] {
  const lines: string[] = [];
  for (const block of markdown.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
    const joined = block[1].replace(/\\\n\s*/g, " ");
    for (const raw of joined.split("\n")) {
      const line = raw.replace(/\s+#.*$/, "").trim();
      // `elm train … --resume` stands for any earlier line; `--config run.json` is the reader's file
      if (line.startsWith("elm train ") && !line.includes("…") && !line.includes("--config ")) lines.push(line);
    }
  }
  return lines;
}

/** Input channels and outputs of each task's real data (ELM_SPEC §6; enwik8: byte ids into an embedding). */
const taskSizes: Record<string, [number, number]> = {
  shd: [700, 20],
  "shd-adding": [700, 19],
  neuronio: [1278, 2],
  enwik8: [256, 256],
};

/** The config `elm train <args>` resolves, through the real program with its action replaced. */
async function resolveTrain(args: string[]): Promise<TrainConfig> {
  const program = makeProgram();
  const train = program.commands.find((c) => c.name() === "train")!;
  let config: TrainConfig | null = null;
  train.action((opts: Record<string, unknown>) => {
    config = configFromFlags(opts);
  });
  program.exitOverride();
  train.exitOverride().configureOutput({ writeErr: () => {} });
  await program.parseAsync(args, { from: "user" });
  if (config === null) throw new Error("train's action did not run");
  return config;
}

describe("the docs' elm train command lines", () => {
  for (const doc of docs) {
    const lines = trainLines(readFileSync(join(root, doc), "utf8"));
    it(`${doc} has elm train lines to check`, () => {
      expect(lines.length).toBeGreaterThan(1);
    });
    for (const line of lines) {
      it(`${doc}: ${line}`, async () => {
        const c = await resolveTrain(line.split(/\s+/).slice(1));
        const sizes = taskSizes[c.task];
        expect(sizes, `task ${c.task}`).toBeDefined();
        // the synthetic teacher neuron has its own input size (made with its data)
        if (c.task === "neuronio" && c.synthetic) return;
        const model = buildModel(c, sizes[0], sizes[1], new Rng(0));
        expect(model.namedParameters().length).toBeGreaterThan(0);
      }, 60_000);
    }
  }
  it("a flag the command line does not know fails the check", async () => {
    await expect(resolveTrain(["train", "--task", "shd", "--model", "elm", "--d-memory", "4"])).rejects.toThrow(/unknown option '--d-memory'/);
  });
});
