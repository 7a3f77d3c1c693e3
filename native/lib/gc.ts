// A full garbage collection on demand, for tests and benchmarks of the recycled
// output blocks (cpu.allocOutput): a block returns to the addon only after the
// collector has freed its buffer and the event loop has turned.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gcFn: (() => void) | undefined;

/** A full garbage collection (global.gc; exposed at run time when node was started without --expose-gc). */
export function collectGarbage(): void {
  if (!gcFn) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === "function") gcFn = g;
    else {
      setFlagsFromString("--expose-gc");
      gcFn = runInNewContext("gc") as () => void;
    }
  }
  gcFn();
}

/** Collects and lets the event loop turn until `done()`, at most `tries` times; returns done(). */
export async function collectUntil(done: () => boolean, tries = 50): Promise<boolean> {
  for (let i = 0; i < tries && !done(); i++) {
    collectGarbage();
    await new Promise((r) => setTimeout(r, 10));
  }
  return done();
}
