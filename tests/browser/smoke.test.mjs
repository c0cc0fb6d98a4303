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

// The site's name, the navigation and the search box share one line on a
// laptop-wide screen (they wrapped to two at every width above 1,000 px
// while the header was as narrow as the text column); on a phone they stack.
test("the header is one line from 1,100 px wide and stacks on a phone", { skip: !haveChromium && "Chromium not installed" }, async () => {
  const page = await live.browser.newPage();
  await page.goto(`${live.server.url}/`, { waitUntil: "load" });
  const boxes = () =>
    page.evaluate(() =>
      [".brand", ".site-header nav", ".site-search"].map((s) => {
        const b = document.querySelector(s).getBoundingClientRect();
        return { top: b.top, bottom: b.bottom };
      }),
    );
  const oneLine = (bs) => bs.every((a) => bs.every((b) => a.top < b.bottom && b.top < a.bottom));
  for (const width of [1100, 1280, 1600]) {
    await page.setViewportSize({ width, height: 800 });
    const bs = await boxes();
    assert.ok(oneLine(bs), `${width} px: name, navigation and search on one line: ${JSON.stringify(bs)}`);
  }
  await page.setViewportSize({ width: 390, height: 800 });
  const [brand, , search] = await boxes();
  assert.ok(search.top >= brand.bottom, "390 px: the search box below the name");
  await page.close();
});
