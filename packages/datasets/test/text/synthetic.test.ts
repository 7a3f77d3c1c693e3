import { describe, expect, it } from "vitest";
import { generateSyntheticText, loadTextTask, SYNTHETIC_TEXT_DEFAULTS } from "../../src/index.js";

const text = generateSyntheticText({ bytes: 120_000, seed: 4 });
const whole = (() => {
  const s = new TextDecoder().decode(text);
  return s.slice(0, s.lastIndexOf("</page>\n") + 8); // the complete pages
})();

const balanced = (s: string, open: string, close: string): boolean => {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.startsWith(open, i)) { depth++; i++; }
    else if (s.startsWith(close, i)) { depth--; i++; if (depth < 0) return false; }
  }
  return depth === 0;
};

describe("generateSyntheticText", () => {
  it("has exactly the requested length, the same bytes per seed, others for another seed", () => {
    expect(text.length).toBe(120_000);
    expect(generateSyntheticText({ bytes: 120_000, seed: 4 })).toEqual(text);
    expect(generateSyntheticText({ bytes: 120_000, seed: 5 })).not.toEqual(text);
    expect(generateSyntheticText({ bytes: 1000, seed: 4 })).toEqual(text.subarray(0, 1000));
    expect(generateSyntheticText().length).toBe(SYNTHETIC_TEXT_DEFAULTS.bytes);
  });

  it("is enwik8-like XML: valid UTF-8 (some multi-byte), nested tags that close in order", () => {
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(new TextEncoder().encode(whole))).not.toThrow();
    expect(whole.startsWith("<mediawiki xmlns=")).toBe(true);
    expect(new TextEncoder().encode(whole).length).toBeGreaterThan(whole.length); // multi-byte characters present
    const stack: string[] = [];
    let tags = 0;
    for (const m of whole.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
      tags++;
      if (m[1] === "") stack.push(m[2]);
      else expect(stack.pop()).toBe(m[2]);
    }
    expect(stack).toEqual(["mediawiki"]); // cut off inside the dump, as enwik8 is
    expect(tags).toBeGreaterThan(1000);
  });

  it("pages: increasing ids, the title opens its text, brackets, templates, bold and headings close", () => {
    const pages = [...whole.matchAll(/<page>\n {4}<title>(.*)<\/title>\n {4}<id>(\d+)<\/id>\n {4}<revision>\n {6}<id>(\d+)<\/id>[\s\S]*?<text xml:space="preserve">([\s\S]*?)<\/text>/g)];
    expect(pages.length).toBeGreaterThan(30);
    let lastId = 0, lastRev = 0, redirects = 0, backLinks = 0;
    const titles = new Set<string>();
    for (const [, title, id, rev, body] of pages) {
      expect(Number(id)).toBeGreaterThan(lastId);
      expect(Number(rev)).toBeGreaterThan(lastRev);
      lastId = Number(id); lastRev = Number(rev);
      expect(balanced(body, "[[", "]]")).toBe(true);
      expect(balanced(body, "{{", "}}")).toBe(true);
      expect((body.match(/'''/g) ?? []).length % 2).toBe(0);
      for (const h of body.matchAll(/^(=+) .* (=+)$/gm)) expect(h[2]).toBe(h[1]);
      if (body.startsWith("#REDIRECT")) redirects++;
      else expect(body).toContain(`'''${title}''' is `);
      for (const l of body.matchAll(/\[\[([^\]|]+)[\]|]/g)) if (titles.has(l[1])) backLinks++;
      titles.add(title);
    }
    expect(redirects).toBeGreaterThan(0);
    expect(backLinks).toBeGreaterThan(50); // links to earlier pages: long-range copies
  });

  it("rejects bad options", () => {
    expect(() => generateSyntheticText({ bytes: 1 })).toThrow(/bytes must be an integer ≥ 2, got 1/);
    expect(() => generateSyntheticText({ seed: Infinity })).toThrow(/seed must be a finite number/);
    expect(() => generateSyntheticText({ vocabulary: 10 })).toThrow(/vocabulary must be an integer ≥ 50, got 10/);
  });

  it("loadTextTask: synthetic by default, 90 / 5 / 5 split, batches ready", async () => {
    const t = await loadTextTask({ synthetic: { bytes: 50_000, seed: 4 }, seqLen: 64, batchesPerEpoch: 5 });
    expect(t.sizes).toEqual({ train: 45_000, valid: 2_500, test: 2_500 });
    expect(t.train.bytes).toEqual(generateSyntheticText({ bytes: 50_000, seed: 4 }).subarray(0, 45_000));
    expect(t.source).toMatch(/^synthetic text v1 /);
    expect(t.vocabSize).toBe(256);
    const train = [...t.train.batches({ batchSize: 8, shuffle: true, seed: 0 })];
    expect(train.length).toBe(5);
    const evalTokens = [...t.valid!.batches({ batchSize: 8, shuffle: false, seed: 0 })].reduce((s, b) => s + b.tokens, 0);
    expect(evalTokens).toBe(2_499);
    const noValid = await loadTextTask({ synthetic: { bytes: 1000 }, split: { bytes: [900, 0, 100] }, seqLen: 16 });
    expect(noValid.valid).toBeNull();
    await expect(loadTextTask({ task: "wikitext" as never })).rejects.toThrow(/task must be "enwik8"/);
  });
});
