//! The digest format: saved "Daily Papers" listings (also trending and
//! search results pages), in any of the shapes people save them in.
//!
//! `parse` turns one dump into a [`Digest`] (raw facts plus diagnostics):
//! `encoding` reads its bytes as text (UTF-8 or UTF-16),
//! `shape` tells a plain copy, a copy with links and a Markdown export
//! apart, and `plain`, `linked` and `markdown` each read one shape into the
//! same [`Entry`] type, with `fields` (dates, counts, page text) and
//! `hf_url` / `arxiv` (what a link points at) shared between them, and
//! `builder` (the entry being read) between the two shapes with links. `clean`
//! removes LaTeX debris from abstracts and extracts links, and `year`
//! decides which year a dump's year-less dates belong to. Nothing here
//! touches the file system: the import stage feeds text in.

pub mod arxiv;
mod builder;
pub mod clean;
pub mod encoding;
mod fields;
mod hf_url;
mod linked;
mod markdown;
pub mod parse;
mod plain;
pub mod shape;
pub mod year;

pub use clean::{Cleaned, Link, LinkKind, clean_abstract, clean_title};
pub use parse::parse;

use crate::diagnostic::Diagnostic;

/// A month and day as printed in a dump (`Apr 28`, `May 4, 2022`), with the
/// year when the dump gave one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DumpDate {
    pub year: Option<i32>,
    /// 1..=12
    pub month: u32,
    /// 1..=31
    pub day: u32,
}

/// Who wrote the paper, as the metadata block says.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Who {
    /// `  • 6 authors`
    Authors(u32),
    /// An organization: `kyutai Kyutai` in a plain copy, an avatar link
    /// `[![occ-ai](…)OCC](https://huggingface.co/occ-ai)` in a Markdown export.
    Organization {
        /// The display name (`Kyutai`, `OCC`): what pages show.
        name: String,
        /// The Hugging Face handle (`kyutai`, `occ-ai`), when the dump shows it.
        handle: Option<String>,
    },
}

/// One paper as listed in one dump. Text is as found (abstract not yet cleaned).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// 1-based line of the title in the dump.
    pub line: usize,
    pub title: String,
    /// The raw abstract; empty when the entry has none.
    pub abstract_raw: String,
    pub who: Option<Who>,
    /// The paper's own date from its metadata block.
    pub date: Option<DumpDate>,
    pub upvotes: Option<u32>,
    /// The paper's arXiv id (`2606.00683`, no version), from its Hugging
    /// Face or arXiv link; only the shapes with links have one.
    pub arxiv: Option<String>,
    /// How many comments the listing shows, when it shows a count.
    pub comments: Option<u32>,
}

/// One parsed dump.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Digest {
    /// Where the text came from, for messages (a path or file name).
    pub origin: String,
    /// The listing's own date from the page header (`Apr 28`), if any.
    pub listing_date: Option<DumpDate>,
    pub entries: Vec<Entry>,
    pub diagnostics: Vec<Diagnostic>,
}
