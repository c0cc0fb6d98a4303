// Shared helpers for the browser tests: build the sample site with the real
// binary, serve the built folder as a static host would, and drive Debian's
// Chromium with playwright-core (which never downloads a browser).

import { execFileSync } from "node:child_process";
import { after, before } from "node:test";
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The gazette binary ./test.sh built (override with GAZETTE_BIN). */
export const GAZETTE_BIN = process.env.GAZETTE_BIN || join(REPO, "target/debug/gazette");

/** Debian's Chromium (override with CHROMIUM). */
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/** Whether the browser tests can run here; ./test.sh says so when they cannot. */
export const haveChromium = existsSync(CHROMIUM);

// Without the networking flags Chromium keeps calling home, and this
// machine's closed network refuses it many times a second.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * A copy of the repository's sample site, built; returns its folder.
 * `prepare(root)`, if given, may change the copy before the build.
 */
export function buildSampleSite(extraArgs = [], prepare = null) {
  const root = mkdtempSync(join(tmpdir(), "gazette-browser-"));
  cpSync(join(REPO, "config.toml"), join(root, "config.toml"));
  for (const sub of ["digests", "content", "themes"]) {
    cpSync(join(REPO, sub), join(root, sub), { recursive: true });
  }
  prepare?.(root);
  execFileSync(GAZETTE_BIN, ["--root", root, "build", "--base-url", "http://127.0.0.1/", ...extraArgs], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  return root;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/**
 * Serves `dir` over HTTP on a free loopback port the way a static host
 * does: `/x/` is `/x/index.html`, a missing file is `/404.html` with 404.
 * Returns `{ url, close, requests, missing }`: every path asked for, and
 * those answered 404.
 */
export async function serveStatic(dir) {
  const root = resolve(dir);
  const requests = [];
  const missing = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    requests.push(path);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      missing.push(path);
      const page404 = join(root, "404.html");
      res.writeHead(404, { "content-type": TYPES[".html"] });
      res.end(existsSync(page404) ? readFileSync(page404) : "not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, requests, missing, close: () => new Promise((ok) => server.close(ok)) };
}

/** Headless Chromium from Debian. */
export async function launch() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/**
 * Runs axe-core on the page: WCAG 2.2 A/AA and best practices. Returns the
 * violations as `rule: target (help)` lines, empty when the page is clean.
 */
export async function axeViolations(page) {
  const source = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "node_modules/axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: source });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    }),
  );
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id}: ${n.target.join(" ")} (${v.help})`),
  );
}

/**
 * For a test file: before its tests, builds the sample site, serves it and
 * launches Chromium (when there is one); after them, closes both. Returns
 * an object whose `site`, `server` and `browser` are set by then.
 */
export function servedSampleSite() {
  const live = {};
  before(async () => {
    if (!haveChromium) return;
    live.site = buildSampleSite();
    live.server = await serveStatic(join(live.site, "public"));
    live.browser = await launch();
  });
  after(async () => {
    await live.browser?.close();
    await live.server?.close();
  });
  return live;
}
