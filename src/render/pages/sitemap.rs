//! `/sitemap.xml`: the absolute URL of every page the other kinds made,
//! each with a `lastmod` from the site's own dates (never the clock): a
//! paper's page is as new as its date or its newest listing, a listing's
//! page is its day's, and every other page (listings of many papers, the
//! indexes) is as new as the newest date on the site.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};
use crate::render::escape;
use crate::site::urls;

#[derive(Hash)]
struct Sitemap {
    /// Site paths of every page, in the order the kinds made them, with
    /// their last change.
    pages: Vec<(String, Option<NaiveDate>)>,
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
    let pages = (pages.iter())
        .map(|url| (url.clone(), dated.get(url).copied().flatten().or(site_date)))
        .collect();
    out.file(urls::sitemap(), Sitemap { pages });
}

impl Render for Sitemap {
    fn render(&self, env: &Env, _url: &str) -> Result<Bytes, Diagnostic> {
        let mut out = String::with_capacity(100 + self.pages.len() * 80);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (path, lastmod) in &self.pages {
            out.push_str("  <url><loc>");
            out.push_str(&escape::html(&env.globals().abs(path)));
            out.push_str("</loc>");
            if let Some(date) = lastmod {
                out.push_str(&format!("<lastmod>{date}</lastmod>"));
            }
            out.push_str("</url>\n");
        }
        out.push_str("</urlset>\n");
        Ok(Bytes::from(escape::xml_chars(&out).as_bytes()))
    }
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
    }
}
