// The search page: results as you type, highlighted, counted and paged;
// filters and sort; all of it kept in the URL (?q=&tag=&year=&org=&sort=).
// Paper text is only ever set as text (textContent), never parsed as HTML.

import { IndexError, SearchIndex, fetchJson, highlight } from "./query.mjs";

const PAGE = 20;
/** Results shown first, before the rest of the first page. */
const FIRST = 4;
const DEBOUNCE_MS = 150;
const PARAMS = ["q", "tag", "year", "org", "sort"];

const form = document.getElementById("search-form");
const input = document.getElementById("q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const orgSelect = document.getElementById("search-org");

if (form && input && status && list && more) start();

function start() {
  const index = new SearchIndex(new URL(form.dataset.index, location.href).href, { load: takeEarly });
  let seq = 0; // the latest run; an older run's results are never shown
  let current = null; // { result, shown }
  let timer = 0;

  const field = (name) => form.elements.namedItem(name);
  const state = () => Object.fromEntries(PARAMS.map((p) => [p, (field(p)?.value ?? "").trim()]));

  function fromUrl() {
    const params = new URLSearchParams(location.search);
    for (const p of PARAMS) {
      const el = field(p);
      if (!el) continue;
      const value = params.get(p) ?? "";
      if (el.tagName === "SELECT" && value && ![...el.options].some((o) => o.value === value)) {
        // A value the list does not have yet (organizations load later).
        el.add(new Option(value, value));
      }
      el.value = value;
    }
    if (params.get("org")) loadOrgs();
  }

  function toUrl(push) {
    const url = new URL(location.href);
    const s = state();
    for (const p of PARAMS) {
      if (s[p]) url.searchParams.set(p, s[p]);
      else url.searchParams.delete(p);
    }
    if (url.href === location.href) return;
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }

  function say(text, problem = false) {
    status.textContent = text;
    status.classList.toggle("problem", problem);
  }

  async function run() {
    const mine = ++seq;
    const s = state();
    document.documentElement.classList.toggle("has-query", Boolean(s.q || s.tag || s.year || s.org));
    if (!s.q && !s.tag && !s.year && !s.org) {
      list.textContent = "";
      more.hidden = true;
      current = null;
      say("");
      return;
    }
    try {
      const result = await index.search(s);
      if (mine !== seq) return;
      current = { result, shown: 0 };
      // The old list goes, and its count and button with it: the count
      // comes back with the new page.
      list.textContent = "";
      more.hidden = true;
      say("");
      if (result.total === 0) {
        say(s.q ? `No papers match “${s.q.slice(0, 100)}”.` : "No papers match these filters.");
        return;
      }
      await show(mine);
    } catch (e) {
      if (mine !== seq) return;
      broken(e);
    }
  }

  /**
   * Shows the next page of the current result. The first page comes in two
   * steps: the first few results (what fits a screen) as soon as their
   * records arrive; the rest is fetched once those are painted, so its
   * records neither share the connection with the first screen's nor
   * delay its paint when they come from the cache.
   */
  async function show(mine) {
    const { result } = current;
    const ids = result.ids.slice(current.shown, current.shown + PAGE);
    const batches = current.shown === 0 ? [ids.slice(0, FIRST), ids.slice(FIRST)] : [ids];
    const end = current.shown + ids.length;
    for (const [n, batch] of batches.filter((b) => b.length).entries()) {
      if (n > 0) await painted();
      if (mine !== seq) return;
      const records = await index.records(batch);
      if (mine !== seq) return;
      const fragment = document.createDocumentFragment();
      for (const r of records) fragment.append(item(r, result.words));
      list.append(fragment);
      current.shown += batch.length;
      if (current.shown === end) {
        more.hidden = end >= result.total;
        const n = result.total;
        let text = `${n.toLocaleString("en")} ${n === 1 ? "paper matches" : "papers match"}`;
        if (end < n) text += `, showing ${end.toLocaleString("en")}`;
        if (result.dropped) text += ` (only the first ${result.words.length} words were searched)`;
        say(`${text}.`);
      }
    }
  }

  function broken(e) {
    more.hidden = true;
    if (e instanceof IndexError) {
      say("Part of the search index could not be loaded; the site may be being updated. Try again in a moment.", true);
    } else {
      say("Search failed in this browser.", true);
      console.error(e);
    }
  }

  function item(r, words) {
    const li = document.createElement("li");
    li.className = "result";
    const h = document.createElement("h2");
    const a = document.createElement("a");
    a.href = r.url;
    a.dir = "auto";
    marked(a, r.title, words);
    h.append(a);
    li.append(h);
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [r.date ? readableDate(r.date) : "undated", r.org, r.upvotes ? `▲ ${r.upvotes}` : "", r.tags.join(", ")]
      .filter(Boolean)
      .join(" · ");
    li.append(meta);
    if (r.excerpt) {
      const p = document.createElement("p");
      p.className = "excerpt";
      p.dir = "auto";
      marked(p, r.excerpt, words);
      li.append(p);
    }
    return li;
  }

  function marked(el, text, words) {
    for (const piece of highlight(text, words)) {
      if (piece.mark) {
        const m = document.createElement("mark");
        m.textContent = piece.text;
        el.append(m);
      } else {
        el.append(piece.text);
      }
    }
  }

  let orgsLoaded = null;
  function loadOrgs() {
    if (!orgSelect || orgsLoaded) return;
    orgsLoaded = index
      .orgs()
      .then((orgs) => {
        const chosen = orgSelect.value;
        for (const o of [...orgSelect.options]) if (o.value) o.remove();
        for (const [name, slug, count] of orgs) orgSelect.add(new Option(`${name} (${count})`, slug));
        orgSelect.value = chosen;
      })
      .catch(() => {
        orgsLoaded = null;
      });
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      toUrl(false);
      run();
    }, DEBOUNCE_MS);
  });
  form.addEventListener("change", (e) => {
    if (e.target === input) return;
    toUrl(true);
    run();
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(timer);
    toUrl(true);
    run();
  });
  if (orgSelect) for (const ev of ["focus", "pointerenter"]) orgSelect.addEventListener(ev, loadOrgs);
  more.addEventListener("click", () => {
    if (!current) return;
    const mine = seq;
    show(mine).catch((e) => mine === seq && broken(e));
  });
  window.addEventListener("popstate", () => {
    fromUrl();
    run();
  });

  // Keyboard: `/` focuses the box; arrows move through the results.
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    const typing = t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      input.focus();
      input.select();
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const links = [...list.querySelectorAll(".result h2 a")];
    const at = links.indexOf(document.activeElement);
    if (t === input && e.key === "ArrowDown" && links.length) {
      e.preventDefault();
      links[0].focus();
    } else if (at >= 0) {
      e.preventDefault();
      if (e.key === "ArrowDown") links[Math.min(at + 1, links.length - 1)].focus();
      else if (at === 0) input.focus();
      else links[at - 1].focus();
    }
  });

  fromUrl();
  run();
  // The manifest is needed by the first query: fetch it now, while the
  // person is still typing.
  index.manifest().catch(() => {});
}

/**
 * Loads JSON for the search index, taking over a fetch the page's inline
 * script started for the first query (search.html: the manifest and a
 * term shard, in `window.gazetteSearchEarly`) instead of fetching again.
 * Each is taken once: a retry after a failure fetches anew.
 */
function takeEarly(url) {
  const early = window.gazetteSearchEarly;
  const started = early?.get(url);
  if (!started) return fetchJson(url);
  early.delete(url);
  return started;
}

/**
 * Resolves once what the page just added is on screen: the frame that
 * paints it is the next one, and it is shown by the time the frame after
 * begins. A hidden page paints no frames: then it resolves at once.
 */
function painted() {
  if (document.visibilityState === "hidden") return Promise.resolve();
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

// Dates as the site's own pages print them ("Sep 9, 2025"); records keep
// ISO dates so they sort and filter.
const DATE_FORMAT = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
function readableDate(iso) {
  const when = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(when.getTime()) ? iso : DATE_FORMAT.format(when);
}
