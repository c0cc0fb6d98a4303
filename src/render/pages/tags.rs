//! `/tags/<tag>/` (paginated listings) and `/tags/` (the index of tags).
//! The search page lists the tags too, and the feeds module gives each
//! tag a feed: both use [`all`] and [`Entry`].

use serde_json::{Map, Value, json};

use super::listing::{Page, Pager};
use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};
use crate::site::{Site, urls};

/// A tag with a page: the spelling shown and its papers in `latest` order.
pub struct Tag<'s> {
    pub name: &'s str,
    pub papers: &'s [usize],
}

/// Every tag, in URL (slug) order. The site model already merged tags
/// that slugify alike and dropped those with no slug (`Indexes::by_tag`).
pub fn all(site: &Site) -> Vec<Tag<'_>> {
    let mut tags: Vec<(String, Tag)> = site
        .index
        .by_tag
        .iter()
        .map(|(name, papers)| (urls::tag_slug(name), Tag { name, papers }))
        .collect();
    tags.sort_by(|a, b| a.0.cmp(&b.0));
    tags.into_iter().map(|(_, tag)| tag).collect()
}

/// A tag as the pages that list tags show it.
#[derive(Hash)]
pub struct Entry<'s> {
    name: &'s str,
    count: usize,
}

impl<'s> Entry<'s> {
    pub fn of(tag: &Tag<'s>) -> Entry<'s> {
        Entry {
            name: tag.name,
            count: tag.papers.len(),
        }
    }

    /// Every tag's entry, in URL order.
    pub fn all(site: &'s Site) -> Vec<Entry<'s>> {
        all(site).iter().map(Entry::of).collect()
    }

    /// `{name, slug, url, feed_url, count}`.
    pub fn value(&self, env: &Env) -> Value {
        json!({
            "name": self.name,
            "slug": urls::tag_slug(self.name),
            "url": env.url(&urls::tag(self.name)),
            "feed_url": env.url(&urls::tag_feed(self.name)),
            "count": self.count,
        })
    }

    pub fn values(entries: &[Entry], env: &Env) -> Value {
        Value::Array(entries.iter().map(|e| e.value(env)).collect())
    }
}

#[derive(Hash)]
struct Listing<'s> {
    tag: Entry<'s>,
    list: Page<'s>,
}

#[derive(Hash)]
struct Index<'s> {
    tags: Vec<Entry<'s>>,
}

/// Each tag's listing.
pub fn listings<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let pager = Pager::new(inputs);
    for tag in all(inputs.site) {
        for (url, list) in pager.pages(&urls::tag(tag.name), tag.papers, true) {
            let tag = Entry::of(&tag);
            out.page(url, Listing { tag, list });
        }
    }
}

/// The index of tags.
pub fn index<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let tags = Entry::all(inputs.site);
    out.page(urls::tags(), Index { tags });
}

impl Render for Listing<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let mut own = Map::new();
        own.insert("tag".into(), self.tag.value(env));
        own.insert(
            "feed_url".into(),
            json!(env.url(&urls::tag_feed(self.tag.name))),
        );
        let title = format!("Papers tagged “{}”", self.tag.name);
        self.list.render(env, url, "list.html", "tag", &title, own)
    }
}

impl Render for Index<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let mut own = Map::new();
        own.insert("title".into(), json!("Tags"));
        own.insert("tags".into(), Entry::values(&self.tags, env));
        env.page("tags.html", url, own)
    }
}

#[cfg(test)]
mod tests {
    use crate::render::RenderCache;
    use crate::render::fixtures::*;

    #[test]
    fn the_tag_index_links_each_tag_with_its_count() {
        let out = build(&sample(), "https://example.org/");
        let tags = text(&out, "tags/index.html");
        assert!(
            tags.contains("href=\"/tags/llm/\">llm</a> <small>2</small>"),
            "{tags}"
        );
        let llm = text(&out, "tags/llm/index.html");
        assert!(llm.contains("Papers tagged “llm”"), "{llm}");
        assert!(llm.contains("href=\"/tags/llm/feed.xml\""), "{llm}");
    }

    #[test]
    fn tags_sharing_a_slug_share_one_page_under_the_first_spelling() {
        let site = site_of(
            vec![
                paper("a", "A", Some((2025, 1, 2)), 0, &["LLM"]),
                paper("b", "B", Some((2025, 1, 1)), 0, &["llm"]),
            ],
            vec![],
        );
        let out = build(&site, "https://example.org/");
        let page = text(&out, "tags/llm/index.html");
        assert!(page.contains(">A</a>") && page.contains(">B</a>"), "{page}");
        assert!(page.contains("Papers tagged “LLM”"), "{page}");
        let tag_pages: Vec<&String> = out
            .files
            .keys()
            .filter(|k| {
                k.starts_with("tags/") && k.ends_with("/index.html") && *k != "tags/index.html"
            })
            .collect();
        assert_eq!(tag_pages, ["tags/llm/index.html"]);
        assert!(text(&out, "tags/index.html").contains(">LLM</a> <small>2</small>"));
    }

    #[test]
    fn tags_told_apart_by_plus_or_sharp_signs_get_a_page_each() {
        let site = site_of(
            vec![
                paper("a", "A", Some((2025, 1, 3)), 0, &["C++"]),
                paper("b", "B", Some((2025, 1, 2)), 0, &["C"]),
                paper("c", "C", Some((2025, 1, 1)), 0, &["c#"]),
            ],
            vec![],
        );
        let out = build(&site, "https://example.org/");
        for (path, title) in [
            ("tags/c-plus-plus/index.html", "Papers tagged “C++”"),
            ("tags/c/index.html", "Papers tagged “C”"),
            ("tags/c-sharp/index.html", "Papers tagged “c#”"),
        ] {
            assert!(text(&out, path).contains(title), "{path}");
        }
    }

    /// The spelling a shared tag shows comes from the newest paper: when it
    /// changes, every page of the listing must show the new one, even pages
    /// that do not show that paper.
    #[test]
    fn a_new_spelling_of_a_tag_reaches_every_page_of_its_listing() {
        let spelled = |first: &str| {
            site_of(
                vec![
                    paper("a", "A", Some((2025, 1, 3)), 0, &[first]),
                    paper("b", "B", Some((2025, 1, 2)), 0, &["llm"]),
                    paper("c", "C", Some((2025, 1, 1)), 0, &["llm"]),
                ],
                vec![],
            )
        };
        let theme = default_theme();
        let mut cache = RenderCache::default();
        render_with(&spelled("LLM"), &theme, &mut cache);
        let site = spelled("Llm");
        let incremental = render_with(&site, &theme, &mut cache);
        let page2 = text(&incremental, "tags/llm/page/2/index.html");
        assert!(page2.contains("Papers tagged “Llm” — page 2"), "{page2}");
        assert_eq!(incremental, build(&site, "https://example.org/"));
    }
}
