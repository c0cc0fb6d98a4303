//! The output map (site-relative path → bytes) and writing it to a folder.
//!
//! The whole site is rendered into an [`Output`] before anything touches
//! disk; `write_to_dir` then writes only files whose bytes changed, each
//! atomically, and removes files the build no longer produces.

use std::collections::BTreeMap;
use std::sync::Arc;

/// Rendered site: `index.html`, `papers/<slug>/index.html`, `feed.xml`, ...
/// Keys use `/` and never start with one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    pub files: BTreeMap<String, Arc<[u8]>>,
}
