// Test helper: the reference fixtures (the authors' PyTorch ELM in float64,
// ../shared/fixtures/reference) and a tolerance check relative to the largest
// expected magnitude.
import { readSharedJsonDir } from "@elm/core/testing";

export interface Arr { shape: number[]; data: number[] }
export interface RefFixture {
  name: string;
  model: "elm_v1" | "branch_elm";
  config: Record<string, unknown>;
  trainable_parameter_count: number;
  params: Record<string, Arr>;
  trainable: string[];
  derived: Record<string, Arr>;
  input: Arr;
  output: Arr;
  upstream_grad: Arr;
  loss: number;
  grads: Record<string, Arr>;
  input_grad: Arr;
}

export function loadRefFixtures(): RefFixture[] {
  return readSharedJsonDir<RefFixture>("reference");
}

/** Throws naming the first element off by more than rel·max|want| (plus rel·|want|). */
export function expectCloseRel(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, what: string): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values, expected ${want.length}`);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= rel * (scale + Math.abs(want[i])) + 1e-300)) {
      throw new Error(`${what}: element ${i} is ${got[i]}, expected ${want[i]} (|err| ${err.toExponential(3)}, allowed ${rel}·${scale.toExponential(3)})`);
    }
  }
}
