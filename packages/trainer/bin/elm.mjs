#!/usr/bin/env node
// `elm` launcher: runs the built CLI (dist/) when present, otherwise the
// TypeScript sources through tsx with the workspace's "@elm/source" condition
// in a child process. The child runs in its own process group and the
// launcher forwards SIGINT / SIGTERM to it exactly once per signal, so Ctrl-C
// in a terminal and `kill -INT <launcher>` both reach the training loop (which
// saves a checkpoint and exits 130) without a duplicate signal.
import { existsSync } from "node:fs";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, "..", "dist", "bin", "elm.js");
if (existsSync(built)) {
  await import(built);
} else {
  const src = join(here, "..", "src", "bin", "elm.ts");
  // tsx resolved from here (the workspace's node_modules), not from the working
  // directory, where `--import tsx` would look: `elm` runs from any folder
  let tsx;
  try {
    tsx = import.meta.resolve("tsx");
  } catch {
    process.stderr.write(`elm: there is no built CLI (${built}) and tsx, which runs it from its TypeScript sources, is not installed; run \`pnpm install\` in the workspace, or \`pnpm build\`\n`);
    process.exit(1);
  }
  const child = spawn(process.execPath, ["--conditions=@elm/source", "--import", tsx, src, ...process.argv.slice(2)], {
    stdio: "inherit",
    detached: process.platform !== "win32",
  });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : signal ? 143 : 1)));
}
