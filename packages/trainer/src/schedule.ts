// Learning-rate schedules as pure functions of the step index (0-based), so a
// resumed run recomputes the same rate from the saved step.
//   warm-up (t < W):   lr = base·(t+1)/W
//   cosine  (t ≥ W):   lr = minLr + (base − minLr)·(1 + cos(π·(t−W)/(S−W)))/2   (PyTorch CosineAnnealingLR)
//   constant:          lr = base

export type ScheduleName = "cosine" | "constant";
export const SCHEDULES = ["cosine", "constant"] as const;

export interface ScheduleConfig {
  kind: ScheduleName;
  baseLr: number;
  totalSteps: number;
  warmupSteps?: number;
  minLr?: number;
}

export type LrSchedule = (step: number) => number;

export function makeSchedule(c: ScheduleConfig): LrSchedule {
  const warm = c.warmupSteps ?? 0;
  const minLr = c.minLr ?? 0;
  const base = c.baseLr;
  if (!(Number.isInteger(c.totalSteps) && c.totalSteps > 0)) throw new RangeError(`schedule: totalSteps must be a positive integer, got ${c.totalSteps}`);
  if (!(Number.isInteger(warm) && warm >= 0)) throw new RangeError(`schedule: warmupSteps must be an integer ≥ 0, got ${warm}`);
  if (warm >= c.totalSteps && c.kind === "cosine") {
    throw new RangeError(`schedule: warmupSteps (${warm}) must be below totalSteps (${c.totalSteps})`);
  }
  return (t: number) => {
    if (t < warm) return (base * (t + 1)) / warm;
    if (c.kind === "constant") return base;
    const span = c.totalSteps - warm;
    const u = Math.min(t - warm, span) / span;
    return minLr + ((base - minLr) * (1 + Math.cos(Math.PI * u))) / 2;
  };
}
