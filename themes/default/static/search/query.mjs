// Gazette's search: reads the chunked index `gazette build` writes under
// /search/ (format: docs/search.md) and answers queries. No DOM here: the
// search page (page.mjs) and the tests (Node) both use it.
//
// A query loads the manifest once, then only the shards its words need:
// the term shard holding each word, the record shards of the results shown.
// Every file is fetched at most once (the promise is kept), however fast
// the person types.

import { fold, groups, term } from "./tokenise.mjs";

/** The manifest format this reader knows. */
export const FORMAT = 1;
/** Words of a query that are searched; the rest are ignored (and said so). */
export const MAX_WORDS = 10;
/** Characters a last word needs before it also matches as a prefix. */
export const PREFIX_MIN = 3;
/** Most terms one prefix expands to (the most frequent are kept). */
export const PREFIX_TERMS = 200;
/** A word matched only as a prefix counts this much of an exact match. */
export const PREFIX_WEIGHT = 0.5;

/** A shard that is missing or not what it should be (deploy in progress). */
export class IndexError extends Error {}

/**
 * The words of a query: `{ term, prefix, text }` each, where `term` is
 * the exact term to look up, and `prefix` (the folded word) is set on the
 * last word when it may match as a prefix (typed without a space after
 * it, outside quotes, at least PREFIX_MIN characters). Words in quotes are
 * exact. Returns `{ words, dropped }` (`dropped`: words past MAX_WORDS).
 */
export function parseQuery(q, { prefix = true } = {}) {
  const text = String(q ?? "");
  const words = [];
  // Quoted stretches alternate with plain ones; an unmatched quote quotes
  // the rest.
  const parts = text.split(/["“”„]/);
  parts.forEach((part, i) => {
    const quoted = i % 2 === 1;
    const folded = fold(part);
    for (const g of groups(folded)) {
      const items = g.whole ? [g.whole] : g.words;
      const last = i === parts.length - 1 && g.end === folded.length;
      items.forEach((w, k) => {
        words.push({
          term: g.whole ? w : term(w),
          text: w,
          prefix: null,
          quoted,
          atEnd: last && k === items.length - 1,
        });
      });
    }
  });
  const kept = words.slice(0, MAX_WORDS);
  const final = kept[kept.length - 1];
  if (prefix && final && final.atEnd && !final.quoted && [...final.text].length >= PREFIX_MIN) {
    final.prefix = final.text;
  }
  return {
    words: kept.map(({ term, text, prefix }) => ({ term, text, prefix })),
    dropped: words.length - kept.length,
  };
}

// ---- The posting lists' encoding (src/render/search/encode.rs) ----------

const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) VALUE[DIGITS.charCodeAt(i)] = i;

/** The numbers of an encoded string. */
export function decodeNumbers(text) {
  const out = [];
  let v = 0;
  let scale = 1;
  for (let i = 0; i < text.length; i++) {
    const d = VALUE[text.charCodeAt(i)];
    if (d === undefined || d < 0) throw new IndexError("a shard holds a malformed number");
    v += (d % 32) * scale;
    if (d < 32) {
      out.push(v);
      v = 0;
      scale = 1;
    } else {
      scale *= 32;
    }
  }
  return out;
}

/** A posting list → `[ids, levels]` (ascending ids). */
export function decodePostings(text, levels) {
  const numbers = decodeNumbers(text);
  const ids = new Int32Array(numbers.length);
  const weights = new Uint8Array(numbers.length);
  let next = 0;
  numbers.forEach((n, i) => {
    const id = next + Math.floor(n / levels);
    ids[i] = id;
    weights[i] = n % levels;
    next = id + 1;
  });
  return [ids, weights];
}

// ---- Keys are ordered by code point, as Rust orders strings -------------

export function compareKeys(a, b) {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The index of the last shard whose first key is at most `key`. */
function shardFor(terms, key) {
  let lo = 0;
  let hi = terms.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (compareKeys(terms[mid][0], key) <= 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// ---- The index ----------------------------------------------------------

/** Fetches and parses JSON from a URL (the browser's way). */
export async function fetchJson(url) {
  let response;
  try {
    response = await fetch(url);
  } catch {
    throw new IndexError(`could not fetch ${url}`);
  }
  if (!response.ok) throw new IndexError(`${url}: HTTP ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new IndexError(`${url} is not valid JSON`);
  }
}

/**
 * The search index at `manifestUrl` (`/search/index.json`). `load(url)`
 * returns a promise of the parsed JSON at a URL (default: fetch).
 */
export class SearchIndex {
  constructor(manifestUrl, { load = fetchJson } = {}) {
    this.base = manifestUrl.slice(0, manifestUrl.lastIndexOf("/") + 1);
    this.manifestUrl = manifestUrl;
    this.load = load;
    this.files = new Map(); // url → promise of JSON
    this.fetched = []; // every URL loaded, in order (for tests and the benchmark)
  }

  /** JSON at `url`, loaded once; a failed load is forgotten so it can be retried. */
  get(url) {
    let promise = this.files.get(url);
    if (!promise) {
      this.fetched.push(url);
      promise = Promise.resolve()
        .then(() => this.load(url))
        .catch((e) => {
          this.files.delete(url);
          throw e instanceof IndexError ? e : new IndexError(`${url}: ${e?.message ?? e}`);
        });
      this.files.set(url, promise);
    }
    return promise;
  }

  async manifest() {
    const m = await this.get(this.manifestUrl);
    if (!m || m.format !== FORMAT || !Array.isArray(m.terms) || !m.records) {
      throw new IndexError("the search index is of another format; reload the page");
    }
    return m;
  }

  shardUrl(kind, name) {
    return `${this.base}${kind}/${name}.json`;
  }

  async termShard(m, i) {
    const shard = await this.get(this.shardUrl("t", m.terms[i][1]));
    if (!shard || !Array.isArray(shard.t) || !Array.isArray(shard.w)) {
      throw new IndexError("a term shard is malformed");
    }
    return shard;
  }

  /** A term's postings `[idf, ids, levels]`, or null when no document has it. */
  async postings(m, key) {
    const shard = await this.termShard(m, shardFor(m.terms, key));
    const entry = shard.t.find((e) => e[0] === key);
    if (!entry) return null;
    const [ids, levels] = decodePostings(entry[2], m.levels);
    return [entry[1] / 100, ids, levels];
  }

  /** The terms that words or terms starting with `prefix` stand for. */
  async expand(m, prefix) {
    const found = new Map(); // term → true
    const start = shardFor(m.terms, prefix);
    for (let i = start; i < m.terms.length; i++) {
      // Shard i holds keys from its first key to the next shard's.
      if (i > start && !m.terms[i][0].startsWith(prefix)) break;
      const shard = await this.termShard(m, i);
      for (const [key] of shard.t) if (key.startsWith(prefix)) found.set(key, true);
      for (const [key, t] of shard.w) if (key.startsWith(prefix)) found.set(t, true);
    }
    return [...found.keys()];
  }

  /** id → score of one query word. */
  async wordScores(m, word) {
    const scores = new Map();
    const add = (list, weight) => {
      if (!list) return;
      const [idf, ids, levels] = list;
      for (let i = 0; i < ids.length; i++) {
        const s = idf * weight * ((levels[i] + 0.5) / m.levels);
        if (!(scores.get(ids[i]) >= s)) scores.set(ids[i], s);
      }
    };
    add(await this.postings(m, word.term), 1);
    if (word.prefix) {
      let terms = (await this.expand(m, word.prefix)).filter((t) => t !== word.term);
      const lists = await Promise.all(terms.map((t) => this.postings(m, t)));
      let pairs = terms.map((t, i) => [t, lists[i]]).filter(([, l]) => l);
      if (pairs.length > PREFIX_TERMS) {
        pairs.sort((a, b) => b[1][1].length - a[1][1].length);
        pairs = pairs.slice(0, PREFIX_TERMS);
      }
      for (const [, list] of pairs) add(list, PREFIX_WEIGHT);
    }
    return scores;
  }

  async facet(m, key) {
    const list = await this.postings(m, key);
    return new Set(list ? list[1] : []);
  }

  async upvotes(m) {
    return decodeNumbers(await this.get(this.shardUrl("u", m.upvotes)));
  }

  /** Every organization: `[name, slug, papers]`, most papers first. */
  async orgs() {
    const m = await this.manifest();
    return this.get(this.shardUrl("o", m.orgs));
  }

  /**
   * Runs a query: `{ q, tag, year, org, sort, prefix }` (tag and org are
   * slugs, sort is "", "date" or "upvotes"). Returns `{ total, ids,
   * words, dropped }`: every matching id in order, and the query's words
   * (for highlighting). Every word must match (AND).
   */
  async search({ q = "", tag = "", year = "", org = "", sort = "", prefix = true } = {}) {
    const m = await this.manifest();
    const { words, dropped } = parseQuery(q, { prefix });
    const filtered = Boolean(tag || year || org);
    if (words.length === 0 && !(filtered && String(q).trim() === "")) {
      return { total: 0, ids: [], words, dropped };
    }
    const [perWord, tags, orgs] = await Promise.all([
      Promise.all(words.map((w) => this.wordScores(m, w))),
      tag ? this.facet(m, `#${tag}`) : null,
      org ? this.facet(m, `@${org}`) : null,
    ]);
    let range = null;
    if (year) {
      const y = (m.years || []).find((e) => String(e[0]) === String(year));
      range = y ? [y[1], y[2]] : [0, 0];
    }
    const keep = (id) =>
      (!tags || tags.has(id)) && (!orgs || orgs.has(id)) && (!range || (id >= range[0] && id < range[1]));

    let scored;
    if (perWord.length === 0) {
      // Filters alone: every paper they keep.
      const from = range ? range[0] : 0;
      const to = range ? range[1] : m.papers;
      scored = [];
      for (let id = from; id < to; id++) if (keep(id)) scored.push([id, 0]);
    } else {
      perWord.sort((a, b) => a.size - b.size);
      const [first, ...rest] = perWord;
      scored = [];
      for (const [id, s] of first) {
        if (!keep(id)) continue;
        let total = s;
        let all = true;
        for (const other of rest) {
          const o = other.get(id);
          if (o === undefined) {
            all = false;
            break;
          }
          total += o;
        }
        if (all) scored.push([id, total]);
      }
    }
    if (sort === "upvotes") {
      const votes = await this.upvotes(m);
      scored.sort((a, b) => (votes[b[0]] ?? 0) - (votes[a[0]] ?? 0) || a[0] - b[0]);
    } else if (sort === "date" || perWord.length === 0) {
      scored.sort((a, b) => a[0] - b[0]);
    } else {
      // Ties newest first: ids are in date order.
      scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    }
    return { total: scored.length, ids: scored.map((e) => e[0]), words, dropped };
  }

  /**
   * The records of these ids, in the same order: `{ id, title, url, date,
   * org, upvotes, tags, excerpt }` each.
   */
  async records(ids) {
    const m = await this.manifest();
    const { per, per_block: perBlock, blocks } = m.records;
    return Promise.all(
      ids.map(async (id) => {
        const shard = Math.floor(id / per);
        const block = blocks[Math.floor(shard / perBlock)];
        if (block === undefined) throw new IndexError(`no record for result ${id}`);
        const records = await this.get(`${this.base}r/${block}/${shard % perBlock}.json`);
        const r = Array.isArray(records) ? records[id % per] : undefined;
        if (!Array.isArray(r)) throw new IndexError("a record shard is malformed");
        const [title, url, date, org, upvotes, tags, excerpt] = r;
        return { id, title, url, date, org, upvotes, tags: tags || [], excerpt };
      }),
    );
  }
}

/**
 * `text` cut into `{ text, mark }` pieces: `mark` is true on each word
 * group the query's words match (exact term, or the prefix of the last
 * word). The caller shows the pieces as text, never as HTML.
 */
export function highlight(text, words) {
  const source = String(text ?? "");
  const pieces = [];
  if (!words.length) return source ? [{ text: source, mark: false }] : [];
  const terms = new Set(words.map((w) => w.term));
  const prefixes = words.map((w) => w.prefix).filter(Boolean);
  const matches = (folded) =>
    groups(folded).some((g) =>
      [...g.words, ...(g.whole ? [g.whole] : [])].some(
        (w) => terms.has(g.whole === w ? w : term(w)) || prefixes.some((p) => w.startsWith(p)),
      ),
    );
  const WORDS = /[\p{Alphabetic}\p{N}\p{M}]+(?:[-._][\p{Alphabetic}\p{N}\p{M}]+)*/gu;
  let at = 0;
  for (const m of source.matchAll(WORDS)) {
    if (!matches(fold(m[0]))) continue;
    if (m.index > at) pieces.push({ text: source.slice(at, m.index), mark: false });
    pieces.push({ text: m[0], mark: true });
    at = m.index + m[0].length;
  }
  if (at < source.length) pieces.push({ text: source.slice(at), mark: false });
  return pieces;
}
