// `pnpm bench`: runs every benchmarks/*.bench.ts in name order (or those named
// on the command line) and prints their tables. Each bench file exports
// `run(): Promise<void>` and prints its own napkin math.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { machineLine } from "./util.js";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${wanted.join(", ")}; available: ${readdirSync(here).filter((f) => f.endsWith(".bench.ts")).join(", ")}`);
  process.exit(1);
}
console.log(machineLine());
for (const f of files) {
  console.log(`\n## ${f.replace(/\.bench\.ts$/, "")}\n`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { run: () => Promise<void> };
  await mod.run();
}
