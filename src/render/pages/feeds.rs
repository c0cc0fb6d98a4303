//! `/feed.xml` and `/tags/<tag>/feed.xml`: RSS 2.0 feeds of the newest
//! `[feeds] limit` papers. The `rss` crate writes and escapes the XML; all
//! URLs in them are absolute.

use rss::{Category, Channel, Guid, Item};

use super::tags;
use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, PaperRef, Render};
use crate::render::{escape, math};
use crate::site::{Paper, urls};

#[derive(Hash)]
struct Feed<'s> {
    /// `None`: the site's feed.
    tag: Option<&'s str>,
    /// In the order to show, already cut to the limit.
    papers: Vec<PaperRef<'s>>,
}

/// The site's feed, then each tag's.
pub fn jobs<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let limit = inputs.site.config.feeds.limit;
    let newest = |papers: &[usize]| inputs.papers(&papers[..limit.min(papers.len())]);
    let papers = newest(&inputs.site.index.latest);
    out.file(urls::feed(), Feed { tag: None, papers });
    for tag in tags::all(inputs.site) {
        let papers = newest(tag.papers);
        let job = Feed {
            tag: Some(tag.name),
            papers,
        };
        out.file(urls::tag_feed(tag.name), job);
    }
}

impl Render for Feed<'_> {
    fn render(&self, env: &Env, _url: &str) -> Result<Bytes, Diagnostic> {
        let config = env.config();
        let (title, listing) = match self.tag {
            None => (config.title.clone(), urls::latest().to_string()),
            Some(tag) => (format!("{} — {tag}", config.title), urls::tag(tag)),
        };
        let globals = env.globals();
        let mut channel = Channel::default();
        channel.set_title(title);
        channel.set_link(globals.abs(&listing));
        channel.set_description(config.description.clone());
        channel.set_language(config.language.clone());
        channel.set_generator("Gazette".to_string());
        let items: Vec<Item> = (self.papers.iter())
            .map(|p| item(&globals.abs(&urls::paper(&p.paper.slug)), p.paper))
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

fn item(link: &str, paper: &Paper) -> Item {
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
    if let Some(date) = paper.date {
        // RFC 822 date at midnight UTC: deterministic, no clock involved.
        item.set_pub_date(date.format("%a, %d %b %Y 00:00:00 +0000").to_string());
    }
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
}
