//! Full-text search, built at render time: the tokeniser (the same
//! algorithm as the theme's `static/search/tokenise.mjs`), each document's
//! words, and the chunked, content-addressed index the search page reads.
//! The page kind that writes it is `render/pages/search.rs`; the format is
//! described in docs/search.md.

mod encode;
pub mod index;
pub mod site;
pub mod tokenise;

pub use index::{Doc, Record};
pub use site::index_site;
