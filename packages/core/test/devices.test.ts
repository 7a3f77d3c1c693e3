import { describe, expect, it } from "vitest";
import { Tensor, add, mul, resolveKernelDevice } from "../src/index.js";
import { checkGradFiniteDifference, checkOpAcrossDevices, testDevices } from "../src/testing.js";
import { opSpecs } from "./op-specs.js";

describe("every op on every registered device against ref", () => {
  it("tests at least ref and cpu", () => {
    expect(testDevices()).toEqual(expect.arrayContaining(["ref", "cpu"]));
  });
  it("cpu runs the heavy ops natively (not via the ref fallback)", () => {
    for (const op of ["matmul", "add", "mul", "exp", "tanh", "sigmoid", "relu", "silu", "sum", "max", "softmax", "logSoftmax", "crossEntropyRows", "crossEntropyRowsGrad"]) {
      expect(resolveKernelDevice(op, "cpu"), op).toBe("cpu");
    }
    expect(resolveKernelDevice("gather", "cpu")).toBe("ref");
  });
  it("cuda registers matmul and the elementwise ops; the rest falls back to cpu, then ref", () => {
    expect(resolveKernelDevice("matmul", "cuda")).toBe("cuda");
    expect(resolveKernelDevice("silu", "cuda")).toBe("cuda");
    expect(resolveKernelDevice("mul", "cuda")).toBe("cuda");
    expect(resolveKernelDevice("softmax", "cuda")).toBe("cpu");
    expect(resolveKernelDevice("gather", "cuda")).toBe("ref");
  });
  it("int32 arithmetic on cpu falls back to exact integer math", () => {
    const a = Tensor.fromArray([7, -3], [2], { dtype: "int32", device: "cpu" });
    expect(add(a, mul(a, a)).toArray()).toEqual([56, 6]);
    expect(add(a, a).device).toBe("cpu");
  });
  for (const spec of opSpecs) {
    it(spec.name, () => {
      const reports = checkOpAcrossDevices(spec);
      expect(reports.length).toBeGreaterThan(0);
    });
  }
});

for (const device of testDevices()) {
  describe(`every op's gradient against float64 finite differences on ${device}`, () => {
    for (const spec of opSpecs) {
      it(spec.name, () => {
        expect(checkGradFiniteDifference(spec, { device })).toBeLessThan(1e-4);
      });
    }
  });
}
