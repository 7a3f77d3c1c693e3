// `elm predict` on the authors' pre-trained NeuronIO model (shared fixture):
// the outputs match the float64 PyTorch values to float32 rounding.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedFixture } from "@elm/core/testing";
import { runCliCaptured } from "./helpers/cli.js";

const fx = sharedFixture("pretrained", "neuronio_num_memory_10");
const dir = mkdtempSync(join(tmpdir(), "elm-predict-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("elm predict", () => {
  it("runs the pre-trained NeuronIO model and matches the PyTorch outputs", async () => {
    expect(existsSync(join(fx, "expected.json"))).toBe(true);
    const out = join(dir, "pred.json");
    const { code, err } = await runCliCaptured("predict", "--checkpoint", join(fx, "neuronio_best_model_state.pt"), "--config", join(fx, "model_config.json"), "--input", join(fx, "expected.json"), "--out", out);
    expect(err).toBe("");
    expect(code).toBe(0);
    const got = JSON.parse(readFileSync(out, "utf8"));
    const want = JSON.parse(readFileSync(join(fx, "expected.json"), "utf8"));
    expect(got.raw_output.shape).toEqual(want.raw_output.shape);
    for (const key of ["raw_output", "neuronio_eval_output"]) {
      const a: number[] = got[key].data;
      const b: number[] = want[key].data;
      expect(b.length).toBeGreaterThan(0);
      expect(a.length).toBe(b.length);
      let worst = 0;
      for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
      expect(worst, key).toBeLessThanOrEqual(1e-4); // float32 model vs float64 reference
    }
  }, 60_000);

  it("refuses a bad device by name", async () => {
    const { code, err } = await runCliCaptured("predict", "--checkpoint", "x.pt", "--config", "c.json", "--input", "i.json", "--out", join(dir, "o.json"), "--device", "gpu");
    expect(code).toBe(1);
    expect(err).toContain("--device got 'gpu'; allowed values: ref, cpu, cuda");
  });
});
