// The shared harness must be able to fail: a wrong cpu kernel and a wrong backward are caught.
import { describe, expect, it } from "vitest";
import { Tensor, registerKernel, runKernel, defineOp, mul, type Device } from "../src/index.js";
import { checkGradFiniteDifference, checkOpAcrossDevices, assertClose } from "../src/testing.js";
import { rand } from "./op-specs.js";

const make = (x: Tensor, k: number, device: Device) => {
  const d = x.data.slice();
  for (let i = 0; i < d.length; i++) d[i] = d[i] * 2 + k;
  return new Tensor(d, x.shape, device);
};
registerKernel({ op: "test.double", device: "ref", fn: ([x], _a, device) => make(x, 0, device) });
registerKernel({ op: "test.double", device: "cpu", fn: ([x], _a, device) => make(x, 1e-3, device) });

describe("shared harness", () => {
  it("catches a cpu kernel that disagrees with ref", () => {
    expect(() =>
      checkOpAcrossDevices({ name: "broken", gradInputs: [], inputs: (r, d) => [rand(r, [3], d)], run: ([x]) => runKernel("test.double", [x], {}) as Tensor }),
    ).toThrow(/broken on cpu \(float32\) output 0: element 0/);
  });
  it("catches a wrong backward by finite differences", () => {
    const wrong = defineOp<null, null>({
      name: "test.wrongGrad",
      forward: ([x]) => ({ outputs: [mul(mul(x, x), 1)], saved: null }),
      backward: ([g], _s, [x]) => [mul(g!, x)], // should be 2x
    });
    expect(() => checkGradFiniteDifference({ name: "wrongGrad", inputs: (r, d) => [rand(r, [4], d)], run: (xs) => wrong(xs, null) })).toThrow(/wrongGrad: d\/d input 0\[0\]/);
  });
  it("assertClose reports the first bad element", () => {
    expect(() => assertClose([1, 2], [1, 2.1], { rtol: 0, atol: 0.01 })).toThrow(/element 1 is 2, expected 2.1/);
  });
});
