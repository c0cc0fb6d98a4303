//! The site model: everything under `content/` plus the config, in memory,
//! with the indexes the listings need. Plain data; `load` builds it, the
//! render stage reads it.

pub mod listings;
pub mod load;
pub mod related;
pub mod urls;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::page::facts::Listed;
use crate::page::{Facts, PageFile};

/// One paper page, as loaded from `content/papers/<slug>.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct Paper {
    /// URL segment: `/papers/<slug>/`.
    pub slug: String,
    /// The source file, relative to the site root (for messages).
    pub source: PathBuf,
    /// 1-based line where the Markdown body starts in `source`.
    pub body_line: usize,
    pub title: String,
    /// The paper's arXiv id (`2606.00683`), when its page has a valid one
    /// (a malformed one is a warning in `warnings`, and no id).
    pub arxiv: Option<String>,
    pub date: Option<NaiveDate>,
    pub authors: Option<u32>,
    pub organization: Option<String>,
    pub upvotes: u32,
    pub tags: Vec<String>,
    pub code: Option<String>,
    pub links: Vec<String>,
    pub digests: Vec<String>,
    /// How each dump listed it (date, place, upvotes shown).
    pub listed: Vec<Listed>,
    pub abstract_: String,
    /// The person's notes, Markdown source.
    pub body: String,
    /// Fields the person added to the front matter.
    pub extra: toml::Table,
    /// Which paper an imported page is about (`[imported] key`): two pages
    /// with one key are one paper published twice. `None` when hand-written.
    pub key: Option<String>,
    /// Hash of the source file's bytes: changes whenever the page does.
    pub fingerprint: u64,
    /// Problems with the page that do not stop a build (a malformed arXiv
    /// id), as `file:line` warnings every build reports.
    pub warnings: Vec<Diagnostic>,
}

impl Paper {
    /// The model of a paper page read from `source` (relative to the site
    /// root): what the page says, as it says it. The one place the page's
    /// fields map to the model's.
    pub fn from_page(page: PageFile, slug: String, source: PathBuf, fingerprint: u64) -> Paper {
        let key = page.front.paper_key();
        let PageFile {
            front,
            body,
            body_line,
        } = page;
        // Spelt out, so a new fact cannot be left out of the model.
        let Facts {
            title,
            arxiv,
            date,
            authors,
            organization,
            upvotes,
            tags,
            code,
            links,
            digests,
            abstract_,
            listed,
        } = front.facts;
        Paper {
            slug,
            source,
            body_line,
            title,
            arxiv,
            date,
            authors,
            organization,
            upvotes: upvotes.unwrap_or(0),
            tags,
            code,
            links,
            digests,
            listed,
            abstract_,
            body,
            extra: front.extra,
            key,
            fingerprint,
            warnings: Vec::new(),
        }
    }

    /// The text related papers are found by: equal for two versions of a
    /// page means their related lists are the same (notes do not count).
    pub fn same_text(&self, other: &Paper) -> bool {
        self.slug == other.slug
            && self.title == other.title
            && self.abstract_ == other.abstract_
            && self.tags == other.tags
    }
}

/// A free page: `content/<name>.md` → `/<slug>/`.
#[derive(Debug, Clone, PartialEq)]
pub struct FreePage {
    pub slug: String,
    pub source: PathBuf,
    pub body_line: usize,
    pub title: String,
    /// Template name, `page.html` unless the front matter says otherwise.
    pub template: String,
    pub body: String,
    pub extra: toml::Table,
    pub fingerprint: u64,
}

/// Positions into `Site::papers`, in the order each listing shows them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Indexes {
    /// Newest first; undated papers last; ties by title then slug.
    pub latest: Vec<usize>,
    /// Most upvoted first; ties in `latest` order.
    pub top: Vec<usize>,
    /// Tag → papers in `latest` order. Tags that slugify alike (`LLM`,
    /// `llm`) share one entry under the spelling seen first; tags that
    /// slugify to nothing have none. So every key has its own non-empty
    /// URL slug, and render makes one page per key.
    pub by_tag: BTreeMap<String, Vec<usize>>,
    /// (year, month) → papers in `latest` order.
    pub by_month: BTreeMap<(i32, u32), Vec<usize>>,
    /// Day → papers in `latest` order.
    pub by_day: BTreeMap<NaiveDate, Vec<usize>>,
    /// ISO week (week-based year, week number) → papers in `latest` order.
    pub by_week: BTreeMap<(i32, u32), Vec<usize>>,
    /// Organization → papers in `latest` order. Names that slugify alike
    /// (`Kyutai`, `kyutai`) share one entry under the spelling seen first,
    /// and every name has a slug ([`urls::org_slug`]), so every key has its
    /// own page.
    pub by_organization: BTreeMap<String, Vec<usize>>,
    /// Papers with no date, in `latest` order.
    pub undated: Vec<usize>,
    /// Every listing (the dumps of one day, as published), newest first,
    /// the undated ones last.
    pub listings: Vec<listings::Listing>,
    /// Per paper (by position): the listings it is in, as positions in
    /// `listings`, newest first.
    pub listed_in: Vec<Vec<usize>>,
    /// The papers of the latest `[trending] listings` dated listings, most
    /// upvoted first; ties in `latest` order.
    pub trending: Vec<usize>,
    /// Per paper (by position): the papers most like it, best first, at
    /// most `[related] count` ([`related`]).
    pub related: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub config: Config,
    /// Sorted by slug, so positions are deterministic.
    pub papers: Vec<Paper>,
    pub pages: Vec<FreePage>,
    pub index: Indexes,
}

impl Site {
    /// What every build reports about the pages without failing: each
    /// paper's warnings, in slug order.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.papers.iter().flat_map(|p| &p.warnings)
    }

    /// The newest date the site knows (a paper's or a listing's): what its
    /// feeds and sitemap give as the date of the site as a whole.
    pub fn newest_date(&self) -> Option<NaiveDate> {
        let paper = self.index.latest.first().and_then(|&i| self.papers[i].date);
        let listing = self.index.listings.first().and_then(|l| l.date);
        paper.max(listing)
    }
}
