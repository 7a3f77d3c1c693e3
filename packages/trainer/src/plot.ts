// Training-curve plot: a Vega-Lite spec compiled to Vega, rendered headlessly
// to SVG (vega's "none" renderer, no canvas), then rasterised to PNG with
// resvg (Rust, prebuilt for the platform; no network at run time).
import { writeFile } from "node:fs/promises";
import * as vega from "vega";
import * as vl from "vega-lite";
import type { EpochRecord } from "./history.js";

export interface PlotOptions {
  title?: string;
  /** Name of the validation metric (e.g. "accuracy", "auc", "bpc"). */
  metric?: string;
  width?: number;
  height?: number;
}

/** Long-form rows for the two panels: loss (train/val) and metric (train/val/test). */
function rows(history: EpochRecord[]): { epoch: number; series: string; panel: string; value: number }[] {
  const out: { epoch: number; series: string; panel: string; value: number }[] = [];
  const add = (epoch: number, panel: string, series: string, v: number | undefined) => {
    if (v !== undefined && Number.isFinite(v)) out.push({ epoch, panel, series, value: v });
  };
  for (const r of history) {
    add(r.epoch, "loss", "train", r.trainLoss);
    add(r.epoch, "loss", "validation", r.valLoss);
    add(r.epoch, "metric", "train", r.trainMetric);
    add(r.epoch, "metric", "validation", r.valMetric);
    add(r.epoch, "metric", "test", r.testMetric);
  }
  return out;
}

export function curveSpec(history: EpochRecord[], opts: PlotOptions = {}): vl.TopLevelSpec {
  const data = rows(history);
  const width = opts.width ?? 360;
  const height = opts.height ?? 220;
  const metric = opts.metric ?? "metric";
  const layer = (panel: string, title: string) => ({
    width,
    height,
    transform: [{ filter: `datum.panel === '${panel}'` }],
    mark: { type: "line" as const, point: true },
    encoding: {
      x: { field: "epoch", type: "quantitative" as const, title: "epoch" },
      y: { field: "value", type: "quantitative" as const, title, scale: { zero: false } },
      color: { field: "series", type: "nominal" as const, title: null },
    },
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: opts.title ?? "training curve",
    data: { values: data },
    hconcat: [layer("loss", "loss"), layer("metric", metric)],
    config: { font: "DejaVu Sans", background: "white" },
  } as vl.TopLevelSpec;
}

export async function renderSvg(spec: vl.TopLevelSpec): Promise<string> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import("@resvg/resvg-js");
  const r = new Resvg(svg, { background: "white", fitTo: { mode: "zoom", value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" } });
  return r.render().asPng();
}

/** Writes `<base>.svg` and `<base>.png`; returns their paths. */
export async function writeCurvePlot(base: string, history: EpochRecord[], opts: PlotOptions = {}): Promise<{ svg: string; png: string }> {
  const svg = await renderSvg(curveSpec(history, opts));
  const png = await svgToPng(svg);
  await writeFile(`${base}.svg`, svg);
  await writeFile(`${base}.png`, png);
  return { svg: `${base}.svg`, png: `${base}.png` };
}
