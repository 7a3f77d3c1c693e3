// `elm data fetch shd` against a loopback mirror: downloads, checks the md5
// sums, gunzips, and `elm train --task shd` then reads the files.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSpikingDigits, writeShd } from "@elm/datasets";
import { runCli } from "../src/cli/program.js";

const dir = mkdtempSync(join(tmpdir(), "elm-fetch-"));
let server: Server;
let base = "";
const files: Record<string, Buffer> = {};

beforeAll(async () => {
  const { train, test } = generateSpikingDigits({ trainSamples: 60, testSamples: 20, channels: 64 });
  writeShd(join(dir, "train.h5"), train);
  writeShd(join(dir, "test.h5"), test);
  files["shd_train.h5.gz"] = gzipSync(readFileSync(join(dir, "train.h5")));
  files["shd_test.h5.gz"] = gzipSync(readFileSync(join(dir, "test.h5")));
  files["md5sums.txt"] = Buffer.from(
    Object.entries(files).map(([n, b]) => `${createHash("md5").update(b).digest("hex")}  ${n}`).join("\n") + "\n",
  );
  server = createServer((req, res) => {
    const name = (req.url ?? "").split("/").pop() ?? "";
    const body = files[name];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-length": body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/datasets`;
});
afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("elm data fetch shd", () => {
  it("downloads from a mirror, verifies, gunzips; the files train", async () => {
    const dest = join(dir, "data");
    let out = "";
    let err = "";
    const log = console.log;
    console.log = (s: string) => (out += `${s}\n`);
    try {
      expect(await runCli(["data", "fetch", "shd", "--data-dir", dest, "--base-url", base], { err: (s) => (err += s) })).toBe(0);
    } finally {
      console.log = log;
    }
    expect(err).toBe("");
    expect(out).toMatch(/shd_train\.h5 \(md5 [0-9a-f]{32}, downloaded\)/);
    expect(readFileSync(join(dest, "shd_train.h5")).equals(readFileSync(join(dir, "train.h5")))).toBe(true);
    const run = join(dir, "run");
    const r = await runCli(
      ["train", "--task", "shd", "--data-dir", dest, "--model", "branch-elm", "--d-m", "4", "--d-tree", "8", "--d-brch", "8", "--bin-ms", "50", "--epochs", "1", "--no-progress", "--out", run],
      { err: (s) => (err += s) },
    );
    expect(err).toBe("");
    expect(r).toBe(0);
    expect(JSON.parse(readFileSync(join(run, "result.json"), "utf8")).config.task).toBe("shd");
  }, 60_000);
});
