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
pub use write::{Updated, new_page, update_page};
