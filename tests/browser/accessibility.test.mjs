// One page of every kind the sample site has, old and new, in light and
// dark mode on a phone (390 px) and a desktop (1280 px): axe-core finds no
// WCAG 2.2 AA or best-practice violation, and nothing the page asks for is
// missing.

import assert from "node:assert/strict";
import { test } from "node:test";

import { axeViolations, haveChromium, servedSampleSite } from "./harness.mjs";

// One URL per page kind (a kind with several pages: its first).
export const PAGE_KINDS = {
  latest: "/",
  "latest, page 2": "/page/2/",
  top: "/top/",
  trending: "/trending/",
  paper: "/papers/stateful-conformer-with-cache-based-inference-for-streaming-automatic-speech/",
  "paper by an organization": "/papers/arc-encoder-learning-compressed-text-representations-for-large-language-models/",
  tags: "/tags/",
  tag: "/tags/speech/",
  organizations: "/orgs/",
  organization: "/orgs/kyutai/",
  listings: "/listings/",
  listing: "/listings/2025-11-03/",
  "undated listing": "/listings/002_d703c93bb784ae8a/",
  archive: "/dates/",
  month: "/dates/2025/04/",
  week: "/dates/2025/w18/",
  day: "/dates/2025/04/28/",
  undated: "/dates/undated/",
  search: "/search/",
  "free page": "/about/",
  "not found": "/404.html",
};

const VARIANTS = [
  { colorScheme: "light", width: 390 },
  { colorScheme: "dark", width: 390 },
  { colorScheme: "light", width: 1280 },
  { colorScheme: "dark", width: 1280 },
];

const live = servedSampleSite();

for (const { colorScheme, width } of VARIANTS) {
  test(`every page kind passes axe in ${colorScheme} mode at ${width} px`, { skip: !haveChromium && "Chromium not installed" }, async () => {
    const context = await live.browser.newContext({ colorScheme, viewport: { width, height: 900 } });
    const page = await context.newPage();
    const problems = [];
    page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    for (const [kind, path] of Object.entries(PAGE_KINDS)) {
      const response = await page.goto(`${live.server.url}${path}`, { waitUntil: "load" });
      assert.equal(response.status(), 200, `${kind} (${path}) is served`);
      for (const v of await axeViolations(page)) problems.push(`${kind} ${path}: ${v}`);
    }
    await context.close();
    assert.deepEqual(problems, [], problems.join("\n"));
    assert.deepEqual(live.server.missing, [], `requested but missing: ${live.server.missing.join(", ")}`);
  });
}
