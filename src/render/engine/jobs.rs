//! The job list each page kind fills, and the one shape every job takes
//! in it ([`Work`]) whatever its type.

use std::hash::Hash;
use std::io;
use std::sync::Arc;

use super::{Env, Put, Render, RenderFiles, RenderStream};
use crate::diagnostic::Diagnostic;
use crate::fingerprint::Stable;
use crate::site::urls;

/// What a kind hands the engine: its jobs, and problems with the site.
#[derive(Default)]
pub struct Jobs<'s> {
    pub(super) list: Vec<Job<'s>>,
    pub(super) errors: Vec<Diagnostic>,
    /// Only the jobs at these URLs go in `list` (a notes edit makes again
    /// the few jobs that show the edited notes, not a kind's every job).
    pub(super) only: Option<rustc_hash::FxHashSet<String>>,
    /// Every job the kind made, in `list` or not.
    pub(super) made: usize,
}

pub(super) struct Job<'s> {
    pub(super) url: String,
    /// The file at `url` ([`urls::file_for`]), made once.
    pub(super) file: String,
    /// The kind that made it: its place in [`crate::render::pages::KINDS`].
    pub(super) kind: usize,
    /// A page people browse to (listed in the sitemap).
    pub(super) page: bool,
    pub(super) work: Box<dyn Work + 's>,
}

impl<'s> Jobs<'s> {
    /// An HTML page at `url`, listed in the sitemap.
    pub fn page(&mut self, url: impl Into<String>, job: impl Render + 's) {
        self.push(url.into(), true, |job| Box::new(job), job);
    }

    /// Any other file at `url` (feeds, JSON, statics, `404.html`).
    pub fn file(&mut self, url: impl Into<String>, job: impl Render + 's) {
        self.push(url.into(), false, |job| Box::new(job), job);
    }

    /// A file too large to hold whole, written piece by piece (see
    /// [`RenderStream`]).
    pub fn stream(&mut self, url: impl Into<String>, job: impl RenderStream + 's) {
        self.push(url.into(), false, |job| Box::new(Streamed(job)), job);
    }

    /// Several files from one job, rooted at `url` (see [`RenderFiles`]).
    pub fn files(&mut self, url: impl Into<String>, job: impl RenderFiles + 's) {
        self.push(url.into(), false, |job| Box::new(Many(job)), job);
    }

    /// A problem that stops the render before any page is made.
    pub fn error(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    fn push<J>(&mut self, url: String, page: bool, boxed: fn(J) -> Box<dyn Work + 's>, job: J) {
        self.made += 1;
        if self.only.as_ref().is_some_and(|only| !only.contains(&url)) {
            return; // dropped before it is boxed or its file named
        }
        self.list.push(Job {
            file: urls::file_for(&url),
            kind: 0,
            url,
            page,
            work: boxed(job),
        });
    }
}

/// [`Render`] without its generic `Hash`, so jobs of every kind fit in one list.
pub(super) trait Work: Send + Sync {
    fn key(&self, state: &mut Stable);
    /// Makes the job's files, handing each to `out` as it is made.
    fn run(&self, env: &Env, url: &str, out: Put) -> Result<(), Diagnostic>;
    /// Whether the job makes the one file at its URL (a [`Render`]): only
    /// then can a sink tell it still has the job's output.
    fn one_file(&self) -> bool;
    fn origin(&self) -> Option<String>;
    /// Writes the job's one file to `out` piece by piece, if it is a
    /// [`RenderStream`] (`None` otherwise): then `run` is only for sinks
    /// that hold bytes anyway.
    fn write(&self, _env: &Env, _url: &str, _out: &mut dyn io::Write) -> Option<io::Result<()>> {
        None
    }
    fn streams(&self) -> bool {
        false
    }
    /// Reads no paper's summary or card (the search index, the chunks of
    /// `papers.json`): a one-off render runs it first.
    fn whole_site(&self) -> bool {
        false
    }
}

impl<T: Render> Work for T {
    fn key(&self, state: &mut Stable) {
        // The type too: two kinds of job at one path (a static file in
        // place of a generated one) never share a key.
        std::any::type_name::<T>().hash(state);
        self.hash(state);
    }

    fn run(&self, env: &Env, url: &str, out: Put) -> Result<(), Diagnostic> {
        out(urls::file_for(url), self.render(env, url)?)
    }

    fn one_file(&self) -> bool {
        true
    }

    fn origin(&self) -> Option<String> {
        self.source()
    }
}

/// A [`RenderFiles`] job in the list (a wrapper: one blanket impl per trait
/// would overlap).
struct Many<T>(T);

impl<T: RenderFiles> Work for Many<T> {
    fn key(&self, state: &mut Stable) {
        std::any::type_name::<T>().hash(state);
        self.0.hash(state);
    }

    fn one_file(&self) -> bool {
        false
    }

    fn run(&self, env: &Env, url: &str, out: Put) -> Result<(), Diagnostic> {
        self.0.render(env, url, out)
    }

    /// Made from the site as a whole (the search index).
    fn origin(&self) -> Option<String> {
        None
    }

    fn whole_site(&self) -> bool {
        true
    }
}

/// A [`RenderStream`] job in the list.
struct Streamed<T>(T);

impl<T: RenderStream> Work for Streamed<T> {
    fn key(&self, state: &mut Stable) {
        std::any::type_name::<T>().hash(state);
        self.0.hash(state);
    }

    fn run(&self, env: &Env, url: &str, out: Put) -> Result<(), Diagnostic> {
        let mut bytes = Vec::new();
        self.0
            .write(env, url, &mut bytes)
            .map_err(|e| Diagnostic::error(url, 0, format!("cannot render: {e}")))?;
        out(urls::file_for(url), Arc::from(bytes))
    }

    fn one_file(&self) -> bool {
        true
    }

    fn origin(&self) -> Option<String> {
        None
    }

    fn write(&self, env: &Env, url: &str, out: &mut dyn io::Write) -> Option<io::Result<()>> {
        Some(self.0.write(env, url, out))
    }

    fn streams(&self) -> bool {
        true
    }

    fn whole_site(&self) -> bool {
        true
    }
}
