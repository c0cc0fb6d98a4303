//! `/search/` (the search page: its filters are in the HTML, and without
//! JavaScript it lists every tag) and the index its script reads: the
//! manifest `/search/index.json` and the content-named shards beside it,
//! built together by one job from each paper's words and record (made by
//! [`doc`] and [`record`] once per change of the paper where the render
//! keeps them, else by this job). The index itself is `render::search`;
//! docs/search.md has the format.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde_json::{Map, json};

use super::tags::Entry;
use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Noted, PaperRef, Put, Render, RenderFiles};
use crate::render::search::index;
use crate::render::search::site::{self as search_site, facet_lists};
use crate::site::urls;

pub use crate::render::search::site::{doc, record};

#[derive(Hash)]
struct SearchPage<'s> {
    tags: Vec<Entry<'s>>,
    years: Vec<(i32, usize)>,
    total: usize,
}

/// A free page as search sees it.
#[derive(Hash)]
struct PageDoc<'s> {
    title: &'s str,
    slug: &'s str,
    body: &'s str,
}

#[derive(Hash)]
struct SearchIndex<'s> {
    /// Newest first: a paper's position is its id, so ids sort by date.
    /// Search finds papers by their notes too.
    papers: Vec<Noted<'s>>,
    pages: Vec<PageDoc<'s>>,
    /// Tags and organizations with their paper counts, for the filters.
    tags: Vec<(&'s str, usize)>,
    orgs: Vec<(&'s str, usize)>,
}

/// Papers per year, newest year first.
fn years(papers: &[PaperRef]) -> Vec<(i32, usize)> {
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    for p in papers {
        if let Some(d) = p.paper.date {
            *years.entry(d.year()).or_default() += 1;
        }
    }
    years.into_iter().rev().collect()
}

/// The search page.
pub fn page<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let job = SearchPage {
        tags: Entry::all(inputs.site),
        years: years(inputs.all_papers()),
        total: inputs.site.papers.len(),
    };
    out.page(urls::search(), job);
}

/// The index the search page's script reads.
pub fn index<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let site = inputs.site;
    let (tags, orgs) = facet_lists(site);
    let job = SearchIndex {
        papers: (inputs.papers(&site.index.latest).into_iter())
            .map(PaperRef::noted)
            .collect(),
        pages: (site.pages.iter())
            .map(|p| PageDoc {
                title: &p.title,
                slug: &p.slug,
                body: &p.body,
            })
            .collect(),
        tags,
        orgs,
    };
    out.files(urls::search_manifest(), job);
}

impl Render for SearchPage<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let mut own = Map::new();
        own.insert("title".into(), json!("Search"));
        own.insert("tags".into(), Entry::values(&self.tags, env));
        let years: Vec<_> = (self.years.iter())
            .map(|(year, count)| json!({"year": year, "count": count}))
            .collect();
        own.insert("years".into(), json!(years));
        own.insert(
            "search_index".into(),
            json!(env.url(urls::search_manifest())),
        );
        own.insert(
            "search_script".into(),
            json!(env.url(urls::search_script())),
        );
        own.insert("total".into(), json!(self.total));
        env.page("search.html", url, own)
    }
}

impl RenderFiles for SearchIndex<'_> {
    fn render(&self, env: &Env, _url: &str, out: Put) -> Result<(), Diagnostic> {
        // Free pages are made here (a few); papers' words come made where
        // the render keeps them, else are made a chunk at a time.
        let pages: Vec<_> = (self.pages.iter())
            .map(|p| search_site::page(env.globals(), p.title, p.slug, p.body))
            .collect();
        let papers: Vec<_> = self.papers.iter().map(|p| p.0.paper).collect();
        let search = |i: usize| env.search(self.papers[i]);
        // The first write error stops the job's files (the render stops).
        let mut failed = None;
        let mut put = |(path, bytes): index::File| {
            if failed.is_none() {
                let path = format!("{}{path}", urls::search());
                failed = out(path, Bytes::from(bytes)).err();
            }
        };
        search_site::build(&papers, search, &pages, &self.tags, &self.orgs, &mut put);
        failed.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn search_page_has_filters_and_is_useful_without_javascript() {
        let out = build(&sample(), "https://example.org/");
        let page = text(&out, "search/index.html");
        assert!(page.contains("<noscript>"));
        assert!(
            page.contains("href=\"/tags/llm/\""),
            "tags are listed for browsing"
        );
        assert!(page.contains("data-index=\"/search/index.json\""), "{page}");
        assert!(page.contains("<option value=\"llm\">"), "{page}");
        assert!(page.contains("<option value=\"2025\">"), "{page}");
    }

    #[test]
    fn the_manifest_names_every_shard_the_build_wrote() {
        let out = build(&sample(), "https://example.org/");
        let manifest: serde_json::Value =
            serde_json::from_str(text(&out, "search/index.json")).unwrap();
        assert_eq!(manifest["docs"], 5, "4 papers and the about page");
        assert_eq!(manifest["papers"], 4);
        let mut named = vec![];
        for t in manifest["terms"].as_array().unwrap() {
            named.push(format!("search/t/{}.json", t[1].as_str().unwrap()));
        }
        assert_eq!(manifest["records"]["per"], 4);
        let block = manifest["records"]["blocks"][0].as_str().unwrap();
        named.push(format!("search/r/{block}/0.json"));
        named.push(format!("search/r/{block}/1.json"));
        named.push(format!(
            "search/u/{}.json",
            manifest["upvotes"].as_str().unwrap()
        ));
        named.push(format!(
            "search/o/{}.json",
            manifest["orgs"].as_str().unwrap()
        ));
        named.push("search/index.json".into());
        named.sort();
        let mut written: Vec<&String> = out
            .files
            .keys()
            .filter(|p| p.starts_with("search/") && p.ends_with(".json"))
            .collect();
        written.sort();
        assert_eq!(written, named.iter().collect::<Vec<_>>());
    }

    #[test]
    fn records_are_in_id_order_newest_paper_first_then_free_pages() {
        let out = build(&sample(), "https://example.org/");
        let manifest: serde_json::Value =
            serde_json::from_str(text(&out, "search/index.json")).unwrap();
        let block = manifest["records"]["blocks"][0].as_str().unwrap();
        let records: Vec<serde_json::Value> = (0..2)
            .flat_map(|i| {
                let shard = text(&out, &format!("search/r/{block}/{i}.json"));
                serde_json::from_str::<Vec<serde_json::Value>>(shard).unwrap()
            })
            .collect();
        let urls: Vec<&str> = records.iter().map(|r| r[1].as_str().unwrap()).collect();
        assert_eq!(urls[0], "/papers/alpha/");
        assert_eq!(urls[4], "/about/");
        assert_eq!(records[0][5], serde_json::json!(["llm", "vision"]));
        assert_eq!(manifest["years"], serde_json::json!([[2025, 0, 3]]));
    }

    #[test]
    fn math_reaches_search_and_feeds_as_readable_text_and_pages_as_mathml() {
        let mut site = sample();
        site.papers[0].abstract_ =
            "It reaches $O(n \\log n)$ with 10^{19} tokens and D_{KL} < 1.".to_string();
        let out = build(&site, "https://example.org/");
        let manifest: serde_json::Value =
            serde_json::from_str(text(&out, "search/index.json")).unwrap();
        let block = manifest["records"]["blocks"][0].as_str().unwrap();
        let records: Vec<serde_json::Value> =
            serde_json::from_str(text(&out, &format!("search/r/{block}/0.json"))).unwrap();
        let record = records.iter().find(|r| r[1] == "/papers/alpha/").unwrap();
        assert_eq!(
            record[6],
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
