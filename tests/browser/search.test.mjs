// The search page in a real browser, on the built sample site: typing
// shows highlighted results, paging, a filter kept in the URL, a reload
// from the URL, no stale results while typing fast, keyboard use, the
// header box on every page, a broken shard, no JavaScript, and axe in
// light and dark at phone and desktop widths.

import assert from "node:assert/strict";
import { test } from "node:test";

import { axeViolations, haveChromium, servedSampleSite } from "./harness.mjs";

const skip = !haveChromium && "Chromium not installed";
const live = servedSampleSite();

async function newPage(options = {}) {
  const context = await live.browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  return { page, context, problems };
}

const status = (page) => page.locator("#search-status");
const hrefs = (page) => page.locator("#search-results .result h2 a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));

test("results show their dates as the site's pages do", { skip }, async () => {
  const { page, context, problems } = await newPage();
  await page.goto(`${live.server.url}/search/?q=speech`);
  await page.locator("#search-results .result").nth(3).waitFor();
  const metas = await page.locator("#search-results .meta").allTextContents();
  for (const meta of metas) assert.match(meta, /^([A-Z][a-z]{2} \d{1,2}, \d{4}|undated)( · |$)/);
  assert.ok(metas.some((m) => /^[A-Z][a-z]{2} \d/.test(m)), metas.join("\n"));
  assert.deepEqual(problems, []);
  await context.close();
});

test("typing shows highlighted results, more results pages on, a filter goes in the URL and a reload gives the same", { skip }, async () => {
  const { page, context, problems } = await newPage();
  await page.goto(`${live.server.url}/search/`);
  await page.locator("#q").pressSequentially("speech");
  await assert.doesNotReject(status(page).filter({ hasText: /papers match/ }).waitFor());
  const text = await status(page).textContent();
  const total = Number(text.match(/^([\d,]+) papers match/)[1].replace(/,/g, ""));
  assert.ok(total > 20, text);
  assert.equal((await hrefs(page)).length, 20);
  assert.match((await page.locator("#search-results mark").first().textContent()).toLowerCase(), /speech/);
  assert.match(page.url(), /\?q=speech$/);

  await page.locator("#search-more").click();
  await page.locator("#search-results .result").nth(20).waitFor();
  assert.equal((await hrefs(page)).length, Math.min(total, 40));

  // From here on, the status never counts other results than the list's.
  await page.evaluate(() => {
    const results = () => document.querySelectorAll("#search-results .result").length;
    const status = document.getElementById("search-status");
    window.countMismatches = [];
    new MutationObserver(() => {
      const text = status.textContent;
      const count = text.match(/^([\d,]+) papers? match(?:es)?(?:, showing ([\d,]+))?/);
      const said = count && Number((count[2] ?? count[1]).replace(/,/g, ""));
      if (said && said !== results()) window.countMismatches.push(`${text} beside ${results()} results`);
    }).observe(document.getElementById("search-results"), { childList: true });
  });
  const before = await status(page).textContent();
  await page.locator("select[name=tag]").selectOption("speech");
  await page.waitForURL(/tag=speech/);
  await status(page).filter({ hasText: /match/ }).and(page.locator(`#search-status:not(:text-is("${before}"))`)).waitFor();
  assert.deepEqual(await page.evaluate(() => window.countMismatches), []);
  const filtered = await hrefs(page);
  for (const meta of await page.locator("#search-results .meta").allTextContents()) assert.match(meta, /speech/);
  assert.ok(filtered.length > 0 && filtered.length < total);

  await page.reload();
  await status(page).filter({ hasText: /match/ }).waitFor();
  assert.equal(await page.locator("#q").inputValue(), "speech");
  assert.equal(await page.locator("select[name=tag]").inputValue(), "speech");
  assert.deepEqual(await hrefs(page), filtered);

  await page.goBack();
  await page.waitForURL(/\?q=speech$/);
  await page.locator("#search-results .result").nth(19).waitFor();
  assert.equal(await page.locator("select[name=tag]").inputValue(), "");
  assert.deepEqual(problems, []);
  await context.close();
});

test("typing fast never shows a query's results after a newer one's, and fetches each shard once", { skip }, async () => {
  const { page, context, problems } = await newPage();
  const asked = [];
  let release;
  const held = new Promise((ok) => (release = ok));
  let first = true;
  // The first term shard asked for (the first query's) answers late.
  await page.route("**/search/t/**", async (route) => {
    asked.push(new URL(route.request().url()).pathname);
    if (first) {
      first = false;
      await held;
    }
    await route.continue();
  });
  await page.goto(`${live.server.url}/search/`);
  await page.locator("#q").fill("benchmark");
  await page.waitForFunction(() => location.search.includes("benchmark"));
  await page.locator("#q").fill("video");
  await status(page).filter({ hasText: /papers? match/ }).waitFor();
  const shown = await hrefs(page);
  assert.ok(shown.length > 0);
  release();
  // Let the late answer arrive and be dropped; then one more query proves
  // the page settled.
  await page.waitForFunction(() => performance.getEntriesByType("resource").filter((e) => e.name.includes("/search/t/")).length >= 2);
  await page.locator("#q").press("End");
  assert.deepEqual(await hrefs(page), shown, "the late results of the older query are not shown");
  for (const mark of await page.locator("#search-results mark").allTextContents()) assert.match(mark.toLowerCase(), /video/);
  assert.equal(new Set(asked).size, asked.length, `a shard fetched twice: ${asked.join(", ")}`);

  // Many keystrokes, each shard still once.
  await page.locator("#q").fill("");
  await page.locator("#q").pressSequentially("quantization speech", { delay: 5 });
  await status(page).filter({ hasText: /match/ }).waitFor();
  assert.equal(new Set(asked).size, asked.length, `a shard fetched twice: ${asked.join(", ")}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a query in the URL has its term shard on the way before the search code has arrived, and each file is fetched once", { skip }, async () => {
  const { page, context, problems } = await newPage();
  const asked = [];
  page.on("request", (r) => /\/search\/(t\/|r\/|index\.json)/.test(r.url()) && asked.push(new URL(r.url()).pathname));
  let release;
  const held = new Promise((ok) => (release = ok));
  await page.route("**/search/page.mjs", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${live.server.url}/search/?q=speech`, { waitUntil: "commit" });
  // page.mjs is held: only the page's own inline script can ask for this.
  await page.waitForRequest("**/search/t/**");
  release();
  await status(page).filter({ hasText: /papers match/ }).waitFor();
  await page.locator("#search-results mark").first().waitFor();
  assert.equal(asked.filter((p) => p.endsWith("/index.json")).length, 1, asked.join(", "));
  // `speech` and the words it begins are in one shard: the one the page
  // started on is the one the search read.
  assert.equal(asked.filter((p) => p.includes("/search/t/")).length, 1, asked.join(", "));
  assert.equal(new Set(asked).size, asked.length, `a file fetched twice: ${asked.join(", ")}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the first results are on screen before the rest of the page's records are fetched", { skip }, async () => {
  const { page, context, problems } = await newPage();
  // In the page: how many results each frame started with, and the
  // results shown and already framed at each record shard's fetch.
  await page.addInitScript(() => {
    const results = () => document.querySelectorAll("#search-results .result").length;
    window.framed = 0;
    window.recordFetches = [];
    const frame = () => {
      window.framed = results();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    const fetch = window.fetch;
    window.fetch = function (url, ...rest) {
      if (String(url).includes("/search/r/")) window.recordFetches.push([results(), window.framed]);
      return fetch.call(this, url, ...rest);
    };
  });
  await page.goto(`${live.server.url}/search/?q=speech`);
  await page.locator("#search-results .result").nth(19).waitFor();
  const fetches = await page.evaluate(() => window.recordFetches);
  const later = fetches.filter(([shown]) => shown > 0);
  assert.ok(later.length > 0, JSON.stringify(fetches));
  for (const [shown, framed] of later) assert.ok(framed >= shown, `records fetched with ${shown} results shown, ${framed} of them painted`);
  assert.deepEqual(problems, []);
  await context.close();
});

test("keyboard: / focuses the box, arrows walk the results, Enter opens one", { skip }, async () => {
  const { page, context } = await newPage();
  await page.goto(`${live.server.url}/search/?q=diffusion`);
  await page.locator("#search-results .result").first().waitFor();
  await page.locator("h1").click();
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "q");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const second = (await hrefs(page))[1];
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("href")), second);
  await page.keyboard.press("Enter");
  await page.waitForURL(`${live.server.url}${second}`);
  await context.close();
});

test("the header box on every page leads to the search page's results, and fits a phone", { skip }, async () => {
  const { page, context } = await newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${live.server.url}/top/`);
  const box = page.locator(".site-header input[type=search]");
  assert.ok(await box.isVisible());
  const { x, width } = await box.boundingBox();
  assert.ok(x >= 0 && x + width <= 390, `${x} + ${width}`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), "no sideways scroll");
  await box.fill("kv cache");
  await box.press("Enter");
  await page.waitForURL(/\/search\/\?q=kv\+cache$/);
  await status(page).filter({ hasText: /match/ }).waitFor();
  assert.equal(await page.locator("#q").inputValue(), "kv cache");
  await context.close();
});

test("hostile queries show no error and run no script; nothing matched says so", { skip }, async () => {
  const { page, context, problems } = await newPage();
  await page.exposeFunction("pwned", () => problems.push("a query ran script"));
  for (const q of ["<img src=x onerror=pwned()>", "!!!", '"unmatched', "🙂", "x".repeat(10_000), "(.*)+[^]$"]) {
    await page.goto(`${live.server.url}/search/?q=${encodeURIComponent(q)}`);
    await status(page).filter({ hasText: /match/ }).waitFor();
    assert.match(await status(page).textContent(), /^No papers match/);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("a missing shard says so and the rest of the page keeps working", { skip }, async () => {
  const { page, context } = await newPage();
  await page.route("**/search/t/**", (route) => route.fulfill({ status: 404, body: "gone" }));
  await page.goto(`${live.server.url}/search/?q=speech`);
  await status(page).filter({ hasText: /could not be loaded/ }).waitFor();
  await page.locator("nav a", { hasText: "Tags" }).click();
  await page.waitForURL(/\/tags\/$/);
  await context.close();
});

test("without JavaScript the page says so and links to tags and the archive", { skip }, async () => {
  const { page, context } = await newPage({ javaScriptEnabled: false });
  await page.goto(`${live.server.url}/search/?q=speech`);
  const note = page.locator("main p", { hasText: "needs JavaScript" });
  assert.ok(await note.isVisible());
  assert.ok(await note.locator("a[href='/tags/']").isVisible());
  assert.ok(await note.locator("a[href='/dates/']").isVisible());
  await context.close();
});

for (const colorScheme of ["light", "dark"]) {
  for (const width of [390, 1280]) {
    test(`axe finds no violation on the search page with results (${colorScheme}, ${width} px)`, { skip }, async () => {
      const { page, context } = await newPage({ colorScheme, viewport: { width, height: 900 } });
      await page.goto(`${live.server.url}/search/?q=speech`);
      await page.locator("#search-results mark").first().waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await context.close();
    });
  }
}
