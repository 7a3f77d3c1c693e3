// `elm data fetch shd`: downloads and verifies the SHD files (@elm/datasets' fetchShd).
import type { Command } from "commander";
import { fetchShd } from "@elm/datasets";

export function addDataCommand(program: Command): void {
  const data = program.command("data").description("datasets");
  data
    .command("fetch")
    .description("download a dataset")
    .argument("<dataset>", "dataset: shd")
    .option("--data-dir <dir>", "destination folder", "data")
    .option("--base-url <url>", "download from this mirror (md5sums.txt beside the files)")
    .action(async (dataset: string, opts: { dataDir: string; baseUrl?: string }) => {
      if (dataset !== "shd") throw new Error(`elm data fetch: unknown dataset '${dataset}'; allowed values: shd`);
      let last = "";
      const files = await fetchShd({
        dest: opts.dataDir,
        baseUrl: opts.baseUrl,
        onProgress: (p) => {
          const line = `${p.file}: ${p.phase}${p.phase === "download" ? ` ${(p.received / 1e6).toFixed(1)}${p.total ? `/${(p.total / 1e6).toFixed(1)}` : ""} MB` : ""}`;
          if (line !== last && process.stderr.isTTY) process.stderr.write(`\r${line}   `);
          last = line;
        },
      });
      if (process.stderr.isTTY) process.stderr.write("\n");
      for (const f of files) console.log(`${f.path} (md5 ${f.md5}${f.downloaded ? ", downloaded" : ", already there"})`);
    });
}
