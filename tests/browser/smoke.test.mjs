// The built sample site opens in a real browser with no console error and
// no failed request: the harness every other browser test builds on.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";

import { buildSampleSite, haveChromium, launch, serveStatic } from "./harness.mjs";

let site, server, browser;

before(async () => {
  if (!haveChromium) return;
  site = buildSampleSite();
  server = await serveStatic(join(site, "public"));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("the home page loads with its heading, cards and no errors", { skip: !haveChromium && "Chromium not installed" }, async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  await page.goto(`${server.url}/`, { waitUntil: "load" });
  assert.equal(await page.locator("h1").count(), 1, "one h1");
  assert.ok((await page.locator("article.card").count()) > 0, "paper cards are shown");
  assert.deepEqual(problems, [], `missing: ${server.missing.join(", ")}`);
  await page.close();
});
