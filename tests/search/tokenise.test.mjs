// The query side's tokeniser agrees with the index side's (Rust) on every
// case of the shared fixture, so a word the index holds is a word a query
// finds. (tests/search.rs checks the Rust side on the same file.)

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { REPO } from "../browser/harness.mjs";
import { fold, term, tokens } from "../../themes/default/static/search/tokenise.mjs";

const fixture = JSON.parse(readFileSync(`${REPO}/tests/fixtures/search-tokens.json`, "utf8"));

test("every fixture text folds and tokenises as the Rust side does", () => {
  for (const c of fixture.cases) {
    assert.equal(fold(c.text), c.fold, `fold(${JSON.stringify(c.text)})`);
    assert.deepEqual(tokens(c.text), c.tokens, `tokens(${JSON.stringify(c.text)})`);
  }
});

test("every fixture word stems as the Rust side stems it", () => {
  const wrong = Object.entries(fixture.stems)
    .filter(([word, stem]) => term(word) !== stem)
    .map(([word, stem]) => `${word}: expected ${stem}, got ${term(word)}`);
  assert.deepEqual(wrong, []);
});
