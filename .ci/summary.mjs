// Prints "tests: N passed, N failed" from vitest's JSON report; exits 1 when the
// report is missing or counts no test.
import { existsSync, readFileSync } from "node:fs";

const file = process.argv[2] ?? ".ci/vitest-report.json";
if (!existsSync(file)) {
  console.log("tests: 0 passed, 1 failed");
  console.error(`ci: no test report at ${file}`);
  process.exit(1);
}
const r = JSON.parse(readFileSync(file, "utf8"));
const passed = r.numPassedTests ?? 0;
// Suites that failed to load count as failures too.
const failedSuites = (r.testResults ?? []).filter((s) => s.status === "failed" && (s.assertionResults ?? []).length === 0).length;
const failed = (r.numFailedTests ?? 0) + failedSuites;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(passed > 0 && failed === 0 ? 0 : 1);
