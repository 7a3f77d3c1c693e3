// Progress display: a cli-progress bar on a TTY (loss, metric, samples/s, lr),
// plain lines otherwise (logs, CI, child processes). The training loop yields
// to the event loop between steps so the bar redraws and SIGINT is handled.
import cliProgress from "cli-progress";

export interface ProgressSink {
  startEpoch(epoch: number, epochs: number, totalSteps: number, startStep: number): void;
  step(done: number, info: { loss: number; metric?: number; samplesPerSecond: number; lr: number }): void;
  endEpoch(line: string): void;
  log(line: string): void;
  stop(): void;
}

const fmt = (v: number | undefined, digits = 4) => (v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(digits));

export class BarProgress implements ProgressSink {
  private bar: cliProgress.SingleBar | null = null;
  constructor(private readonly metricName: string, private readonly stream: NodeJS.WriteStream = process.stderr) {}

  startEpoch(epoch: number, epochs: number, totalSteps: number, startStep: number): void {
    this.stop();
    this.bar = new cliProgress.SingleBar(
      {
        format: `epoch ${epoch + 1}/${epochs} [{bar}] {value}/{total} | loss {loss} | ${this.metricName} {metric} | {sps} samples/s | lr {lr}`,
        stream: this.stream,
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(totalSteps, startStep, { loss: "-", metric: "-", sps: "-", lr: "-" });
  }

  step(done: number, info: { loss: number; metric?: number; samplesPerSecond: number; lr: number }): void {
    this.bar?.update(done, { loss: fmt(info.loss), metric: fmt(info.metric), sps: info.samplesPerSecond.toFixed(1), lr: info.lr.toExponential(2) });
  }

  endEpoch(line: string): void {
    this.stop();
    this.stream.write(`${line}\n`);
  }

  log(line: string): void {
    if (this.bar) this.bar.stop();
    this.bar = null;
    this.stream.write(`${line}\n`);
  }

  stop(): void {
    if (this.bar) this.bar.stop();
    this.bar = null;
  }
}

/** Plain lines: one per epoch (and one every `every` steps when set). */
export class LineProgress implements ProgressSink {
  private epoch = 0;
  private epochs = 0;
  private total = 0;
  constructor(private readonly metricName: string, private readonly write: (s: string) => void = (s) => process.stderr.write(s), private readonly every = 0) {}
  startEpoch(epoch: number, epochs: number, totalSteps: number): void {
    this.epoch = epoch;
    this.epochs = epochs;
    this.total = totalSteps;
  }
  step(done: number, info: { loss: number; metric?: number; samplesPerSecond: number; lr: number }): void {
    if (this.every > 0 && done % this.every === 0) {
      this.write(`epoch ${this.epoch + 1}/${this.epochs} step ${done}/${this.total} loss ${fmt(info.loss)} ${this.metricName} ${fmt(info.metric)} ${info.samplesPerSecond.toFixed(1)} samples/s\n`);
    }
  }
  endEpoch(line: string): void {
    this.write(`${line}\n`);
  }
  log(line: string): void {
    this.write(`${line}\n`);
  }
  stop(): void {}
}

/** Silent sink (tests). */
export class NoProgress implements ProgressSink {
  startEpoch(): void {}
  step(): void {}
  endEpoch(): void {}
  log(): void {}
  stop(): void {}
}

/** A bar on a TTY, lines every 50 steps otherwise; with `enabled` false, only the epoch and summary lines. */
export function makeProgress(metricName: string, enabled: boolean): ProgressSink {
  if (!enabled) return new LineProgress(metricName);
  return process.stderr.isTTY ? new BarProgress(metricName) : new LineProgress(metricName, undefined, 50);
}
