//! The site model: everything under `content/` plus the config, in memory,
//! with the indexes the listings need. Plain data; `load` builds it, the
//! render stage reads it.

pub mod load;
pub mod urls;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::config::Config;
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
    /// The paper's arXiv id (`2606.00683`), when its page has one.
    pub arxiv: Option<String>,
    pub date: Option<NaiveDate>,
    pub authors: Option<u32>,
    pub organization: Option<String>,
    pub upvotes: u32,
    pub tags: Vec<String>,
    pub code: Option<String>,
    pub links: Vec<String>,
    pub digests: Vec<String>,
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
            abstract_,
            body,
            extra: front.extra,
            key,
            fingerprint,
        }
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
    /// Organization → papers in `latest` order.
    pub by_organization: BTreeMap<String, Vec<usize>>,
    /// Papers with no date, in `latest` order.
    pub undated: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub config: Config,
    /// Sorted by slug, so positions are deterministic.
    pub papers: Vec<Paper>,
    pub pages: Vec<FreePage>,
    pub index: Indexes,
}
