// A built-in stand-in for enwik8 so the language-modelling path runs with no
// download: deterministic pseudo-Wikipedia XML in enwik8's layout
// (<mediawiki><page><title>…</title><id>…</id><revision>…<text>…</text>
// </revision></page>…), with the structure a byte-level model has to carry
// over long spans: nested XML tags that close in order, [[links|…]] and
// {{templates|…}} that close their brackets (templates nest), '''bold'''
// that closes, "== headings ==" whose closing run of "=" matches the
// opening, page and revision ids that increase, the page title repeated as
// the first words of its text and again in later sentences, links to the
// titles of earlier pages, categories drawn from a small recurring set,
// XML entities (&quot; &amp; &lt;) and some multi-byte UTF-8. Words come from
// a seeded pseudo-lexicon with Zipf frequencies. Generated on the fly
// (≈ 10–50 ms for the default 400 KB); the same seed and options give the
// same bytes (SYNTHETIC_TEXT_VERSION changes when the output does).
import { DataRng } from "../rng.js";

export const SYNTHETIC_TEXT_VERSION = 1;

export interface SyntheticTextOptions {
  /** Exact length in bytes (default 400,000); the last page is cut off like enwik8's. */
  bytes?: number;
  seed?: number;
  /** Distinct words in the lexicon (default 3000). */
  vocabulary?: number;
}

export const SYNTHETIC_TEXT_DEFAULTS: Required<SyntheticTextOptions> = Object.freeze({ bytes: 400_000, seed: 0, vocabulary: 3000 });

const ONSETS = ["", "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "ch", "st", "tr", "th", "pl", "gr", "sh"];
const VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "a", "e", "io", "ea", "ou", "ai", "ie", "u", "y", "é", "ö"];
const CODAS = ["", "", "", "n", "r", "s", "l", "t", "m", "nd", "rk", "st", "x"];
const FUNCTION_WORDS = ["the", "of", "and", "in", "a", "to", "is", "was", "for", "as", "by", "with", "from", "on", "that", "which", "an", "at"];

class Zipf {
  private cdf: Float64Array;
  constructor(n: number, s = 1.05) {
    this.cdf = new Float64Array(n);
    let acc = 0;
    for (let r = 0; r < n; r++) { acc += 1 / Math.pow(r + 1, s); this.cdf[r] = acc; }
    for (let r = 0; r < n; r++) this.cdf[r] /= acc;
  }
  draw(rng: DataRng): number {
    const u = rng.uniform();
    let lo = 0, hi = this.cdf.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.cdf[mid] < u) lo = mid + 1; else hi = mid; }
    return lo;
  }
}

export function resolveSyntheticTextOptions(o: SyntheticTextOptions = {}): Required<SyntheticTextOptions> {
  const r = { ...SYNTHETIC_TEXT_DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as Required<SyntheticTextOptions>;
  if (!Number.isInteger(r.bytes) || r.bytes < 2) throw new RangeError(`synthetic text bytes must be an integer ≥ 2, got ${r.bytes}`);
  if (r.bytes > 1e9) throw new RangeError(`synthetic text bytes must be ≤ 1e9, got ${r.bytes}`);
  if (!Number.isFinite(r.seed)) throw new RangeError(`seed must be a finite number, got ${r.seed}`);
  if (!Number.isInteger(r.vocabulary) || r.vocabulary < 50) throw new RangeError(`vocabulary must be an integer ≥ 50, got ${r.vocabulary}`);
  return r;
}

const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

/** `bytes` bytes of pseudo-Wikipedia XML (UTF-8), the same for the same options. */
export function generateSyntheticText(opts: SyntheticTextOptions = {}): Uint8Array {
  const o = resolveSyntheticTextOptions(opts);
  const rng = new DataRng(o.seed);
  const pick = <T>(a: readonly T[]): T => a[rng.int(a.length)];

  // lexicon: distinct pseudo-words, ranked (rank 0 most frequent); function words on top
  const seen = new Set<string>(FUNCTION_WORDS);
  const lexicon: string[] = [...FUNCTION_WORDS];
  while (lexicon.length < o.vocabulary) {
    const syll = 1 + rng.int(3);
    let w = "";
    for (let i = 0; i < syll; i++) w += pick(ONSETS) + pick(VOWELS) + pick(CODAS);
    if (w.length >= 2 && !seen.has(w)) { seen.add(w); lexicon.push(w); }
  }
  const zipf = new Zipf(lexicon.length);
  const word = (): string => lexicon[zipf.draw(rng)];
  const content = (): string => lexicon[FUNCTION_WORDS.length + rng.int(lexicon.length - FUNCTION_WORDS.length)];
  const categories = Array.from({ length: 24 }, () => cap(content()) + " " + content());
  const users = Array.from({ length: 40 }, () => cap(content()) + (rng.uniform() < 0.5 ? String(rng.int(100)) : ""));
  const titles: string[] = [];

  const out: string[] = [];
  let length = 0; // UTF-16 code units written; bytes ≥ this, so generation stops well past o.bytes
  const emit = (s: string): void => { out.push(s); length += s.length; };

  const link = (): string => {
    const target = titles.length > 0 && rng.uniform() < 0.6 ? titles[titles.length - 1 - rng.int(Math.min(titles.length, 50))] : cap(content());
    return rng.uniform() < 0.4 ? `[[${target}|${word()} ${content()}]]` : `[[${target}]]`;
  };
  const template = (depth: number): string => {
    const name = pick(["cite", "lang", "convert", "main", "citation needed", "nowrap"]);
    const args: string[] = [];
    const n = rng.int(3);
    for (let i = 0; i < n; i++) {
      const v = depth < 2 && rng.uniform() < 0.25 ? template(depth + 1) : rng.uniform() < 0.3 ? String(1800 + rng.int(220)) : content();
      args.push(rng.uniform() < 0.5 ? `${pick(["title", "year", "url", "author", "first"])}=${v}` : v);
    }
    return `{{${name}${args.map((a) => "|" + a).join("")}}}`;
  };
  const sentence = (title: string): string => {
    const n = 5 + rng.int(16);
    const parts: string[] = [];
    let open = 0; // parentheses to close before the full stop
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (u < 0.07) parts.push(link());
      else if (u < 0.09) parts.push(`'''${content()}'''`);
      else if (u < 0.11) parts.push(`''${content()}''`);
      else if (u < 0.13) parts.push(String(1000 + rng.int(1020)));
      else if (u < 0.145) parts.push(`&quot;${word()} ${content()}&quot;`);
      else if (u < 0.15) parts.push(`${content()} &amp; ${content()}`);
      else if (u < 0.16 && open === 0) { parts.push("(" + word()); open++; }
      else if (u < 0.18) parts.push(title);
      else parts.push(word());
      if (open > 0 && rng.uniform() < 0.2) { parts[parts.length - 1] += ")"; open--; }
      if (rng.uniform() < 0.06) parts[parts.length - 1] += ",";
    }
    if (open > 0) parts[parts.length - 1] += ")";
    parts[parts.length - 1] = parts[parts.length - 1].replace(/,$/, "");
    parts[0] = cap(parts[0]);
    return parts.join(" ") + (rng.uniform() < 0.05 ? " " + template(0) : "") + ".";
  };

  emit(`<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.3/" version="0.3" xml:lang="en">\n`);
  emit(`  <siteinfo>\n    <sitename>Synthipedia</sitename>\n    <base>http://en.synthipedia.org/wiki/Main_Page</base>\n    <generator>elm synthetic text v${SYNTHETIC_TEXT_VERSION}</generator>\n    <case>first-letter</case>\n  </siteinfo>\n`);
  let pageId = 1 + rng.int(20);
  let revId = 15_000_000 + rng.int(1_000_000);
  let time = Date.UTC(2001, 0, 1) / 1000 + rng.int(1e8);
  while (length < o.bytes) {
    const nw = 1 + rng.int(3);
    const title = Array.from({ length: nw }, () => cap(content())).join(" ");
    pageId += 1 + rng.int(30);
    revId += 1 + rng.int(5000);
    time += rng.int(3e6);
    const stamp = new Date(time * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    emit(`  <page>\n    <title>${title}</title>\n    <id>${pageId}</id>\n    <revision>\n      <id>${revId}</id>\n      <timestamp>${stamp}</timestamp>\n      <contributor>\n`);
    if (rng.uniform() < 0.2) emit(`        <ip>${10 + rng.int(200)}.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}</ip>\n`);
    else emit(`        <username>${pick(users)}</username>\n        <id>${1 + rng.int(500000)}</id>\n`);
    emit(`      </contributor>\n`);
    if (rng.uniform() < 0.3) emit(`      <comment>/* ${cap(content())} */ ${word()} ${content()}</comment>\n`);
    emit(`      <text xml:space="preserve">`);
    if (rng.uniform() < 0.1) {
      emit(`#REDIRECT ${link()}</text>\n    </revision>\n  </page>\n`); // redirect pages, as in enwik8
      titles.push(title);
      continue;
    }
    if (rng.uniform() < 0.3) emit(`{{Infobox ${content()}\n| name = ${title}\n| ${content()} = ${word()} ${content()}\n| year = ${1500 + rng.int(500)}\n}}\n`);
    emit(`'''${title}''' is ${pick(["a", "an", "the"])} ${word()} ${content()} ${sentence(title).slice(0, -1)}.`);
    const sections = rng.int(4);
    const paragraphs = (k: number): void => {
      for (let p = 0; p < k; p++) {
        const ns = 1 + rng.int(5);
        const s: string[] = [];
        for (let i = 0; i < ns; i++) s.push(sentence(title));
        emit(s.join(" ") + "\n\n");
      }
    };
    emit(" ");
    paragraphs(1 + rng.int(2));
    for (let sec = 0; sec < sections; sec++) {
      const eq = "=".repeat(2 + (sec > 0 && rng.uniform() < 0.3 ? 1 : 0));
      emit(`${eq} ${cap(content())}${rng.uniform() < 0.4 ? " " + content() : ""} ${eq}\n`);
      if (rng.uniform() < 0.3) {
        const ni = 2 + rng.int(4);
        for (let i = 0; i < ni; i++) emit(`* ${rng.uniform() < 0.5 ? link() : cap(word())} ${content()} ${word()}\n`);
        emit("\n");
      } else {
        paragraphs(1 + rng.int(3));
      }
    }
    if (rng.uniform() < 0.2) emit(`&lt;ref&gt;${template(0)}&lt;/ref&gt;\n\n`);
    const nc = 1 + rng.int(3);
    for (let i = 0; i < nc; i++) emit(`[[Category:${pick(categories)}]]\n`);
    emit(`</text>\n    </revision>\n  </page>\n`);
    titles.push(title);
  }
  const all = new TextEncoder().encode(out.join(""));
  return all.slice(0, o.bytes);
}
