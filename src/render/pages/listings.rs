//! `/listings/` (every listing, newest first, with its size) and
//! `/listings/<date>/` (a day's dumps as they were published: their papers
//! in the dumps' order, with the upvotes the dumps showed). A dump with no
//! date is `/listings/<file-stem>/`.

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use crate::diagnostic::Diagnostic;
use crate::render::context::date_display;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, PaperRef, Render};
use crate::site::listings::Listing;
use crate::site::urls;

/// A listing as the pages that name it show it.
#[derive(Hash, Clone)]
pub struct Summary<'s> {
    slug: &'s str,
    date: Option<NaiveDate>,
    digests: &'s [String],
    count: usize,
}

impl<'s> Summary<'s> {
    pub fn of(listing: &'s Listing) -> Summary<'s> {
        Summary {
            slug: &listing.slug,
            date: listing.date,
            digests: &listing.digests,
            count: listing.entries.len(),
        }
    }

    /// `Nov 3, 2025`, or the dump's file name when it has no date.
    pub fn title(&self) -> String {
        match self.date {
            Some(_) => date_display(self.date),
            None => self.digests.join(", "),
        }
    }

    /// `{slug, url, date, date_display, title, digests, count}`.
    pub fn value(&self, env: &Env) -> Value {
        json!({
            "slug": self.slug,
            "url": env.url(&urls::listing(self.slug)),
            "date": self.date.map(|d| d.to_string()),
            "date_display": self.date.map(|d| date_display(Some(d))),
            "title": self.title(),
            "digests": self.digests,
            "count": self.count,
        })
    }
}

/// One listing's page: its papers in order, with the upvotes shown.
#[derive(Hash)]
struct Day<'s> {
    listing: Summary<'s>,
    entries: Vec<(PaperRef<'s>, Option<u32>)>,
    /// The next newer and older listings.
    newer: Option<Summary<'s>>,
    older: Option<Summary<'s>>,
}

#[derive(Hash)]
struct Index<'s> {
    listings: Vec<Summary<'s>>,
}

/// Each listing's page.
pub fn days<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let all = &inputs.site.index.listings;
    for (n, listing) in all.iter().enumerate() {
        let positions: Vec<usize> = listing.entries.iter().map(|e| e.paper).collect();
        let papers = inputs.papers(&positions);
        let entries = papers
            .into_iter()
            .zip(&listing.entries)
            .map(|(p, e)| (p, e.upvotes))
            .collect();
        let job = Day {
            listing: Summary::of(listing),
            entries,
            newer: n.checked_sub(1).map(|i| Summary::of(&all[i])),
            older: all.get(n + 1).map(Summary::of),
        };
        out.page(urls::listing(&listing.slug), job);
    }
}

/// The index of listings.
pub fn index<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let listings = inputs.site.index.listings.iter().map(Summary::of).collect();
    out.page(urls::listings(), Index { listings });
}

impl Render for Day<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let mut entries = Vec::with_capacity(self.entries.len());
        for (i, &(p, upvotes)) in self.entries.iter().enumerate() {
            let data = env.data(p);
            let Value::Object(mut paper) = data.summary.value() else {
                unreachable!("a summary is an object")
            };
            // The card and row show what this listing showed: the paper's
            // own when that is its upvotes (most entries), else made here.
            let shown = upvotes.unwrap_or(0);
            paper.insert("upvotes".into(), json!(shown));
            let (card, row) = if p.paper.upvotes == shown {
                (data.card.to_owned(), data.row.to_owned())
            } else {
                let (shapes, back) = env.shapes(p, paper)?;
                paper = back;
                (shapes.card, shapes.row)
            };
            entries.push(json!({
                "position": i + 1,
                "upvotes": upvotes,
                "paper": paper,
                "card": card,
                "row": row,
            }));
        }
        let summary = |s: &Option<Summary>| s.as_ref().map_or(Value::Null, |s| s.value(env));
        let mut own = Map::new();
        let title = match self.listing.date {
            Some(_) => format!("Listing of {}", self.listing.title()),
            None => format!("Listing {}", self.listing.title()),
        };
        own.insert("title".into(), json!(title));
        own.insert("listing".into(), self.listing.value(env));
        own.insert("entries".into(), Value::Array(entries));
        own.insert("newer".into(), summary(&self.newer));
        own.insert("older".into(), summary(&self.older));
        env.page("listing.html", url, own)
    }
}

impl Render for Index<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let mut own = Map::new();
        own.insert("title".into(), json!("Listings"));
        let listings = self.listings.iter().map(|l| l.value(env)).collect();
        own.insert("listings".into(), Value::Array(listings));
        env.page("listings.html", url, own)
    }
}

#[cfg(test)]
mod tests {
    use crate::page::facts::Listed;
    use crate::render::fixtures::*;
    use crate::render::links;
    use chrono::NaiveDate;

    fn listed(digest: &str, date: Option<(i32, u32, u32)>, position: u32, upvotes: u32) -> Listed {
        Listed {
            digest: digest.into(),
            date: date.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            position: Some(position),
            upvotes: Some(upvotes),
        }
    }

    #[test]
    fn a_listing_shows_its_papers_in_order_with_the_upvotes_it_showed() {
        let mut a = paper("a", "Alpha", Some((2025, 3, 11)), 30, &[]);
        a.listed = vec![
            listed("001.txt", Some((2025, 3, 11)), 2, 4),
            listed("000.txt", Some((2025, 4, 28)), 1, 30),
        ];
        a.digests = vec!["000.txt".into(), "001.txt".into()];
        let mut b = paper("b", "Beta", Some((2025, 3, 11)), 9, &[]);
        b.listed = vec![listed("001.txt", Some((2025, 3, 11)), 1, 9)];
        let mut c = paper("c", "Gamma", None, 0, &[]);
        c.listed = vec![listed("002_x.txt", None, 1, 0)];
        let out = build(&site_of(vec![a, b, c], vec![]), "https://example.org/");

        let day = text(&out, "listings/2025-03-11/index.html");
        assert!(day.contains("<h1>Listing of Mar 11, 2025</h1>"), "{day}");
        let (beta, alpha) = (
            day.find(">Beta</a>").unwrap(),
            day.find(">Alpha</a>").unwrap(),
        );
        assert!(beta < alpha, "the dump's order");
        assert!(
            day.contains("▲ 4"),
            "Alpha shows the 4 upvotes it had that day: {day}"
        );
        assert!(!day.contains("▲ 30"), "not its later 30");
        assert!(day.contains("001.txt"), "the dump is named");

        let index = text(&out, "listings/index.html");
        let newest = index.find("/listings/2025-04-28/").unwrap();
        let older = index.find("/listings/2025-03-11/").unwrap();
        let undated = index.find("/listings/002_x/").unwrap();
        assert!(newest < older && older < undated, "{index}");
        assert!(text(&out, "listings/002_x/index.html").contains("Gamma"));

        let alpha_page = text(&out, "papers/a/index.html");
        let nov = alpha_page.find("href=\"/listings/2025-04-28/\"").unwrap();
        let mar = alpha_page.find("href=\"/listings/2025-03-11/\"").unwrap();
        assert!(nov < mar, "listed on, newest first: {alpha_page}");
        assert!(alpha_page.contains("Apr 28, 2025") && !alpha_page.contains("001.txt"));
        assert_eq!(links::broken_links(&out, "/"), Vec::<String>::new());
    }

    /// Each entry carries its card: the paper's own where the listing
    /// showed the paper's upvotes, one made for the listing where not; a
    /// `listing.html` that includes the card itself keeps working.
    #[test]
    fn a_listing_entry_carries_the_card_as_the_listing_showed_it() {
        let mut a = paper("a", "Alpha", Some((2025, 3, 11)), 30, &[]);
        a.listed = vec![
            listed("001.txt", Some((2025, 3, 11)), 2, 4),
            listed("000.txt", Some((2025, 4, 28)), 1, 30),
        ];
        let mut b = paper("b", "Beta", Some((2025, 3, 11)), 9, &[]);
        b.listed = vec![listed("001.txt", Some((2025, 3, 11)), 1, 9)];
        let site = site_of(vec![a, b], vec![]);
        let card = (
            "partials/card.html",
            "[{{ paper.title }}|{{ paper.upvotes }}|{{ page_url }}]",
        );
        let spliced = theme_with(&[
            card,
            (
                "listing.html",
                "{% for e in entries %}{{ e.card | safe }}{% endfor %}",
            ),
        ]);
        let out = build_with(&site, &spliced);
        assert_eq!(
            text(&out, "listings/2025-03-11/index.html"),
            "[Beta|9|/papers/b/][Alpha|4|/papers/a/]"
        );
        assert_eq!(
            text(&out, "listings/2025-04-28/index.html"),
            "[Alpha|30|/papers/a/]"
        );
        let included = theme_with(&[
            card,
            (
                "listing.html",
                "{% for e in entries %}{% set paper = e.paper %}{% include \"partials/card.html\" %}{% endfor %}",
            ),
        ]);
        let out = build_with(&site, &included);
        assert_eq!(
            text(&out, "listings/2025-03-11/index.html"),
            "[Beta|9|/listings/2025-03-11/][Alpha|4|/listings/2025-03-11/]"
        );
    }
}
