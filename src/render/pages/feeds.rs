//! `/feed.xml`, `/tags/<tag>/feed.xml` and `/orgs/<org>/feed.xml`: RSS 2.0
//! feeds of the newest `[feeds] limit` papers. The `rss` crate writes and
//! escapes the XML; all URLs in them are absolute. Each feed names its own
//! URL (`atom:link rel="self"`) and is dated by the newest date on the site
//! (`lastBuildDate`), never the clock, so two builds are byte-identical.

use chrono::NaiveDate;
use rss::extension::atom::{AtomExtension, Link};
use rss::{Category, Channel, Guid, Item};

use super::{orgs, tags};
use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, PaperRef, Render};
use crate::render::{escape, math};
use crate::site::{Paper, urls};

/// Whose feed.
#[derive(Hash)]
enum Of<'s> {
    Site,
    Tag(&'s str),
    Org(&'s str),
}

#[derive(Hash)]
struct Feed<'s> {
    of: Of<'s>,
    /// In the order to show, already cut to the limit.
    papers: Vec<PaperRef<'s>>,
    /// The newest date the site knows: the feed's `lastBuildDate`, and the
    /// `pubDate` of an undated paper (published in the feed as of then).
    built: Option<NaiveDate>,
}

/// The site's feed, then each tag's and each organization's.
pub fn jobs<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let limit = inputs.site.config.feeds.limit;
    let built = inputs.site.newest_date();
    let newest = |papers: &[usize]| inputs.papers(&papers[..limit.min(papers.len())]);
    let papers = newest(&inputs.site.index.latest);
    let of = Of::Site;
    out.file(urls::feed(), Feed { of, papers, built });
    for tag in tags::all(inputs.site) {
        let papers = newest(tag.papers);
        let of = Of::Tag(tag.name);
        out.file(urls::tag_feed(tag.name), Feed { of, papers, built });
    }
    for org in orgs::all(inputs.site) {
        let papers = newest(org.papers);
        let of = Of::Org(org.name);
        out.file(urls::org_feed(org.name), Feed { of, papers, built });
    }
}

/// RFC 822 at midnight UTC: deterministic, no clock involved.
fn rfc822(date: NaiveDate) -> String {
    date.format("%a, %d %b %Y 00:00:00 +0000").to_string()
}

impl Render for Feed<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let config = env.config();
        let (title, listing) = match self.of {
            Of::Site => (config.title.clone(), urls::latest().to_string()),
            Of::Tag(tag) => (format!("{} — {tag}", config.title), urls::tag(tag)),
            Of::Org(org) => (format!("{} — {org}", config.title), urls::org(org)),
        };
        let globals = env.globals();
        let mut channel = Channel::default();
        channel.set_title(title);
        channel.set_link(globals.abs(&listing));
        channel.set_description(config.description.clone());
        channel.set_language(config.language.clone());
        channel.set_generator("Gazette".to_string());
        channel.set_last_build_date(self.built.map(rfc822));
        channel.set_atom_ext(AtomExtension {
            links: vec![Link {
                href: globals.abs(url),
                rel: "self".to_string(),
                mime_type: Some("application/rss+xml".to_string()),
                ..Link::default()
            }],
        });
        let items: Vec<Item> = (self.papers.iter())
            .map(|p| {
                let link = globals.abs(&urls::paper(&p.paper.slug));
                item(&link, p.paper, self.built)
            })
            .collect();
        channel.set_items(items);
        let mut out = Vec::with_capacity(1024 + self.papers.len() * 1500);
        // Writing into a Vec cannot fail; an empty feed is the worst case.
        let _ = channel.pretty_write_to(&mut out, b' ', 2);
        out.push(b'\n');
        // The writer escapes markup but passes control characters through.
        let xml = String::from_utf8_lossy(&out);
        Ok(Bytes::from(escape::xml_chars(&xml).as_bytes()))
    }
}

fn item(link: &str, paper: &Paper, built: Option<NaiveDate>) -> Item {
    let mut item = Item::default();
    item.set_title(paper.title.clone());
    item.set_link(link.to_string());
    // Readers treat the description as HTML; the abstract is plain text,
    // its math made readable (feed readers drop MathML).
    item.set_description(escape::html(&math::text_to_plain(&paper.abstract_)));
    item.set_guid(Guid {
        value: link.to_string(),
        permalink: true,
    });
    item.set_pub_date(paper.date.or(built).map(rfc822));
    item.set_categories(
        (paper.tags.iter())
            .map(|t| Category {
                name: t.clone(),
                domain: None,
            })
            .collect::<Vec<_>>(),
    );
    item
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn feeds_hold_the_latest_papers_up_to_the_limit() {
        let mut site = sample();
        site.config.feeds.limit = 2;
        let out = build(&site, "https://example.org/");
        let feed = rss::Channel::read_from(out.files["feed.xml"].as_ref()).unwrap();
        assert_eq!(feed.title(), "Test Digest");
        assert_eq!(feed.link(), "https://example.org/");
        let titles: Vec<_> = feed.items().iter().map(|i| i.title().unwrap()).collect();
        assert_eq!(titles, ["Alpha model", "Gamma rays"]);
        assert_eq!(
            feed.items()[0].pub_date(),
            Some("Mon, 28 Apr 2025 00:00:00 +0000")
        );
        assert_eq!(
            feed.items()[0].link(),
            Some("https://example.org/papers/alpha/")
        );
        let tag = rss::Channel::read_from(out.files["tags/llm/feed.xml"].as_ref()).unwrap();
        assert_eq!(tag.title(), "Test Digest — llm");
        assert_eq!(tag.link(), "https://example.org/tags/llm/");
        assert_eq!(tag.items().len(), 2);
    }

    #[test]
    fn feeds_name_their_own_url_and_date_every_item_without_the_clock() {
        let out = build(&sample(), "https://example.org/sub/");
        for (path, url) in [
            ("feed.xml", "https://example.org/sub/feed.xml"),
            (
                "tags/llm/feed.xml",
                "https://example.org/sub/tags/llm/feed.xml",
            ),
        ] {
            let feed = rss::Channel::read_from(out.files[path].as_ref()).unwrap();
            let links = feed
                .atom_ext()
                .map(|a| a.links().to_vec())
                .unwrap_or_default();
            assert_eq!(links.len(), 1, "{path}");
            assert_eq!((links[0].href(), links[0].rel()), (url, "self"), "{path}");
            assert_eq!(
                feed.last_build_date(),
                Some("Mon, 28 Apr 2025 00:00:00 +0000"),
                "the newest date on the site: {path}"
            );
            assert!(
                feed.items().iter().all(|i| i.pub_date().is_some()),
                "{path}"
            );
        }
        let feed = rss::Channel::read_from(out.files["feed.xml"].as_ref()).unwrap();
        let undated = feed
            .items()
            .iter()
            .find(|i| i.title() == Some("Delta undated"))
            .unwrap();
        assert_eq!(undated.pub_date(), Some("Mon, 28 Apr 2025 00:00:00 +0000"));
        assert_eq!(
            out,
            build(&sample(), "https://example.org/sub/"),
            "byte-identical"
        );
    }
}
