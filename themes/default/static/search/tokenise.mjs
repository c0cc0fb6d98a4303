// Text → search terms: the same algorithm as the index's Rust side
// (src/render/search/tokenise.rs, which documents it); both are tested on
// tests/fixtures/search-tokens.json so they cannot drift apart.

import { stem } from "./stem.mjs";

/** Longest word (in characters) that is a term. */
export const MAX_CHARS = 40;

// The combining accents folding drops (the Rust side's `is_accent`).
const ACCENTS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
const WORD = /[\p{Alphabetic}\p{N}]/u;
const JOINERS = "-._";

/** NFKD, combining accents dropped, lowercase. */
export function fold(text) {
  return String(text).normalize("NFKD").replace(ACCENTS, "").toLowerCase();
}

const length = (s) => [...s].length;

/**
 * The groups of folded text: `{ words, whole, start, end }`, where
 * `whole` is the group kept whole (several words and a digit: `gpt-4`) or
 * null, and start/end are UTF-16 offsets into the folded text.
 */
export function groups(folded) {
  const out = [];
  const chars = [...folded];
  let offset = 0; // UTF-16 offset of chars[i]
  let i = 0;
  const isWord = (c) => c !== undefined && WORD.test(c);
  while (i < chars.length) {
    if (!isWord(chars[i])) {
      offset += chars[i].length;
      i++;
      continue;
    }
    const start = offset;
    const words = [];
    for (;;) {
      let word = "";
      while (i < chars.length && isWord(chars[i])) {
        word += chars[i];
        offset += chars[i].length;
        i++;
      }
      words.push(word);
      if (i + 1 < chars.length && JOINERS.includes(chars[i]) && isWord(chars[i + 1])) {
        offset += chars[i].length;
        i++;
        continue;
      }
      break;
    }
    const text = folded.slice(start, offset);
    const whole = words.length > 1 && /\p{N}/u.test(text) ? text : null;
    out.push({
      words: words.filter((w) => length(w) <= MAX_CHARS),
      whole: whole !== null && length(whole) <= MAX_CHARS ? whole : null,
      start,
      end: offset,
    });
  }
  return out;
}

/** The term a folded word stands for: stemmed when it is ASCII letters only. */
export function term(word) {
  return /^[a-z]+$/.test(word) ? stem(word) : word;
}

/** The terms of `text` in order: what the index holds and the query looks up. */
export function tokens(text) {
  const out = [];
  for (const g of groups(fold(text))) {
    for (const w of g.words) out.push(term(w));
    if (g.whole) out.push(g.whole);
  }
  return out;
}
