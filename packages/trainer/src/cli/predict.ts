// `elm predict`: runs a pre-trained model on input files through
// predictFromFiles (from the NeuronIO / PyTorch-import module of @elm/datasets).
import type { Command } from "commander";

export function addPredictCommand(program: Command): void {
  program
    .command("predict")
    .description("run a pre-trained model (e.g. the authors' NeuronIO .pt) on input files")
    .requiredOption("--model <dir>", "model folder (model_config.json + weights .pt or .safetensors)")
    .requiredOption("--input <file...>", "input file(s) (NeuronIO simulation .p files)")
    .option("--out <file>", "write the predictions here (JSON)")
    .option("--device <device>", "ref | cpu | cuda", "cpu")
    .action(async (opts: { model: string; input: string[]; out?: string; device: string }) => {
      const mod = (await import("@elm/datasets")) as Record<string, unknown>;
      const fn = mod.predictFromFiles;
      if (typeof fn !== "function") {
        throw new Error("elm predict: predictFromFiles is not exported by @elm/datasets in this build (the NeuronIO/PyTorch import module has not landed)");
      }
      const r = await (fn as (o: Record<string, unknown>) => Promise<unknown>)({ modelDir: opts.model, inputs: opts.input, out: opts.out, device: opts.device });
      if (!opts.out) console.log(JSON.stringify(r, null, 2));
    });
}
