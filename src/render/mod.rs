//! Site model → output map: Tera templates from the theme (overridden by the
//! site's own `templates/`), Markdown notes, listings, feeds, search index.
//!
//! Rendering is memoized: every output file is a job whose inputs hash to a
//! key; a job whose key did not change since the last run reuses its bytes,
//! so an incremental render is byte-identical to a full one. `engine` runs
//! the jobs and knows no page kind; `pages/` has one module per kind.
//!
//! How it is built and how to add a page kind: docs/dev/render.md. The
//! template contract theme authors rely on: docs/templates.md.

pub mod context;
mod engine;
pub mod escape;
#[cfg(test)]
mod fixtures;
mod highlight;
mod json;
pub mod links;
pub mod markdown;
pub mod math;
mod pages;
pub mod search;
pub mod theme;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::output::Output;
use crate::site::Site;

/// A theme resolved for one site: template sources and static files, the
/// site's `templates/` and `static/` already laid over the theme's.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (`index.html`, `partials/card.html`) → source.
    pub templates: BTreeMap<String, String>,
    /// Site-relative output path (`style.css`) → bytes.
    pub statics: BTreeMap<String, Arc<[u8]>>,
    /// Template name → the file it came from, for error messages
    /// (`themes/default/templates/paper.html`, `templates/paper.html`).
    pub sources: BTreeMap<String, String>,
    /// Static output path → the file it came from, for error messages
    /// (`themes/default/static/style.css`, `static/style.css`).
    pub static_sources: BTreeMap<String, String>,
}

/// Loads the active theme (`themes/<config.theme>/`) and the site's overrides.
pub fn load_theme(root: &Path, config: &Config) -> Result<Theme, Vec<Diagnostic>> {
    theme::load(root, config)
}

/// What rendering kept between runs: each paper's template data, the bytes
/// and key of every job's output files, and the Tera instance for the last theme.
#[derive(Default)]
pub struct RenderCache {
    papers: HashMap<u64, Arc<context::PaperData>>,
    /// Job URL → its key and files (one, or several for a file set).
    files: HashMap<String, (u64, engine::Files)>,
    tera: Option<(u64, Arc<tera::Tera>)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStats {
    pub rendered: usize,
    pub reused: usize,
}

/// Renders the whole site. `base_url` is the effective one (config or
/// `--base-url`). Errors name the template or page, and the line.
pub fn render(
    site: &Site,
    theme: &Theme,
    base_url: &str,
    cache: &mut RenderCache,
) -> Result<(Output, RenderStats), Vec<Diagnostic>> {
    engine::render_all(site, theme, base_url, cache)
}
