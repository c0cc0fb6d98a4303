// Gazette client-side search: loads search.json once, matches every word
// of the query in title, tags, organization and abstract. Results are
// built with textContent, so paper text is never parsed as HTML.
(function () {
  "use strict";
  var script = document.currentScript;
  var indexUrl = script && script.getAttribute("data-index");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!indexUrl || !input || !status || !list) return;

  var records = null;
  var MAX = 50;

  function norm(s) { return (s || "").toLowerCase(); }

  function load() {
    if (records) return Promise.resolve(records);
    status.textContent = "Loading the index…";
    return fetch(indexUrl).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (data) {
      records = data.map(function (p) {
        return { p: p, title: norm(p.t), hay: norm([p.t, (p.g || []).join(" "), p.o, p.a].join(" ")) };
      });
      return records;
    });
  }

  function item(p) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = p.u;
    a.textContent = p.t;
    li.appendChild(a);
    var meta = document.createElement("p");
    meta.textContent = [p.d || "undated", p.o, p.v ? "▲ " + p.v : "", (p.g || []).join(", ")]
      .filter(Boolean).join(" · ");
    li.appendChild(meta);
    return li;
  }

  function run() {
    var q = input.value.trim();
    var url = new URL(window.location.href);
    if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    list.textContent = "";
    if (!q) { status.textContent = ""; return; }
    load().then(function (all) {
      var words = norm(q).split(/\s+/).filter(Boolean);
      var hits = [];
      for (var i = 0; i < all.length; i++) {
        var r = all[i], ok = true, score = 0;
        for (var w = 0; w < words.length; w++) {
          if (r.hay.indexOf(words[w]) < 0) { ok = false; break; }
          if (r.title.indexOf(words[w]) >= 0) score += 2;
        }
        if (ok) hits.push({ r: r, score: score, i: i });
      }
      hits.sort(function (a, b) { return b.score - a.score || a.i - b.i; });
      status.textContent = hits.length === 0 ? "No papers match." :
        hits.length + (hits.length === 1 ? " paper" : " papers") +
        (hits.length > MAX ? ", showing the first " + MAX : "");
      hits.slice(0, MAX).forEach(function (h) { list.appendChild(item(h.r.p)); });
    }).catch(function () {
      status.textContent = "The search index could not be loaded.";
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  input.form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; run(); }
})();
