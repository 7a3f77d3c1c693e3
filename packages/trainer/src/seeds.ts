// Seeds derived from the run seed: one per epoch for the training data order,
// so a resumed run replays the same order without saving it.
import { Rng } from "@elm/core";

export function epochSeed(seed: number, epoch: number): number {
  return new Rng(seed).fork("data").fork(`epoch ${epoch}`).int(2 ** 31);
}
