//! `/trending/`, `/trending/page/N/`: the papers of the latest listings
//! (`[trending] listings` listing days), most upvoted first. It moves as
//! new dumps arrive; `/top/` is all time.

use chrono::NaiveDate;
use serde_json::{Map, json};

use super::listing::{Page, Pager};
use crate::diagnostic::Diagnostic;
use crate::render::context::date_display;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};
use crate::site::urls;

#[derive(Hash)]
struct Trending<'s> {
    /// The listing days it covers, newest first.
    days: Vec<NaiveDate>,
    list: Page<'s>,
}

pub fn jobs<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let index = &inputs.site.index;
    let days: Vec<NaiveDate> = (index.listings.iter())
        .filter_map(|l| l.date)
        .take(inputs.site.config.trending.listings)
        .collect();
    for (url, list) in Pager::new(inputs).pages(urls::trending(), &index.trending, true) {
        let days = days.clone();
        out.page(url, Trending { days, list });
    }
}

impl Render for Trending<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let day = |d: Option<&NaiveDate>| {
            d.map(|&d| json!({"date": d.to_string(), "date_display": date_display(Some(d)), "url": env.url(&urls::listing(&urls::listing_slug(Some(d), "")))}))
        };
        let mut own = Map::new();
        own.insert(
            "window".into(),
            json!({
                "listings": self.days.len(),
                "newest": day(self.days.first()),
                "oldest": day(self.days.last()),
            }),
        );
        self.list
            .render(env, url, "list.html", "trending", "Trending papers", own)
    }
}

#[cfg(test)]
mod tests {
    use crate::page::facts::Listed;
    use crate::render::fixtures::*;
    use chrono::NaiveDate;

    fn listed_on(slug: &str, title: &str, day: u32, upvotes: u32) -> crate::site::Paper {
        let mut p = paper(slug, title, Some((2025, 5, day)), upvotes, &[]);
        p.digests = vec![format!("{day:02}.txt")];
        p.listed = vec![Listed {
            digest: format!("{day:02}.txt"),
            date: NaiveDate::from_ymd_opt(2025, 5, day),
            position: Some(1),
            upvotes: Some(upvotes),
        }];
        p
    }

    #[test]
    fn trending_ranks_the_latest_listings_by_upvotes_and_moves_with_new_dumps() {
        let mut papers = vec![
            listed_on("old", "Old star", 1, 500),
            listed_on("a", "Alpha", 2, 3),
            listed_on("b", "Beta", 3, 9),
        ];
        let mut site = site_of(papers.clone(), vec![]);
        site.config.trending.listings = 2;
        site.config.paginate = 30;
        let out = build(&reindexed(site), "https://example.org/");
        let page = text(&out, "trending/index.html");
        let (beta, alpha) = (
            page.find(">Beta</a>").unwrap(),
            page.find(">Alpha</a>").unwrap(),
        );
        assert!(beta < alpha, "most upvoted first");
        assert!(
            !page.contains("Old star"),
            "older than the latest 2 listings"
        );
        assert!(
            page.contains("May 2, 2025") && page.contains("May 3, 2025"),
            "{page}"
        );

        // A new dump arrives: the oldest listing day leaves the window.
        papers.push(listed_on("c", "Gamma", 4, 1));
        let mut site = site_of(papers, vec![]);
        site.config.trending.listings = 2;
        let out = build(&reindexed(site), "https://example.org/");
        let page = text(&out, "trending/index.html");
        assert!(
            page.contains(">Gamma</a>") && !page.contains(">Alpha</a>"),
            "{page}"
        );
    }
}
