//! A site as the index sees it: what each paper and free page is found by
//! ([`doc`]), what a result shows of it ([`record`]), their filter terms,
//! and the index [`build`] over them in id order. The page kind
//! (`render/pages/search.rs`) uses the per-paper parts made once per
//! change of the paper; [`index_site`] makes everything at once (for the
//! benchmark's index build time).

use std::borrow::Cow;

use chrono::Datelike;
use rayon::prelude::*;

use super::index::{BODY, Builder, File, Meta, ORGANIZATION, TAGS, TITLE};
use super::{Doc, Record};
use crate::render::context::{Globals, Search, excerpt};
use crate::render::{markdown, math};
use crate::site::{FreePage, Paper, Site, urls};

/// Characters of the excerpt a result shows.
const EXCERPT_CHARS: usize = 180;

/// What search finds a paper by: title, organization, tags, the whole
/// abstract and the person's notes (as text), each with its weight.
/// `plain_abstract` is [`math::text_to_plain`] of the abstract (math as
/// words, `O(n log n)`, not TeX), made once per paper by the caller.
pub fn doc(p: &Paper, plain_abstract: &str) -> Doc {
    let tags = p.tags.join(" \n ");
    let notes = markdown::to_text(&p.body);
    Doc::new(&[
        (&p.title, TITLE),
        (&tags, TAGS),
        (p.organization.as_deref().unwrap_or(""), ORGANIZATION),
        (plain_abstract, BODY),
        (&notes, BODY),
    ])
}

/// What a result shows of a paper: JSON, markup-safe.
pub fn record(globals: &Globals, p: &Paper, plain_abstract: &str) -> Box<[u8]> {
    Record(
        &p.title,
        &globals.url(&urls::paper(&p.slug)),
        p.date.map(|d| d.to_string()),
        p.organization.as_deref(),
        p.upvotes,
        &p.tags,
        &excerpt(plain_abstract, EXCERPT_CHARS),
    )
    .to_json()
}

/// A free page's words and record: its title and its text.
pub fn page(globals: &Globals, title: &str, slug: &str, body: &str) -> (Doc, Box<[u8]>) {
    let text = markdown::to_text(body);
    let doc = Doc::new(&[(title, TITLE), (&text, BODY)]);
    let url = globals.url(&urls::free_page(slug));
    let record = Record(
        title,
        &url,
        None,
        None,
        0,
        &[],
        &excerpt(&text, EXCERPT_CHARS),
    );
    (doc, record.to_json())
}

/// A paper's filter terms: `#<tag slug>` per tag (the URL's `?tag=`) and
/// `@<organization slug>` (the URL's `?org=`).
fn facets(p: &Paper) -> Vec<String> {
    let mut facets: Vec<String> = (p.tags.iter())
        .map(|t| format!("#{}", urls::tag_slug(t)))
        .collect();
    facets.extend(
        p.organization
            .as_deref()
            .map(|o| format!("@{}", slug::slugify(o))),
    );
    facets.sort();
    facets.dedup();
    facets
}

/// Papers whose words are made at once (in parallel), then added to the
/// index: it holds one chunk's words, not every paper's.
const CHUNK: usize = 2048;

/// Builds the index, handing each file to `out` (paths under `search/`):
/// `papers` newest first, each one's words and record made by `search`
/// (given its position) a chunk at a time on every core while the chunk
/// before is added, then the free pages `pages`; `tags` and `orgs` as
/// (name, papers) for the filters.
pub fn build<'a>(
    papers: &[&Paper],
    search: impl Fn(usize) -> Cow<'a, Search> + Sync,
    pages: &[(Doc, Box<[u8]>)],
    tags: &[(&str, usize)],
    orgs: &[(&str, usize)],
    out: &mut (dyn FnMut(File) + Send),
) {
    let mut builder = Builder::default();
    let mut ready: Vec<Cow<Search>> = Vec::new();
    let mut at = 0;
    loop {
        let next = at + ready.len();
        let until = (next + CHUNK).min(papers.len());
        let add = |builder: &mut Builder, out: &mut (dyn FnMut(File) + Send)| {
            for (p, s) in papers[at..].iter().zip(&ready) {
                builder.add(&s.doc, &s.record, &facets(p), p.upvotes, out);
            }
        };
        let ((), made) = rayon::join(
            || add(&mut builder, &mut *out),
            || {
                (next..until)
                    .into_par_iter()
                    .map(&search)
                    .collect::<Vec<_>>()
            },
        );
        if made.is_empty() {
            break;
        }
        at = next;
        ready = made;
    }
    for (doc, record) in pages {
        builder.add(doc, record, &[], 0, out);
    }
    // Newest first, so each year's papers are one run of ids.
    let mut years: Vec<(i32, usize, usize)> = Vec::new();
    for (id, p) in papers.iter().enumerate() {
        if let Some(year) = p.date.map(|d| d.year()) {
            match years.last_mut() {
                Some((y, _, end)) if *y == year => *end = id + 1,
                _ => years.push((year, id, id + 1)),
            }
        }
    }
    let meta = Meta {
        papers: papers.len(),
        years,
        tags: (tags.iter())
            .map(|&(name, count)| (name, urls::tag_slug(name), count))
            .collect(),
        orgs: (orgs.iter())
            .map(|&(name, count)| (name, slug::slugify(name), count))
            .collect(),
    };
    builder.finish(&meta, out);
}

/// Names with their paper counts.
pub type Counts<'s> = Vec<(&'s str, usize)>;

/// Tags (in URL order) and organizations (most papers first) with their
/// paper counts.
pub fn facet_lists(site: &Site) -> (Counts<'_>, Counts<'_>) {
    let mut tags: Vec<(&str, usize)> = (site.index.by_tag.iter())
        .map(|(name, papers)| (name.as_str(), papers.len()))
        .collect();
    tags.sort_by_key(|(name, _)| urls::tag_slug(name));
    let mut orgs: Vec<(&str, usize)> = (site.index.by_organization.iter())
        .map(|(org, papers)| (org.as_str(), papers.len()))
        .collect();
    orgs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    (tags, orgs)
}

/// Every file of a site's index (paths under `search/`), made from
/// scratch: each paper's words (in parallel) and the index.
pub fn index_site(site: &Site, base_url: &str) -> Vec<File> {
    let globals = Globals::new(site, base_url);
    let papers: Vec<&Paper> = (site.index.latest.iter())
        .map(|&i| &site.papers[i])
        .collect();
    let search = |i: usize| {
        let p = papers[i];
        Cow::Owned(Search::of(&globals, p, &math::text_to_plain(&p.abstract_)))
    };
    let pages: Vec<(Doc, Box<[u8]>)> = (site.pages.iter())
        .map(|p: &FreePage| page(&globals, &p.title, &p.slug, &p.body))
        .collect();
    let (tags, orgs) = facet_lists(site);
    let mut files = Vec::new();
    build(&papers, search, &pages, &tags, &orgs, &mut |f| {
        files.push(f);
    });
    files
}
