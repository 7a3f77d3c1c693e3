// NaN propagates as in PyTorch: relu(NaN) = NaN and torch.maximum / torch.minimum
// return a NaN operand, so a NaN in the data or the parameters shows in the loss
// instead of being turned into a finite number. relu's gradient passes at NaN
// (PyTorch's threshold_backward: zero only where the output is ≤ 0).
import { describe, expect, it } from "vitest";
import { Tensor, maximum, minimum, relu, sum } from "../src/index.js";
import { testDevices } from "../src/testing.js";

const nanIdx = (t: Tensor) => Array.from(t.data, (v, i) => (Number.isNaN(v) ? i : -1)).filter((i) => i >= 0);

for (const device of testDevices()) {
  for (const dtype of ["float32", "float64"] as const) {
    describe(`NaN on ${device}, ${dtype}`, () => {
      const x = () => Tensor.fromArray([NaN, -1, -0, 0, 2], [5], { dtype, device, requiresGrad: true });
      it("relu(NaN) = NaN; negatives and ±0 give +0", () => {
        const y = relu(x());
        expect(nanIdx(y)).toEqual([0]);
        expect(Array.from(y.data).slice(1)).toEqual([0, 0, 0, 2]);
        expect(Object.is(y.data[2], 0)).toBe(true); // relu(−0) = +0
      });
      it("relu's gradient is 1 at NaN and x > 0, 0 at x ≤ 0", () => {
        const xt = x();
        sum(relu(xt)).backward();
        expect(Array.from(xt.grad!.data)).toEqual([1, 0, 0, 0, 1]);
      });
      it("maximum and minimum return a NaN operand, on either side", () => {
        const a = Tensor.fromArray([NaN, 1, NaN, 3], [4], { dtype, device });
        const b = Tensor.fromArray([0, NaN, NaN, 2], [4], { dtype, device });
        for (const f of [maximum, minimum]) {
          expect(nanIdx(f(a, b))).toEqual([0, 1, 2]);
          expect(nanIdx(f(b, a))).toEqual([0, 1, 2]);
        }
        expect(maximum(a, b).data[3]).toBe(3);
        expect(minimum(a, b).data[3]).toBe(2);
      });
    });
  }
}
