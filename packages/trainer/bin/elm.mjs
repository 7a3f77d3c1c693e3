#!/usr/bin/env node
// `elm` launcher: runs the built CLI (dist/) when present, otherwise the
// TypeScript sources through tsx with the workspace's "@elm/source" condition.
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
  const child = spawn(process.execPath, ["--conditions=@elm/source", "--import", "tsx", src, ...process.argv.slice(2)], { stdio: "inherit" });
  process.on("SIGINT", () => {}); // the child gets Ctrl-C from the terminal, saves and exits
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
}
