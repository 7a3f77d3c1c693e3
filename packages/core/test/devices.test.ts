import { describe, expect, it } from "vitest";
import { checkGradFiniteDifference, checkOpAcrossDevices, testDevices } from "../src/testing.js";
import { opSpecs } from "./op-specs.js";

describe("every op on every registered device against ref", () => {
  it("tests at least ref and cpu", () => {
    expect(testDevices()).toEqual(expect.arrayContaining(["ref", "cpu"]));
  });
  for (const spec of opSpecs) {
    it(spec.name, () => {
      const reports = checkOpAcrossDevices(spec);
      expect(reports.length).toBeGreaterThan(0);
    });
  }
});

describe("every op's gradient against float64 finite differences", () => {
  for (const spec of opSpecs) {
    it(spec.name, () => {
      expect(checkGradFiniteDifference(spec)).toBeLessThan(1e-4);
    });
  }
});
