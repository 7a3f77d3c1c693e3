// Field checks shared by every model configuration: each error names the
// field, its value and what was expected.
import { ConfigError } from "../errors.js";

const show = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : String(v));

export function posInt(where: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new ConfigError(`${where}: ${name} must be a positive integer, got ${show(v)}`);
  }
  return v;
}

export function nonNegInt(where: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new ConfigError(`${where}: ${name} must be a non-negative integer, got ${show(v)}`);
  }
  return v;
}

export function posNum(where: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new ConfigError(`${where}: ${name} must be a finite number > 0, got ${show(v)}`);
  }
  return v;
}

export function finiteNum(where: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ConfigError(`${where}: ${name} must be a finite number, got ${show(v)}`);
  return v;
}

export function oneOf<T extends string | null>(where: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) {
    throw new ConfigError(`${where}: ${name} must be one of ${allowed.map((a) => show(a)).join(", ")}, got ${show(v)}`);
  }
  return v as T;
}

export function bool(where: string, name: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new ConfigError(`${where}: ${name} must be true or false, got ${show(v)}`);
  return v;
}

/** snake_case of a camelCase key (`numInput` → `num_input`); snake keys pass through. */
export function snakeKey(k: string): string {
  return k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The config with camelCase keys mapped to the authors' snake_case names;
 * refuses keys it does not know (a typo would otherwise be silently ignored)
 * and the same field given twice.
 */
export function normalizeKeys(where: string, cfg: unknown, known: readonly string[]): Record<string, unknown> {
  if (cfg === null || typeof cfg !== "object" || Array.isArray(cfg)) {
    throw new ConfigError(`${where}: config must be an object, got ${cfg === null ? "null" : Array.isArray(cfg) ? "an array" : typeof cfg}`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg as Record<string, unknown>)) {
    const s = snakeKey(k);
    if (!known.includes(s)) throw new ConfigError(`${where}: unknown config field '${k}'; known fields: ${known.join(", ")}`);
    if (s in out) throw new ConfigError(`${where}: config field '${s}' is given twice (as '${k}' and in another spelling)`);
    if (v !== undefined) out[s] = v;
  }
  return out;
}
