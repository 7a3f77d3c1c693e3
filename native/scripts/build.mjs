#!/usr/bin/env node
// Builds elm_cpu.node (always) and elm_cuda.node (when nvcc is found, or
// ELM_CUDA=ON; ELM_CUDA=OFF skips it) with cmake-js against node-api-headers,
// so nothing is downloaded. A missing tool gets one line naming what to install.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

function has(cmd, args = ["--version"]) {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  return r.status === 0;
}
function fail(msg) {
  console.error(`@elm/native: ${msg}`);
  process.exit(1);
}

if (!has("cmake")) fail("cmake not found — install CMake ≥ 3.18 (Debian: apt-get install cmake).");
const cxx = process.env.CXX ?? "c++";
if (!has(cxx)) fail(`C++ compiler '${cxx}' not found — install g++ ≥ 10 (Debian: apt-get install g++) or set CXX.`);

const cudaEnv = (process.env.ELM_CUDA ?? "AUTO").toUpperCase();
if (!["ON", "OFF", "AUTO"].includes(cudaEnv)) fail(`ELM_CUDA='${process.env.ELM_CUDA}' — expected ON, OFF or AUTO.`);
if (cudaEnv === "ON" && !has(process.env.CUDACXX ?? "nvcc")) {
  fail("ELM_CUDA=ON but nvcc was not found — install the CUDA toolkit or set CUDACXX.");
}

if (process.argv.includes("--clean")) rmSync(join(here, "build"), { recursive: true, force: true });

const cmakeJs = join(dirname(require.resolve("cmake-js/package.json")), "bin", "cmake-js");
const jobs = process.env.ELM_BUILD_JOBS ?? "2";
// ELM_MARCH / ELM_MTUNE (optional): -march and -mtune of the CPU addon (CMakeLists.txt;
// defaults native and AUTO; ELM_MTUNE=none leaves -mtune to the compiler)
const options = { ELM_CUDA: cudaEnv, ELM_MARCH: process.env.ELM_MARCH ?? "native", ELM_MTUNE: process.env.ELM_MTUNE ?? "AUTO" };
const defines = Object.entries(options).map(([k, v]) => `--CD${k}=${v}`);
const cmakeJsRun = (command) =>
  spawnSync(process.execPath, [cmakeJs, command, "--config", "Release", ...defines, "--parallel", jobs], {
    cwd: here,
    stdio: "inherit",
    env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: jobs },
  });
// `cmake-js compile` reuses a configured build folder as it is, so a changed option
// (say ELM_CUDA OFF, then ON) would be ignored: reconfigure when the cache differs.
const cache = join(here, "build", "CMakeCache.txt");
const cacheText = existsSync(cache) ? readFileSync(cache, "utf8") : undefined;
const stale = cacheText !== undefined &&
  Object.entries(options).some(([k, v]) => new RegExp(`^${k}:STRING=(.*)$`, "m").exec(cacheText)?.[1] !== v);
if (stale) {
  const c = cmakeJsRun("configure");
  if (c.status !== 0) fail(`native configure failed (cmake-js exit ${c.status}); see the output above.`);
}
const r = cmakeJsRun("compile");
if (r.status !== 0) fail(`native build failed (cmake-js exit ${r.status}); see the compiler output above.`);
const cpu = join(here, "build", "Release", "elm_cpu.node");
if (!existsSync(cpu)) fail(`build finished but ${cpu} is missing.`);
const cuda = join(here, "build", "Release", "elm_cuda.node");
// an elm_cuda.node left from an earlier build must not outlive ELM_CUDA=OFF
if (cudaEnv === "OFF") rmSync(cuda, { force: true });
console.log(`@elm/native: built elm_cpu.node${existsSync(cuda) ? " and elm_cuda.node" : " (no CUDA: nvcc not found or ELM_CUDA=OFF)"}`);
