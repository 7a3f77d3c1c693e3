// `elm info`: the native build, devices (with the CUDA status), threads.
import type { Command } from "commander";
import { cpu, cudaBuilt, cudaStatus } from "@elm/native";
import { listKernels, registeredDevices } from "@elm/core";

export function infoReport(): Record<string, unknown> {
  const build = cpu.buildInfo();
  const cuda = cudaStatus();
  let devices: unknown;
  let kernels: unknown;
  try {
    devices = registeredDevices();
    kernels = (listKernels() as unknown[]).length;
  } catch (e) {
    devices = `unavailable: ${(e as Error).message}`;
  }
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    native: { compiler: build.compiler, simd: build.simd, napiVersion: build.napiVersion },
    threads: { kernel: cpu.numThreads(), hardware: build.threads },
    devices: { registered: devices, ref: true, cpu: true, cuda: cuda.available },
    cuda: { built: cudaBuilt(), ...cuda },
    kernels,
  };
}

export function addInfoCommand(program: Command): void {
  program
    .command("info")
    .description("native addon build, devices (CUDA status), threads")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) => {
      const r = infoReport() as any;
      if (opts.json) {
        console.log(JSON.stringify(r, null, 2));
        return;
      }
      console.log(`node ${r.node} on ${r.platform}`);
      console.log(`native addon: ${r.native.compiler}, simd ${r.native.simd}, N-API ${r.native.napiVersion}`);
      console.log(`threads: ${r.threads.kernel} kernel threads (${r.threads.hardware} hardware)`);
      console.log(`devices: ref, cpu${r.cuda.available ? ", cuda" : ""} (registered kernels on: ${Array.isArray(r.devices.registered) ? r.devices.registered.join(", ") : r.devices.registered})`);
      console.log(
        r.cuda.available
          ? `cuda: ${r.cuda.devices} device(s), ${r.cuda.name}, compute ${r.cuda.computeCapability}`
          : `cuda: unavailable (${r.cuda.built ? "elm_cuda.node built" : "elm_cuda.node not built"}) — ${r.cuda.reason}`,
      );
    });
}
