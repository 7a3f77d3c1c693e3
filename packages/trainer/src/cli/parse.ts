// Flag value parsers: numbers are converted when they look like numbers and
// passed through as strings otherwise, so the zod schema reports the flag,
// the value and what it expected in one place.
export function numberish(v: string): number | string {
  const t = v.trim();
  if (t !== "" && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return Number(t);
  return v;
}

/** Drops undefined values (flags not given) so config-file values and defaults show through. */
export function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
