// Bytes a reader downloads for a first query, measured by running the
// real client code: `gazette-bench run --search` calls this.
//
//   node bench/search-bytes.mjs gazette  PUBLIC_DIR QUERY...
//   node bench/search-bytes.mjs pagefind PUBLIC_DIR QUERY...
//
// Prints one JSON line: { queries: [{ q, index, code, results }] }, where
// `index` is the bytes of index files (manifest, shards, records or
// fragments of the first 20 results) and `code` the bytes of the search
// code (Gazette's ES modules; Pagefind's script and WebAssembly). Each
// query starts from an empty cache, as a first query does.
// Gazette's query code runs in Node, reading the files from disk; Pagefind
// needs a browser: Debian's Chromium through tests/browser's
// playwright-core, over a local static server that counts bytes.

import { readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = 20;
const [engine, dir, ...queries] = process.argv.slice(2);
const root = resolve(dir);

async function gazette() {
  const { SearchIndex } = await import(join(REPO, "themes/default/static/search/query.mjs"));
  const code = ["page.mjs", "query.mjs", "tokenise.mjs", "stem.mjs"]
    .map((f) => statSync(join(root, "search", f)).size)
    .reduce((a, b) => a + b, 0);
  const out = [];
  for (const q of queries) {
    const index = new SearchIndex("/search/index.json", {
      load: (url) => JSON.parse(readFileSync(join(root, url), "utf8")),
    });
    const result = await index.search({ q });
    await index.records(result.ids.slice(0, RESULTS));
    const bytes = index.fetched.map((u) => statSync(join(root, u)).size).reduce((a, b) => a + b, 0);
    out.push({ q, index: bytes, code, results: result.total });
  }
  return out;
}

async function pagefind() {
  const require = createRequire(join(REPO, "tests/browser/package.json"));
  const { chromium } = require("playwright-core");
  let served = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
    try {
      const body = readFileSync(file);
      served.push([path, body.length]);
      const type = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" }[extname(file)];
      res.writeHead(200, type ? { "content-type": type } : {});
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const out = [];
  try {
    for (const q of queries) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${url}/404.html`);
      served = [];
      const results = await page.evaluate(async ({ q, n }) => {
        const pf = await import("/pagefind/pagefind.js");
        await pf.init();
        const search = await pf.search(q);
        await Promise.all(search.results.slice(0, n).map((r) => r.data()));
        return search.results.length;
      }, { q, n: RESULTS });
      const isCode = (p) => /\.(js|wasm)$|wasm\./.test(p);
      const sum = (f) => served.filter(([p]) => f(p)).reduce((a, [, n]) => a + n, 0);
      out.push({ q, index: sum((p) => !isCode(p)), code: sum(isCode), results });
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  return out;
}

const queriesOut = engine === "pagefind" ? await pagefind() : await gazette();
console.log(JSON.stringify({ queries: queriesOut }));
