//! Machine-read files: RSS feeds (the `rss` crate writes and escapes the
//! XML), the sitemap and robots.txt. All URLs in them are absolute.

use rss::{Category, Channel, Guid, Item};

use super::context::Globals;
use crate::site::{Paper, Site, urls};

/// An RSS 2.0 feed of `papers` (already in the order to show, already cut
/// to the limit). `path` is the listing the feed belongs to (`""`, `tags/x/`).
pub fn rss(site: &Site, globals: &Globals, title: &str, path: &str, papers: &[&Paper]) -> Vec<u8> {
    let mut channel = Channel::default();
    channel.set_title(title);
    channel.set_link(globals.abs(path));
    channel.set_description(site.config.description.clone());
    channel.set_language(site.config.language.clone());
    channel.set_generator("Gazette".to_string());
    let items: Vec<Item> = papers.iter().map(|p| item(globals, p)).collect();
    channel.set_items(items);
    let mut out = Vec::with_capacity(1024 + papers.len() * 1500);
    // Writing into a Vec cannot fail; an empty feed is the worst case.
    let _ = channel.pretty_write_to(&mut out, b' ', 2);
    out.push(b'\n');
    out
}

fn item(globals: &Globals, paper: &Paper) -> Item {
    let link = globals.abs(&urls::paper(&paper.slug));
    let mut item = Item::default();
    item.set_title(paper.title.clone());
    item.set_link(link.clone());
    // Readers treat the description as HTML; the abstract is plain text.
    item.set_description(super::escape::html(&paper.abstract_));
    item.set_guid(Guid {
        value: link,
        permalink: true,
    });
    if let Some(date) = paper.date {
        // RFC 822 date at midnight UTC: deterministic, no clock involved.
        item.set_pub_date(date.format("%a, %d %b %Y 00:00:00 +0000").to_string());
    }
    item.set_categories(
        paper
            .tags
            .iter()
            .map(|t| Category {
                name: t.clone(),
                domain: None,
            })
            .collect::<Vec<_>>(),
    );
    item
}

/// `sitemap.xml` over the given site paths (`""`, `papers/x/`, ...).
pub fn sitemap(globals: &Globals, paths: &[String]) -> Vec<u8> {
    let mut out = String::with_capacity(100 + paths.len() * 80);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for path in paths {
        out.push_str("  <url><loc>");
        out.push_str(&super::escape::html(&globals.abs(path)));
        out.push_str("</loc></url>\n");
    }
    out.push_str("</urlset>\n");
    out.into_bytes()
}

pub fn robots(globals: &Globals) -> Vec<u8> {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        globals.abs("sitemap.xml")
    )
    .into_bytes()
}
