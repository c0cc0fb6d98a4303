//! `content/` → [`Site`]: read every page, build the indexes.

use std::path::Path;

use super::{Indexes, Site};
use crate::config::Config;
use crate::diagnostic::Diagnostic;

/// What loading kept between runs: parsed pages keyed by their file's content.
#[derive(Default)]
pub struct LoadCache {}

/// Loads `content/papers/*.md` and `content/*.md`. Every bad page is an
/// error naming its file and line; all of them are reported at once.
pub fn load(root: &Path, config: Config, cache: &mut LoadCache) -> Result<Site, Vec<Diagnostic>> {
    let _ = (root, cache);
    Ok(Site {
        config,
        papers: Vec::new(),
        pages: Vec::new(),
        index: Indexes::default(),
    })
}
