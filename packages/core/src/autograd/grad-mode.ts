// Whether ops record onto the tape. noGrad(fn) turns recording off inside fn.
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs fn with gradient recording off (restored afterwards, also on throw). */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs fn with gradient recording on (inside a noGrad scope, for example). */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
