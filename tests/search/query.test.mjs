// The search page's query code (themes/default/static/search/query.mjs),
// run in Node against the index `gazette build` writes for the sample
// site: recall is exact (every paper whose indexed text has the word, and
// no other), ranking, filters, sort, prefixes, hostile queries, and a
// broken shard.

import assert from "node:assert/strict";
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";

import { buildSampleSite } from "../browser/harness.mjs";
import { IndexError, SearchIndex, highlight, parseQuery } from "../../themes/default/static/search/query.mjs";
import { fold, term } from "../../themes/default/static/search/tokenise.mjs";

let site, publicDir, papers;
const NOTE = "My notes: compare with the Zyzzogeton-7 results.";
const NOTED = "stelocoder-a-decoder-only-llm-for-multi-language-to-python-code-translation";

before(() => {
  site = buildSampleSite([], (root) => appendFileSync(join(root, "content/papers", `${NOTED}.md`), `\n${NOTE}\n`));
  publicDir = join(site, "public");
  // papers.json is an index naming a chunk per month (docs/papers-json.md).
  const index = JSON.parse(readFileSync(join(publicDir, "papers.json"), "utf8"));
  const facts = index.chunks.flatMap((c) => JSON.parse(readFileSync(join(publicDir, new URL(c.url).pathname), "utf8")));
  papers = facts.map((p) => {
    const page = readFileSync(join(site, "content/papers", `${p.slug}.md`), "utf8");
    const body = page.split(/^\+\+\+$/m).slice(2).join("+++");
    return {
      url: new URL(index.paper_url.replace("{slug}", p.slug)).pathname,
      text: [p.title, p.abstract, p.organization ?? "", (p.tags ?? []).join(" "), body].join("\n"),
    };
  });
});

/** An index reading the built site's files, counting what it loads. */
function open(dir = publicDir) {
  return new SearchIndex("/search/index.json", {
    load: (url) => JSON.parse(readFileSync(join(dir, url), "utf8")),
  });
}

const WORD = "[\\p{Alphabetic}\\p{N}]";
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The brute-force scan: whether folded `text` has the query word. A plain
 * word: some run of letters and digits with the same term (stem). An
 * identifier (`gpt-4`): the identifier, not part of a longer one.
 */
function has(text, word) {
  const folded = fold(text);
  if (/[-._]/.test(word.text)) {
    const re = new RegExp(
      `(?<!${WORD})(?<!${WORD}[-._])${escape(word.text)}(?!${WORD})(?![-._]${WORD})`,
      "u",
    );
    return re.test(folded);
  }
  const runs = folded.match(new RegExp(`${WORD}+`, "gu")) ?? [];
  return runs.some((r) => r.length <= 40 && term(r) === word.term);
}

async function urlsOf(index, ids) {
  return (await index.records(ids)).map((r) => r.url);
}

const RECALL = [
  "imagenet",
  "speech",
  "kv cache",
  "Rozière",
  "100",
  "gpt-4",
  "llama-2",
  "3d",
  "int8",
  "benchmark",
  "models",
  "zyzzogeton-7",
];

for (const q of RECALL) {
  test(`recall is exact: "${q}" returns exactly the papers whose text has it`, async () => {
    const index = open();
    const { words } = parseQuery(q, { prefix: false });
    assert.ok(words.length > 0);
    const expected = papers
      .filter((p) => words.every((w) => has(p.text, w)))
      .map((p) => p.url)
      .sort();
    const result = await index.search({ q, prefix: false });
    const found = (await urlsOf(index, result.ids)).filter((u) => u.includes("/papers/")).sort();
    assert.deepEqual(found, expected);
    assert.ok(expected.length > 0, `${q} is in the sample site`);
  });
}

test("imagenet finds the 33 papers that mention ImageNet", async () => {
  const result = await open().search({ q: "imagenet", prefix: false });
  assert.equal(result.total, 33);
});

test("the person's notes are found, and only on their paper", async () => {
  const index = open();
  const result = await index.search({ q: "Zyzzogeton-7" });
  assert.deepEqual(await urlsOf(index, result.ids), [`/papers/${NOTED}/`]);
});

test("a free page is found too", async () => {
  const index = open();
  const result = await index.search({ q: "overwrites what you wrote" });
  assert.ok((await urlsOf(index, result.ids)).includes("/about/"));
});

test("the last word matches as a prefix while typing: quant finds quantization", async () => {
  const index = open();
  const typing = await index.search({ q: "quant" });
  const exact = await index.search({ q: "quantization", prefix: false });
  assert.ok(typing.total >= exact.total && exact.total > 0, `${typing.total} vs ${exact.total}`);
  const shown = new Set(typing.ids);
  assert.ok(exact.ids.every((id) => shown.has(id)));
  // A space after the word ends it: exact again.
  assert.equal((await index.search({ q: "quant " })).total, (await index.search({ q: "quant", prefix: false })).total);
});

test("a title match ranks above an abstract-only match", async () => {
  const index = open();
  const result = await index.search({ q: "speech", prefix: false });
  const [first] = await index.records(result.ids.slice(0, 1));
  assert.match(first.title, /speech/i);
});

test("filters and sorts keep only matching papers in the asked order", async () => {
  const index = open();
  const all = await index.search({ q: "model" });
  const tagged = await index.search({ q: "model", tag: "speech" });
  assert.ok(tagged.total > 0 && tagged.total < all.total);
  for (const r of await index.records(tagged.ids)) assert.ok(r.tags.includes("speech"), r.title);

  const y2024 = await index.search({ q: "model", year: "2024" });
  for (const r of await index.records(y2024.ids)) assert.ok(r.date.startsWith("2024"), r.date);

  const byDate = await index.records((await index.search({ q: "model", sort: "date" })).ids);
  const dates = byDate.map((r) => r.date ?? "");
  const dated = dates.filter(Boolean);
  assert.deepEqual(dated, [...dated].sort().reverse(), "newest first");

  const byVotes = await index.records((await index.search({ q: "model", sort: "upvotes" })).ids);
  const votes = byVotes.map((r) => r.upvotes);
  assert.deepEqual(votes, [...votes].sort((a, b) => b - a));

  const orgs = await index.orgs();
  assert.ok(orgs.length > 0);
  const [name, slug] = orgs[0];
  const byOrg = await index.records((await index.search({ q: "", org: slug })).ids);
  assert.ok(byOrg.length > 0 && byOrg.every((r) => r.org === name));
});

test("a query loads the manifest, the shards of its words and the records shown, once each", async () => {
  const index = open();
  await index.search({ q: "speech" });
  const before = index.fetched.length;
  assert.ok(before <= 3, index.fetched.join(", "));
  await index.search({ q: "speech" });
  await index.search({ q: "speech" });
  assert.equal(index.fetched.length, before, "nothing is fetched twice");
  const result = await index.search({ q: "speech" });
  await index.records(result.ids.slice(0, 20));
  assert.equal(new Set(index.fetched).size, index.fetched.length);
});

const HOSTILE = [
  "!!! ??? ...",
  "x".repeat(10_000),
  "a ".repeat(5_000),
  ".* (a|b)+ [^x] \\d{3} $^",
  "<img src=x onerror=alert(1)>",
  '"unmatched quote',
  "🙂🙃👍🏽",
  "مرحبا بالعالم",
  "שלום עולם",
];

for (const q of HOSTILE) {
  test(`a hostile query answers without an error: ${JSON.stringify(q.slice(0, 30))}`, async () => {
    const index = open();
    const result = await index.search({ q });
    assert.ok(Number.isInteger(result.total));
    assert.ok(result.words.length <= 10, "at most 10 words are searched");
  });
}

test("punctuation and emoji match nothing", async () => {
  for (const q of ["!!! ??? ...", "🙂🙃👍🏽", "<>"]) assert.equal((await open().search({ q })).total, 0);
});

test("highlighting marks matched words and keeps every character as text", () => {
  const { words } = parseQuery("speech model");
  const pieces = highlight("Speech-to-text <b>models</b> & more", words);
  assert.equal(pieces.map((p) => p.text).join(""), "Speech-to-text <b>models</b> & more");
  assert.deepEqual(pieces.filter((p) => p.mark).map((p) => p.text), ["Speech-to-text", "models"]);
});

test("a missing or corrupt shard is an IndexError, and once it is back the same index works", async () => {
  const pub = join(buildSampleSite(), "public");
  const dir = join(pub, "search/t");
  const saved = readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]);
  for (const [name] of saved) writeFileSync(join(dir, name), "{not json");
  const index = open(pub);
  await assert.rejects(index.search({ q: "speech" }), IndexError);
  for (const [name, bytes] of saved) writeFileSync(join(dir, name), bytes);
  assert.ok((await index.search({ q: "speech" })).total > 0);
});

test("the query side stems every word of the sample site as the index did", () => {
  const dir = join(publicDir, "search/t");
  const wrong = [];
  let checked = 0;
  for (const name of readdirSync(dir)) {
    const shard = JSON.parse(readFileSync(join(dir, name), "utf8"));
    for (const [word, stem] of shard.w) {
      checked++;
      if (term(word) !== stem) wrong.push(`${word}: index ${stem}, query ${term(word)}`);
    }
  }
  assert.ok(checked > 1000, `${checked} words`);
  assert.deepEqual(wrong, []);
});
