//! `/orgs/<slug>/` (an organization's papers, paginated like a tag) and
//! `/orgs/` (the index of organizations). The feeds module gives each
//! organization a feed: it uses [`all`].

use serde_json::{Map, Value, json};

use super::listing::{Page, Pager};
use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};
use crate::site::{Site, urls};

/// An organization with a page: the spelling shown and its papers in
/// `latest` order.
pub struct Org<'s> {
    pub name: &'s str,
    pub papers: &'s [usize],
}

/// Every organization, in URL (slug) order. The site model already merged
/// names that slugify alike (`Indexes::by_organization`), and every name
/// has a slug, so each has its own page.
pub fn all(site: &Site) -> Vec<Org<'_>> {
    let mut orgs: Vec<(String, Org)> = (site.index.by_organization.iter())
        .map(|(name, papers)| (urls::org_slug(name), Org { name, papers }))
        .collect();
    orgs.sort_by(|a, b| a.0.cmp(&b.0));
    orgs.into_iter().map(|(_, org)| org).collect()
}

/// An organization as the pages that list organizations show it.
#[derive(Hash)]
struct Entry<'s> {
    name: &'s str,
    count: usize,
}

impl<'s> Entry<'s> {
    fn of(org: &Org<'s>) -> Entry<'s> {
        Entry {
            name: org.name,
            count: org.papers.len(),
        }
    }

    /// `{name, slug, url, feed_url, count}`.
    fn value(&self, env: &Env) -> Value {
        json!({
            "name": self.name,
            "slug": urls::org_slug(self.name),
            "url": env.url(&urls::org(self.name)),
            "feed_url": env.url(&urls::org_feed(self.name)),
            "count": self.count,
        })
    }
}

#[derive(Hash)]
struct Listing<'s> {
    org: Entry<'s>,
    list: Page<'s>,
}

#[derive(Hash)]
struct Index<'s> {
    orgs: Vec<Entry<'s>>,
}

/// Each organization's listing.
pub fn listings<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let pager = Pager::new(inputs);
    for org in all(inputs.site) {
        for (url, list) in pager.pages(&urls::org(org.name), org.papers, true) {
            let org = Entry::of(&org);
            out.page(url, Listing { org, list });
        }
    }
}

/// The index of organizations.
pub fn index<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let orgs = all(inputs.site).iter().map(Entry::of).collect();
    out.page(urls::orgs(), Index { orgs });
}

impl Render for Listing<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let mut own = Map::new();
        own.insert("org".into(), self.org.value(env));
        own.insert(
            "feed_url".into(),
            json!(env.url(&urls::org_feed(self.org.name))),
        );
        let title = format!("Papers from {}", self.org.name);
        self.list.render(env, url, "list.html", "org", &title, own)
    }
}

impl Render for Index<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let mut own = Map::new();
        own.insert("title".into(), json!("Organizations"));
        let orgs = self.orgs.iter().map(|o| o.value(env)).collect();
        own.insert("orgs".into(), Value::Array(orgs));
        env.page("orgs.html", url, own)
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;
    use crate::render::links;

    fn with_org(slug: &str, title: &str, day: u32, org: &str) -> crate::site::Paper {
        let mut p = paper(slug, title, Some((2025, 1, day)), 0, &[]);
        p.authors = None;
        p.organization = Some(org.to_string());
        p
    }

    #[test]
    fn each_organization_has_a_page_a_feed_and_links_from_cards_and_papers() {
        let site = site_of(
            vec![
                with_org("a", "Alpha", 3, "Kyutai"),
                with_org("b", "Beta", 2, "kyutai"),
                with_org("c", "Gamma", 1, "清华大学"),
                with_org("d", "Delta", 1, "···"),
                with_org("e", "Epsilon", 1, "— —"),
            ],
            vec![],
        );
        let out = build(&site, "https://example.org/");
        let kyutai = text(&out, "orgs/kyutai/index.html");
        assert!(kyutai.contains("Papers from Kyutai"), "{kyutai}");
        assert!(
            kyutai.contains(">Alpha</a>") && kyutai.contains(">Beta</a>"),
            "alike names share a page"
        );
        assert!(kyutai.contains("href=\"/orgs/kyutai/feed.xml\""));
        assert!(text(&out, "orgs/qing-hua-da-xue/index.html").contains("清华大学"));
        let feed = rss::Channel::read_from(out.files["orgs/kyutai/feed.xml"].as_ref()).unwrap();
        assert_eq!(feed.items().len(), 2);

        let index = text(&out, "orgs/index.html");
        let pages: Vec<&String> = (out.files.keys())
            .filter(|k| {
                k.starts_with("orgs/") && k.ends_with("/index.html") && *k != "orgs/index.html"
            })
            .collect();
        assert_eq!(
            pages.len(),
            4,
            "punctuation-only names get a page each: {pages:?}"
        );
        assert!(
            index.contains(">···</a>") && index.contains(">— —</a>"),
            "{index}"
        );

        let home = text(&out, "index.html");
        assert!(
            home.contains("href=\"/orgs/kyutai/\">Kyutai</a>"),
            "cards link it: {home}"
        );
        assert!(text(&out, "papers/b/index.html").contains("href=\"/orgs/kyutai/\">kyutai</a>"));
        assert_eq!(links::broken_links(&out, "/"), Vec::<String>::new());
    }
}
