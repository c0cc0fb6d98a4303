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

pub(crate) mod context;
mod engine;
pub(crate) mod escape;
#[cfg(test)]
mod fixtures;
mod highlight;
mod json;
pub mod links;
pub(crate) mod markdown;
pub(crate) mod math;
pub(crate) mod outbound;
mod pages;
pub mod search;
pub mod theme;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::output::{MemorySink, Output, Sink, Spare};
use crate::site::Site;

pub use engine::{Edit, Pass, RenderError};
/// Pages per sitemap file: a site with more gets a sitemap index.
pub use pages::sitemap::PER_FILE as SITEMAP_PER_FILE;

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

/// What rendering kept between runs in one process: each paper's template
/// data, the Tera instance for the last theme, and the last output
/// rendered into memory with each file's key. That output is the very one
/// [`render`] returns (and `serve` answers from): its bytes exist once.
#[derive(Default)]
pub struct RenderCache {
    /// By fingerprint: each paper's keys and template data (see
    /// `engine::KeptPaper`; hashing a `Path` costs more than the lookup).
    papers: rustc_hash::FxHashMap<u64, engine::KeptPaper>,
    tera: Option<(u64, Arc<tera::Tera>)>,
    output: Arc<Output>,
    keys: HashMap<String, u64>,
    /// The output before `output`, and the paths whose files differ: the
    /// next notes edit patches it rather than copy `output` (see
    /// [`Spare`]).
    spare: Option<(Arc<Output>, Vec<String>)>,
    /// For one render only ([`RenderCache::once`]).
    once: bool,
    /// What the last render recorded for a notes edit (see [`Edit::NotesOnly`]).
    last_plan: Option<engine::LastPlan>,
}

impl RenderCache {
    /// A cache for a single render (`gazette build`): what only one job
    /// reads of each paper (its page's data, its `papers.json` line, its
    /// search words) is made by that job and dropped with its output
    /// rather than made ahead for every paper and kept; nothing is kept
    /// afterwards. Same bytes, a fraction of the memory.
    pub fn once() -> RenderCache {
        RenderCache {
            once: true,
            ..RenderCache::default()
        }
    }

    /// The last output [`render`] made (empty before the first).
    pub fn output(&self) -> Arc<Output> {
        Arc::clone(&self.output)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStats {
    pub rendered: usize,
    pub reused: usize,
    /// Jobs left for the next render ([`Pass::PagesFirst`]).
    pub deferred: usize,
    /// Jobs made and keyed: every kind's, or after an [`Edit::NotesOnly`]
    /// only those that show the edited notes.
    pub planned: usize,
}

/// Renders the whole site into memory, reusing the files of the last
/// render kept in `cache` whose key did not change. `base_url` is the
/// effective one (config or `--base-url`). Errors name the template or
/// page, and the line.
pub fn render(
    site: &Site,
    theme: &Theme,
    base_url: &str,
    cache: &mut RenderCache,
) -> Result<(Arc<Output>, RenderStats), Vec<Diagnostic>> {
    render_pass(site, theme, base_url, cache, Pass::All, Edit::Any)
}

/// [`render`], running the jobs `pass` says, knowing what changed since
/// the last render into `cache` (`edit`). After [`Pass::PagesFirst`]
/// deferred some (`RenderStats::deferred`), the output holds their last
/// files until a render with [`Pass::All`] follows.
pub fn render_pass(
    site: &Site,
    theme: &Theme,
    base_url: &str,
    cache: &mut RenderCache,
    pass: Pass,
    edit: Edit,
) -> Result<(Arc<Output>, RenderStats), Vec<Diagnostic>> {
    let previous = std::mem::take(&mut cache.output);
    let mut keys = std::mem::take(&mut cache.keys);
    let sink = MemorySink::new(&previous, &mut keys);
    let result = engine::render_all(site, theme, base_url, cache, &sink, pass, edit);
    match result {
        Ok(stats) => {
            let t = std::time::Instant::now();
            // The spare, unless a request or the server still holds it.
            let spare = (cache.spare.take())
                .and_then(|(output, behind)| Some((Arc::try_unwrap(output).ok()?, behind)))
                .map(|(output, behind)| Spare { output, behind });
            let (output, changed) = sink.finish(spare);
            let output = Arc::new(output);
            crate::trace::mark("collect output", t);
            cache.spare = changed.map(|changed| (previous, changed));
            cache.output = Arc::clone(&output);
            cache.keys = keys;
            Ok((output, stats))
        }
        Err(e) => {
            // The last good output stays the one to reuse.
            drop(sink);
            cache.output = previous;
            cache.keys = keys;
            Err(match e {
                RenderError::Sources(errors) => errors,
                RenderError::Output(error) => vec![error],
            })
        }
    }
}

/// Renders the whole site into `sink`, which takes each file as it is made
/// and says which files it still has from its last build (a folder being
/// built: see `output::DirWriter`). Only this process's template data and
/// Tera are reused from `cache`.
pub fn render_into(
    site: &Site,
    theme: &Theme,
    base_url: &str,
    cache: &mut RenderCache,
    sink: &dyn Sink,
) -> Result<RenderStats, RenderError> {
    engine::render_all(site, theme, base_url, cache, sink, Pass::All, Edit::Any)
}
