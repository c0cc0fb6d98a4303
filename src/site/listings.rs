//! Listings: each dump as it was published. A paper page's `listed` says,
//! per dump, the listing's date, the paper's place and the upvotes shown;
//! gathered over every page, they give back each day's listing in its own
//! order. The dumps of one day make one listing; a dump with no date is a
//! listing of its own, named after its file.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Paper, urls};

/// One listing: the dumps of one day (or one undated dump), as published.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    /// Its URL segment under `/listings/` ([`urls::listing_slug`]).
    pub slug: String,
    /// The day it was published; `None` for a dump without a date.
    pub date: Option<NaiveDate>,
    /// Its dumps' file names, in dump (file name) order.
    pub digests: Vec<String>,
    /// Its papers in the order the dumps listed them, each once.
    pub entries: Vec<Entry>,
}

/// A paper in a listing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    /// Position in `Site::papers`.
    pub paper: usize,
    /// The upvotes the listing showed (the most, over several dumps of
    /// the day); `None` when it showed none.
    pub upvotes: Option<u32>,
}

/// A paper's appearance in one dump, on the way to its listing.
struct Seen<'a> {
    digest: &'a str,
    position: Option<u32>,
    rank: usize,
    paper: usize,
    upvotes: Option<u32>,
}

/// Every listing, newest first and undated ones last (by slug), and per
/// paper the positions in that list of the listings it is in, newest first.
///
/// `rank` is each paper's place in the `latest` order (ties between papers
/// the dumps give no place to). A dump a page names in `digests` but not in
/// `listed` (a page written before `listed`, or by hand) takes the date
/// other pages give that dump, and the end of its listing.
pub fn build(papers: &[Paper], rank: &[usize]) -> (Vec<Listing>, Vec<Vec<usize>>) {
    let mut dump_dates: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for paper in papers {
        for l in &paper.listed {
            if let Some(date) = l.date {
                let known = dump_dates.entry(&l.digest).or_insert(date);
                *known = (*known).min(date);
            }
        }
    }
    let mut by_slug: BTreeMap<String, (Option<NaiveDate>, Vec<Seen>)> = BTreeMap::new();
    for (i, paper) in papers.iter().enumerate() {
        let listed = paper
            .listed
            .iter()
            .map(|l| (l.digest.as_str(), l.date, l.position, l.upvotes));
        let unlisted = (paper.digests.iter())
            .filter(|d| !paper.listed.iter().any(|l| &l.digest == *d))
            .map(|d| (d.as_str(), dump_dates.get(d.as_str()).copied(), None, None));
        for (digest, date, position, upvotes) in listed.chain(unlisted) {
            let slug = urls::listing_slug(date, digest);
            let (known, seen) = by_slug.entry(slug).or_default();
            *known = (*known).max(date);
            seen.push(Seen {
                digest,
                position,
                rank: rank[i],
                paper: i,
                upvotes,
            });
        }
    }
    let mut listings: Vec<Listing> = by_slug
        .into_iter()
        .map(|(slug, (date, mut seen))| {
            seen.sort_by(|a, b| {
                (a.digest, a.position.is_none(), a.position, a.rank).cmp(&(
                    b.digest,
                    b.position.is_none(),
                    b.position,
                    b.rank,
                ))
            });
            let mut digests: Vec<String> = Vec::new();
            let mut entries: Vec<Entry> = Vec::with_capacity(seen.len());
            for s in seen {
                if digests.last().is_none_or(|d| d != s.digest) {
                    digests.push(s.digest.to_string());
                }
                match entries.iter_mut().find(|e| e.paper == s.paper) {
                    Some(e) => e.upvotes = e.upvotes.max(s.upvotes),
                    None => entries.push(Entry {
                        paper: s.paper,
                        upvotes: s.upvotes,
                    }),
                }
            }
            Listing {
                slug,
                date,
                digests,
                entries,
            }
        })
        .collect();
    // Newest first; undated last, by slug (the map's order, kept by a stable sort).
    listings.sort_by(|a, b| match (a.date, b.date) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut listed_in = vec![Vec::new(); papers.len()];
    for (n, listing) in listings.iter().enumerate() {
        for e in &listing.entries {
            listed_in[e.paper].push(n);
        }
    }
    (listings, listed_in)
}

/// The papers of the latest `days` dated listings, most upvoted first;
/// ties by `rank` (the `latest` order).
pub fn trending(papers: &[Paper], listings: &[Listing], days: usize, rank: &[usize]) -> Vec<usize> {
    let mut chosen: Vec<usize> = (listings.iter())
        .filter(|l| l.date.is_some())
        .take(days)
        .flat_map(|l| l.entries.iter().map(|e| e.paper))
        .collect();
    chosen.sort_unstable();
    chosen.dedup();
    chosen.sort_by(|&a, &b| {
        (papers[b].upvotes)
            .cmp(&papers[a].upvotes)
            .then(rank[a].cmp(&rank[b]))
    });
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::facts::Listed;
    use std::path::PathBuf;

    fn date(m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2025, m, d)
    }

    fn paper(slug: &str, upvotes: u32, listed: &[(&str, Option<NaiveDate>, u32, u32)]) -> Paper {
        Paper {
            slug: slug.into(),
            source: PathBuf::from(format!("content/papers/{slug}.md")),
            body_line: 1,
            key: None,
            title: slug.into(),
            arxiv: None,
            date: None,
            authors: None,
            organization: None,
            upvotes,
            tags: vec![],
            code: None,
            links: vec![],
            digests: listed.iter().map(|l| l.0.to_string()).collect(),
            listed: (listed.iter())
                .map(|&(digest, date, position, upvotes)| Listed {
                    digest: digest.into(),
                    date,
                    position: Some(position),
                    upvotes: Some(upvotes),
                })
                .collect(),
            abstract_: String::new(),
            body: String::new(),
            extra: toml::Table::new(),
            fingerprint: 0,
            warnings: vec![],
        }
    }

    fn slugs<'a>(papers: &'a [Paper], entries: &[Entry]) -> Vec<(&'a str, Option<u32>)> {
        (entries.iter())
            .map(|e| (papers[e.paper].slug.as_str(), e.upvotes))
            .collect()
    }

    #[test]
    fn a_listing_shows_its_papers_in_the_dump_s_order_with_its_upvotes() {
        let papers = vec![
            paper(
                "a",
                9,
                &[("1.txt", date(3, 11), 2, 4), ("2.txt", date(4, 28), 1, 9)],
            ),
            paper("b", 3, &[("1.txt", date(3, 11), 1, 3)]),
            paper("c", 1, &[("0.txt", None, 1, 1)]),
        ];
        let (listings, listed_in) = build(&papers, &[0, 1, 2]);
        let summary: Vec<(&str, Option<NaiveDate>)> =
            listings.iter().map(|l| (l.slug.as_str(), l.date)).collect();
        assert_eq!(
            summary,
            [
                ("2025-04-28", date(4, 28)),
                ("2025-03-11", date(3, 11)),
                ("0", None)
            ],
            "newest first, undated last"
        );
        assert_eq!(
            slugs(&papers, &listings[1].entries),
            [("b", Some(3)), ("a", Some(4))]
        );
        assert_eq!(slugs(&papers, &listings[0].entries), [("a", Some(9))]);
        assert_eq!(listed_in, [vec![0, 1], vec![1], vec![2]]);
    }

    #[test]
    fn two_dumps_of_one_day_make_one_listing_each_paper_once() {
        let papers = vec![
            paper(
                "a",
                9,
                &[("1.txt", date(4, 28), 2, 4), ("2.txt", date(4, 28), 1, 9)],
            ),
            paper("b", 3, &[("1.txt", date(4, 28), 1, 3)]),
            paper("c", 1, &[("2.txt", date(4, 28), 2, 1)]),
        ];
        let (listings, listed_in) = build(&papers, &[0, 1, 2]);
        assert_eq!(listings.len(), 1);
        assert_eq!(listings[0].digests, ["1.txt", "2.txt"]);
        assert_eq!(
            slugs(&papers, &listings[0].entries),
            [("b", Some(3)), ("a", Some(9)), ("c", Some(1))],
            "dump order, then place; a paper in both keeps its first place and the most upvotes"
        );
        assert_eq!(listed_in[0], [0], "listed once");
    }

    #[test]
    fn a_paper_listed_twenty_times_is_in_twenty_listings_once_each() {
        let many: Vec<(String, Option<NaiveDate>)> = (1..=20)
            .map(|d| (format!("{d:02}.txt"), date(5, d)))
            .collect();
        let listed: Vec<(&str, Option<NaiveDate>, u32, u32)> =
            many.iter().map(|(n, d)| (n.as_str(), *d, 1, 2)).collect();
        let papers = vec![paper("a", 2, &listed)];
        let (listings, listed_in) = build(&papers, &[0]);
        assert_eq!(listings.len(), 20);
        assert_eq!(listed_in[0], (0..20).collect::<Vec<_>>());
        assert_eq!(listings[0].date, date(5, 20));
    }

    #[test]
    fn a_dump_named_only_in_digests_joins_its_dated_listing_at_the_end() {
        let mut old = paper("old", 0, &[]);
        old.digests = vec!["1.txt".into()];
        let papers = vec![old, paper("b", 3, &[("1.txt", date(3, 11), 1, 3)])];
        let (listings, _) = build(&papers, &[0, 1]);
        assert_eq!(listings.len(), 1);
        assert_eq!(
            slugs(&papers, &listings[0].entries),
            [("b", Some(3)), ("old", None)]
        );
    }

    #[test]
    fn trending_ranks_the_papers_of_the_latest_listings_by_upvotes() {
        let papers = vec![
            paper("old-star", 99, &[("1.txt", date(1, 1), 1, 99)]),
            paper("a", 5, &[("2.txt", date(4, 1), 1, 5)]),
            paper("b", 8, &[("3.txt", date(4, 2), 1, 8)]),
            paper("c", 1, &[("4.txt", None, 1, 1)]),
        ];
        let rank = [0, 1, 2, 3];
        let (listings, _) = build(&papers, &rank);
        let names =
            |ix: Vec<usize>| -> Vec<&str> { ix.iter().map(|&i| papers[i].slug.as_str()).collect() };
        assert_eq!(names(trending(&papers, &listings, 2, &rank)), ["b", "a"]);
        assert_eq!(
            names(trending(&papers, &listings, 7, &rank)),
            ["old-star", "b", "a"],
            "undated listings are never recent"
        );
    }
}
