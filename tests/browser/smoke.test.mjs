// The built sample site opens in a real browser with no console error and
// no failed request: the harness every other browser test builds on.

import assert from "node:assert/strict";
import { test } from "node:test";

import { haveChromium, servedSampleSite } from "./harness.mjs";

const live = servedSampleSite();

test("the home page loads with its heading, cards and no errors", { skip: !haveChromium && "Chromium not installed" }, async () => {
  const page = await live.browser.newPage();
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  await page.goto(`${live.server.url}/`, { waitUntil: "load" });
  assert.equal(await page.locator("h1").count(), 1, "one h1");
  assert.ok((await page.locator("article.card").count()) > 0, "paper cards are shown");
  assert.deepEqual(problems, [], `missing: ${live.server.missing.join(", ")}`);
  await page.close();
});
