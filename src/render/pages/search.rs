//! `/search/` (the search page: useful without JavaScript, it lists every
//! tag) and `/search.json` (what the theme's search script looks in: one
//! short record per paper, newest first, each made once per change of the
//! paper by [`record`] and kept in its template data).

use serde::Serialize;
use serde_json::{Map, json};

use super::tags::Entry;
use crate::diagnostic::Diagnostic;
use crate::render::context::{Globals, excerpt};
use crate::render::engine::{Bytes, Env, Inputs, Jobs, PaperRef, Render};
use crate::render::{json, math};
use crate::site::{Paper, urls};

/// One search record: short keys keep the index small at 10,000 papers.
#[derive(Serialize)]
struct Record<'a> {
    /// Title.
    t: &'a str,
    /// Root-relative URL.
    u: String,
    /// Date (`YYYY-MM-DD`) or empty.
    d: String,
    /// Tags.
    g: &'a [String],
    /// Organization or empty.
    o: &'a str,
    /// Upvotes.
    v: u32,
    /// The start of the abstract.
    a: String,
}

const SEARCH_ABSTRACT_CHARS: usize = 200;

/// One paper's search record: JSON, markup-safe.
pub fn record(globals: &Globals, p: &Paper) -> Box<[u8]> {
    json::record(&Record {
        t: &p.title,
        u: globals.url(&urls::paper(&p.slug)),
        d: p.date.map(|d| d.to_string()).unwrap_or_default(),
        g: &p.tags,
        o: p.organization.as_deref().unwrap_or(""),
        v: p.upvotes,
        a: excerpt(&math::text_to_plain(&p.abstract_), SEARCH_ABSTRACT_CHARS),
    })
}

#[derive(Hash)]
struct SearchPage<'s> {
    tags: Vec<Entry<'s>>,
    total: usize,
}

#[derive(Hash)]
struct SearchIndex<'s> {
    /// Newest first, so results come newest first.
    papers: Vec<PaperRef<'s>>,
}

/// The search page.
pub fn page<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let job = SearchPage {
        tags: Entry::all(inputs.site),
        total: inputs.site.papers.len(),
    };
    out.page(urls::search(), job);
}

/// The index the search page's script loads.
pub fn index<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let papers = inputs.papers(&inputs.site.index.latest);
    out.file(urls::search_index(), SearchIndex { papers });
}

impl Render for SearchPage<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let mut own = Map::new();
        own.insert("title".into(), json!("Search"));
        own.insert("tags".into(), Entry::values(&self.tags, env));
        own.insert("search_index".into(), json!(env.url(urls::search_index())));
        own.insert(
            "search_script".into(),
            json!(env.url(urls::search_script())),
        );
        own.insert("total".into(), json!(self.total));
        env.page("search.html", url, own)
    }
}

impl Render for SearchIndex<'_> {
    fn render(&self, env: &Env, _url: &str) -> Result<Bytes, Diagnostic> {
        let records = self.papers.iter().map(|&p| &*env.data(p).search_json);
        Ok(Bytes::from(json::join(records, b"[", b",", b"]\n")))
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn search_page_is_useful_without_javascript() {
        let out = build(&sample(), "https://example.org/");
        let page = text(&out, "search/index.html");
        assert!(page.contains("<noscript>"));
        assert!(
            page.contains("href=\"/tags/llm/\""),
            "tags are listed for browsing"
        );
        assert!(page.contains("data-index=\"/search.json\""));
        let index: Vec<serde_json::Value> =
            serde_json::from_str(text(&out, "search.json")).unwrap();
        assert_eq!(index.len(), 4);
        assert_eq!(index[0]["u"], "/papers/alpha/");
        assert_eq!(index[0]["g"], serde_json::json!(["llm", "vision"]));
    }

    #[test]
    fn math_reaches_search_and_feeds_as_readable_text_and_pages_as_mathml() {
        let mut site = sample();
        site.papers[0].abstract_ =
            "It reaches $O(n \\log n)$ with 10^{19} tokens and D_{KL} < 1.".to_string();
        let out = build(&site, "https://example.org/");
        let index: Vec<serde_json::Value> =
            serde_json::from_str(text(&out, "search.json")).unwrap();
        let record = index.iter().find(|r| r["u"] == "/papers/alpha/").unwrap();
        assert_eq!(
            record["a"],
            "It reaches O(n log n) with 10¹⁹ tokens and D_KL < 1."
        );
        let feed = rss::Channel::read_from(out.files["feed.xml"].as_ref()).unwrap();
        let item = feed
            .items()
            .iter()
            .find(|i| i.title() == Some("Alpha model"))
            .unwrap();
        assert_eq!(
            item.description(),
            Some("It reaches O(n log n) with 10¹⁹ tokens and D_KL &lt; 1.")
        );
        let page = text(&out, "papers/alpha/index.html");
        assert!(
            page.contains("<p class=\"abstract-full\">It reaches <math>"),
            "{page}"
        );
        assert!(page.contains("tokens and <math>"), "{page}");
        assert!(
            page.contains("&lt; 1.</p>"),
            "escaped around the math: {page}"
        );
    }
}
