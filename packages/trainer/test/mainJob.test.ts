// The main job's command line (`pnpm start -- …`): its few options, and a clear
// refusal of anything else instead of a default run that ignored it.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config.js";
import { MAIN_JOB_CONFIG, parseMainJobArgs } from "../src/mainJob.js";

describe("parseMainJobArgs", () => {
  it("no options: the default run; pnpm's `--` separator is skipped", () => {
    expect(parseMainJobArgs([])).toEqual({ help: false, overrides: {} });
    expect(parseMainJobArgs(["--"])).toEqual({ help: false, overrides: {} });
  });
  it("--resume, --out DIR, --no-progress", () => {
    expect(parseMainJobArgs(["--", "--resume", "--out", "runs/x", "--no-progress"])).toEqual({
      help: false,
      overrides: { resume: true, out: "runs/x", progress: false },
    });
    expect(parseMainJobArgs(["--out=runs/y"])).toEqual({ help: false, overrides: { out: "runs/y" } });
    expect(MAIN_JOB_CONFIG.out).toBe("runs/main");
  });
  it("--help / -h", () => {
    expect(parseMainJobArgs(["--help"])).toEqual({ help: true });
    expect(parseMainJobArgs(["--", "-h"])).toEqual({ help: true });
  });
  it("refuses an unknown option, a stray argument or an empty --out, naming it and showing the usage", () => {
    const refuse = (args: string[], msg: RegExp) => {
      expect(() => parseMainJobArgs(args)).toThrow(ConfigError);
      expect(() => parseMainJobArgs(args)).toThrow(msg);
      expect(() => parseMainJobArgs(args)).toThrow(/usage: pnpm start/);
    };
    refuse(["--epochs", "5"], /Unknown option '--epochs'/);
    refuse(["runs/x"], /Unexpected argument 'runs\/x'/);
    refuse(["--out"], /--out/);
    refuse(["--out", " "], /--out: expected a folder, got an empty string/);
  });
});
