//! A paper page on disk, the hand-off between import and the rest of the
//! pipeline: `+++` TOML front matter, then the person's Markdown.
//!
//! [`Facts`] are what the digests state about a paper, declared once;
//! [`front_matter`] reads a page (the schema is in docs/page-format.md), [`write`]
//! makes and updates pages for import. The site's model of a paper is
//! `site::Paper`, made from a [`PageFile`].

pub mod facts;
pub mod front_matter;
pub mod key;
pub mod write;

pub use facts::Facts;
pub use front_matter::{DELIMITER, FrontMatter, IMPORTED, IMPORTED_KEYS, PageFile, read, split};
pub use write::{Updated, created, new_page, update_page};

/// A page as import read or wrote it, parsed: `load` takes it instead of
/// parsing the file again while the file still holds those bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// Relative to the site root (`content/papers/x.md`).
    pub path: std::path::PathBuf,
    /// [`crate::fingerprint::content`] of the file's bytes.
    pub fingerprint: u64,
    pub page: PageFile,
}
