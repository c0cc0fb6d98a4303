//! `/sitemap.xml`: the absolute URL of every page the other kinds made,
//! each with a `lastmod` from the site's own dates (never the clock): a
//! paper's page is as new as its date or its newest listing, a listing's
//! page is its day's, and every other page (listings of many papers, the
//! indexes) is as new as the newest date on the site.
//!
//! A sitemap file may hold at most 50,000 URLs and 50 MB (sitemaps.org;
//! search engines reject larger ones). A site with more pages than
//! [`PER_FILE`] gets a sitemap index at `/sitemap.xml` instead, naming
//! parts `/sitemap-1.xml`, `/sitemap-2.xml`, … of [`PER_FILE`] pages each,
//! in the same order; `robots.txt` names `/sitemap.xml` either way.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};
use crate::render::escape;
use crate::site::urls;

/// The sitemaps.org limits of one file: URLs, and bytes uncompressed.
const MAX_URLS: usize = 50_000;
const MAX_BYTES: usize = 52_428_800;
/// The longest URL the protocol allows ("less than 2,048 characters").
const MAX_URL: usize = 2_048;

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const XMLNS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// Pages per file: as many as stay within both limits even if every URL
/// were as long as the protocol allows, so that no base URL can push a
/// file over 50 MB (a line is its URL and 54 bytes of markup; the test
/// `a_full_part_stays_within_the_limits_whatever_the_urls` renders one).
pub const PER_FILE: usize = {
    let by_bytes = (MAX_BYTES - 120) / (MAX_URL + 54);
    if by_bytes < MAX_URLS {
        by_bytes
    } else {
        MAX_URLS
    }
};

/// A site path (or a part's) and its last change.
type Entry = (String, Option<NaiveDate>);

/// A `<urlset>`: the whole sitemap, or one part of it.
#[derive(Hash)]
struct Sitemap {
    /// Site paths of every page, in the order the kinds made them, with
    /// their last change.
    pages: Vec<Entry>,
}

/// A `<sitemapindex>`: the parts, each with its newest page's date.
#[derive(Hash)]
struct SitemapIndex {
    parts: Vec<Entry>,
}

pub fn jobs<'s>(inputs: &'s Inputs<'s>, pages: &[String], out: &mut Jobs<'s>) {
    let site = inputs.site;
    let index = &site.index;
    let mut dated: HashMap<String, Option<NaiveDate>> = HashMap::new();
    for (i, paper) in site.papers.iter().enumerate() {
        let listed = index.listed_in[i]
            .iter()
            .filter_map(|&l| index.listings[l].date);
        let newest = listed.chain(paper.date).max();
        dated.insert(urls::paper(&paper.slug), newest);
    }
    for listing in &index.listings {
        dated.insert(urls::listing(&listing.slug), listing.date);
    }
    let site_date = site.newest_date();
    let pages: Vec<Entry> = (pages.iter())
        .map(|url| (url.clone(), dated.get(url).copied().flatten().or(site_date)))
        .collect();
    let per_file = per_file();
    if pages.len() <= per_file {
        out.file(urls::sitemap(), Sitemap { pages });
        return;
    }
    let mut parts = Vec::new();
    for (n, chunk) in pages.chunks(per_file).enumerate() {
        let part = urls::sitemap_part(n + 1);
        let newest = chunk.iter().filter_map(|(_, date)| *date).max();
        parts.push((part.clone(), newest));
        let pages = chunk.to_vec();
        out.file(part, Sitemap { pages });
    }
    out.file(urls::sitemap(), SitemapIndex { parts });
}

#[cfg(test)]
thread_local! {
    /// A smaller [`PER_FILE`] for the tests on this thread: a site over
    /// the real one has 25,000 pages, too many to render in a debug build.
    /// The render plans the sitemap on the thread that calls it.
    static TEST_PER_FILE: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

fn per_file() -> usize {
    #[cfg(test)]
    if let Some(n) = TEST_PER_FILE.with(std::cell::Cell::get) {
        return n;
    }
    PER_FILE
}

impl Render for Sitemap {
    fn render(&self, env: &Env, _url: &str) -> Result<Bytes, Diagnostic> {
        Ok(document("urlset", "url", &self.pages, |p| {
            env.globals().abs(p)
        }))
    }
}

impl Render for SitemapIndex {
    fn render(&self, env: &Env, _url: &str) -> Result<Bytes, Diagnostic> {
        Ok(document("sitemapindex", "sitemap", &self.parts, |p| {
            env.globals().abs(p)
        }))
    }
}

/// A sitemap or an index: one `<item>` a line, each the absolute URL of
/// an entry and its date.
fn document(root: &str, item: &str, entries: &[Entry], abs: impl Fn(&str) -> String) -> Bytes {
    let mut out = String::with_capacity(120 + entries.len() * 80);
    out.push_str(XML_DECLARATION);
    out.push_str(&format!("<{root} xmlns=\"{XMLNS}\">\n"));
    for (path, lastmod) in entries {
        for piece in ["  <", item, "><loc>", &escape::html(&abs(path)), "</loc>"] {
            out.push_str(piece);
        }
        if let Some(date) = lastmod {
            out.push_str(&format!("<lastmod>{date}</lastmod>"));
        }
        for piece in ["</", item, ">\n"] {
            out.push_str(piece);
        }
    }
    out.push_str(&format!("</{root}>\n"));
    Bytes::from(escape::xml_chars(&out).as_bytes())
}
#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn the_sitemap_lists_every_html_page_but_the_404() {
        let out = build(&sample(), "https://example.org/sub/");
        let sitemap = text(&out, "sitemap.xml");
        let mut listed: Vec<String> = sitemap
            .lines()
            .filter_map(|l| l.trim().strip_prefix("<url><loc>https://example.org/sub/"))
            .map(|l| l.split("</loc>").next().unwrap().to_string() + "index.html")
            .collect();
        listed.sort();
        let pages: Vec<&String> = (out.files.keys())
            .filter(|k| k.ends_with("index.html"))
            .collect();
        assert_eq!(listed.iter().collect::<Vec<_>>(), pages);
        assert!(!sitemap.contains("404"));
        assert!(
            sitemap.contains(
                "<loc>https://example.org/sub/papers/beta/</loc><lastmod>2025-03-02</lastmod>"
            ),
            "a paper: its own date: {sitemap}"
        );
        assert!(
            sitemap
                .contains("<loc>https://example.org/sub/tags/</loc><lastmod>2025-04-28</lastmod>"),
            "other pages: the newest date on the site"
        );
        assert!(
            sitemap.contains(
                "<loc>https://example.org/sub/papers/delta/</loc><lastmod>2025-04-28</lastmod>"
            ),
            "an undated paper: the site's date"
        );
        assert!(
            sitemap.starts_with(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            ),
            "a site that fits in one file gets one <urlset>"
        );
        assert!(!out.files.keys().any(|k| k.starts_with("sitemap-")));
    }

    /// The `<loc>`s of a sitemap file, and its `<lastmod>`s.
    fn locs(xml: &str, item: &str) -> Vec<(String, Option<String>)> {
        let open = format!("  <{item}><loc>");
        (xml.lines())
            .filter_map(|l| l.strip_prefix(&open))
            .map(|l| {
                let (loc, rest) = l.split_once("</loc>").unwrap();
                let date = (rest.strip_prefix("<lastmod>"))
                    .map(|d| d.split('<').next().unwrap().to_string());
                (loc.to_string(), date)
            })
            .collect()
    }

    /// Over the limit (lowered here: the real one is 25,000 pages), the
    /// sitemap is an index of parts, each within the limit, that list
    /// together exactly the pages one file would, in the same order.
    #[test]
    fn a_site_over_the_limit_gets_an_index_of_parts_within_it() {
        let site = sample();
        let whole = build(&site, "https://example.org/sub/");
        let one = locs(text(&whole, "sitemap.xml"), "url");
        let split = super::TEST_PER_FILE.with(|n| {
            n.set(Some(3));
            let out = build(&site, "https://example.org/sub/");
            n.set(None);
            out
        });
        let index = text(&split, "sitemap.xml");
        assert!(
            index.starts_with(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            ),
            "{index}"
        );
        assert!(index.ends_with("</sitemapindex>\n"), "{index}");
        let parts = locs(index, "sitemap");
        assert_eq!(parts.len(), one.len().div_ceil(3), "{index}");
        let mut listed = Vec::new();
        for (n, (loc, lastmod)) in parts.iter().enumerate() {
            let file = format!("sitemap-{}.xml", n + 1);
            assert_eq!(*loc, format!("https://example.org/sub/{file}"));
            let part = text(&split, &file);
            assert!(part.contains("<urlset xmlns="), "{file}");
            let urls = locs(part, "url");
            assert!(!urls.is_empty() && urls.len() <= 3, "{file}: {part}");
            let newest = urls.iter().filter_map(|(_, d)| d.clone()).max();
            assert_eq!(*lastmod, newest, "{file}: its newest page's date");
            listed.extend(urls);
        }
        assert_eq!(listed, one, "every page once, in the one file's order");
        assert_eq!(
            text(&split, "robots.txt"),
            "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sub/sitemap.xml\n",
            "robots.txt names the index"
        );
    }

    /// A part of [`PER_FILE`] URLs each as long as the protocol allows is
    /// within both limits of sitemaps.org.
    #[test]
    fn a_full_part_stays_within_the_limits_whatever_the_urls() {
        let base = "https://example.org/";
        let path = "p".repeat(super::MAX_URL - base.len());
        let date = chrono::NaiveDate::from_ymd_opt(2025, 4, 28);
        let size = |n: usize| {
            let entries = vec![(path.clone(), date); n];
            super::document("urlset", "url", &entries, |p| format!("{base}{p}")).len()
        };
        let line = size(2) - size(1);
        assert_eq!(line, super::MAX_URL + 54);
        let full = size(0) + super::PER_FILE * line;
        assert!(full <= super::MAX_BYTES, "{full} bytes");
        assert!(
            full + line > super::MAX_BYTES,
            "one more would not fit: no smaller than it must be"
        );
    }
}
