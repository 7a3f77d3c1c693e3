// Runs the `elm` CLI in-process, capturing what it prints (console.log) and
// its error stream, for the tests that drive it end to end.
import { runCli } from "../../src/cli/program.js";

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function runCliCaptured(...args: string[]): Promise<CliResult> {
  let out = "";
  let err = "";
  const log = console.log;
  console.log = (s: string) => (out += `${s}\n`);
  try {
    const code = await runCli(args, { err: (s) => (err += s) });
    return { code, out, err };
  } finally {
    console.log = log;
  }
}
