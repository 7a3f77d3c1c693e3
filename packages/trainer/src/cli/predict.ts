// `elm predict`: runs a pre-trained model (the authors' NeuronIO .pt +
// model_config.json) on a sparse input file through @elm/model's
// predictFromFiles (torch module), writing { raw_output, neuronio_eval_output } as JSON.
import type { Command } from "commander";
import { DEVICES, DTYPES } from "../config.js";
import { predictFromFiles } from "@elm/model";

export interface PredictOptions {
  checkpoint: string;
  config: string;
  input: string;
  out: string;
  device?: string;
  dtype?: string;
}

export async function predict(o: PredictOptions): Promise<{ shape: number[] }> {
  if (o.device !== undefined && !(DEVICES as readonly string[]).includes(o.device)) throw new Error(`elm predict: --device got '${o.device}'; allowed values: ${DEVICES.join(", ")}`);
  if (o.dtype !== undefined && !(DTYPES as readonly string[]).includes(o.dtype)) throw new Error(`elm predict: --dtype got '${o.dtype}'; allowed values: ${DTYPES.join(", ")}`);
  const r = await predictFromFiles({
    checkpoint: o.checkpoint,
    config: o.config,
    input: o.input,
    out: o.out,
    device: (o.device ?? "cpu") as "ref" | "cpu" | "cuda",
    dtype: (o.dtype ?? "float32") as "float32" | "float64",
  });
  return { shape: r.raw_output.shape };
}

export function addPredictCommand(program: Command): void {
  program
    .command("predict")
    .description("run a pre-trained model (e.g. the authors' NeuronIO model) on a sparse input file")
    .requiredOption("--checkpoint <file>", "weights: a PyTorch state dict (.pt)")
    .requiredOption("--config <file>", "model_config.json")
    .requiredOption("--input <file>", "JSON with input_shape and input_nonzero rows [b, t, channel, value]")
    .requiredOption("--out <file>", "where to write { raw_output, neuronio_eval_output }")
    .option("--device <device>", `device: ${DEVICES.join(" | ")}`, "cpu")
    .option("--dtype <dtype>", `dtype: ${DTYPES.join(" | ")}`, "float32")
    .action(async (opts: PredictOptions) => {
      const r = await predict(opts);
      console.log(`wrote ${opts.out} (outputs [${r.shape.join(", ")}])`);
    });
}
