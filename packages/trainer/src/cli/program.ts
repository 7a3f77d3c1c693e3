// The `elm` command line (commander): train, eval, info, data fetch, predict.
// Errors are printed as one clear message (no stack) and set exit code 2 for
// bad usage or configuration, 1 otherwise.
import { Command, CommanderError } from "commander";
import { ConfigError } from "../config.js";
import { addDataCommand } from "./data.js";
import { addEvalCommand } from "./eval.js";
import { addInfoCommand } from "./info.js";
import { addPredictCommand } from "./predict.js";
import { addTrainCommand } from "./train.js";

export function makeProgram(): Command {
  const program = new Command("elm")
    .description("Expressive Leaky Memory neurons and networks: train, evaluate, inspect")
    .version("0.1.0")
    .showSuggestionAfterError(true)
    .exitOverride();
  addTrainCommand(program);
  addEvalCommand(program);
  addInfoCommand(program);
  addDataCommand(program);
  addPredictCommand(program);
  return program;
}

/** Runs the CLI; returns the exit code instead of exiting (tests call this). */
export async function runCli(argv: string[], io: { err?: (s: string) => void } = {}): Promise<number> {
  const err = io.err ?? ((s: string) => process.stderr.write(s));
  const program = makeProgram();
  const configure = (c: Command): void => {
    c.exitOverride().showSuggestionAfterError(true).configureOutput({ writeErr: err });
    c.commands.forEach(configure);
  };
  configure(program);
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2; // commander already printed its message
    if (e instanceof ConfigError) {
      err(`elm: ${e.message}\n`);
      return 2;
    }
    err(`elm: ${(e as Error).message}\n`);
    if (process.env.ELM_DEBUG) err(`${(e as Error).stack}\n`);
    return 1;
  }
}
