//! The render engine. It knows no page kind: it asks every kind in
//! [`pages::KINDS`] for its jobs (one per output file), keys each job by
//! hashing the job itself, reuses the bytes of a job whose key it saw last
//! time, runs the rest in parallel and groups their errors.
//!
//! Why keys cannot drift from what a page shows: a job is a plain value
//! holding everything its output shows, and its renderer sees only that
//! value, its URL and the [`Env`]. The key hashes the job (`derive(Hash)`),
//! the URL and the site key, which covers everything in the `Env`. Papers
//! travel as [`PaperRef`]s, which hash as every fact of the paper but its
//! notes; a job that shows notes holds the paper as [`Noted`], which hashes
//! the notes too and is the only way to reach them through the `Env`. So a
//! notes edit re-renders the paper's page and the search index, not every
//! listing, feed and neighbour that shows the paper's card. Keys are made
//! with a hasher that is the same in every process ([`Stable`]), so a build
//! can compare them with the keys the previous `gazette build` stored.
//!
//! `serve` also says when only notes changed ([`Edit::NotesOnly`]): then
//! only the jobs that hashed an edited paper's [`Noted`] last time are
//! made, keyed and run again (`notes.rs`), and the sink keeps every other
//! file as it was.
//!
//! Each file goes to a [`Sink`] the moment it is made (a folder being
//! built, or the in-memory output `serve` answers from); the sink also
//! decides which files it can keep from the last render.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use serde_json::{Map, Value};
use tera::Tera;

use super::context::{self, Globals, PaperData, Search, Shapes};
use super::math;
use super::pages::papers_json;
use super::{RenderCache, RenderStats, Theme, theme};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::fingerprint::{Stable, stable};
use crate::output::Sink;
use crate::site::{Paper, Site, urls};
use crate::trace;

mod jobs;
mod notes;
mod papers;
mod plan;
mod run;

use jobs::Job;
pub use jobs::Jobs;
pub use papers::{Noted, PaperRef};
use papers::{Notes, shown_key, shows_notes};
use plan::{group_errors, plan};
use run::{Outcome, run_jobs};

/// An output file's bytes, shared with the cache.
pub type Bytes = Arc<[u8]>;

/// One output file. Its fields are all its output shows besides the
/// [`Env`]: the engine hashes them into the file's key.
pub trait Render: Hash + Send + Sync {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic>;

    /// The file a person would edit to change this output (a page's
    /// Markdown, a static file), to name when two jobs claim one path.
    /// `None`: Gazette makes it from the site as a whole.
    fn source(&self) -> Option<String> {
        None
    }
}

/// A job that writes several files at once, for outputs whose names come
/// from their content (the search index's content-hashed shards): it is
/// keyed and rendered like a [`Render`] job, and hands each file to `out`
/// (site path, bytes) as soon as it is made, so the job never holds them
/// all; after the first error `out` returns (the sink failed) it hands
/// over no more files and returns that error. Its
/// paths should lie under its URL's folder. It is kept as a whole: the
/// sink keeps every file it made under the same key. Like a
/// [`RenderStream`], it reads no paper's summary or card ([`Env::data`]):
/// a one-off render runs it before those are made.
pub trait RenderFiles: Hash + Send + Sync {
    fn render(&self, env: &Env, url: &str, out: Put) -> Result<(), Diagnostic>;
}

/// Where a job hands each file it makes: (site path, bytes). An error
/// (the sink could not take it) must stop the job.
pub type Put<'a> = &'a mut (dyn FnMut(String, Bytes) -> Result<(), Diagnostic> + Send);

/// A job whose one file may be too large to hold whole (a chunk of
/// `papers.json`: one month may hold most of a site's papers, 1.8 KB
/// each): it writes the file piece by piece, and a
/// sink that keeps no bytes (a folder) passes the pieces straight on. It
/// is keyed like a [`Render`]; it makes its bytes from the site, so it
/// has no errors but the writer's. It reads no paper's summary or card
/// ([`Env::data`]): a one-off render runs it before those are made.
pub trait RenderStream: Hash + Send + Sync {
    fn write(&self, env: &Env, url: &str, out: &mut dyn std::io::Write) -> std::io::Result<()>;
}

/// How a kind makes its jobs (one line in [`pages::KINDS`]).
pub enum Kind {
    /// From the site.
    Site(for<'s> fn(&'s Inputs<'s>, &mut Jobs<'s>)),
    /// From the site and the URL of every page the `Site` kinds made, in
    /// table order (the sitemap).
    Pages(for<'s> fn(&'s Inputs<'s>, &[String], &mut Jobs<'s>)),
}

/// What kinds read to make their jobs.
pub struct Inputs<'s> {
    pub site: &'s Site,
    pub theme: &'s Theme,
    /// By position in `site.papers` (the positions the indexes hold).
    papers: Vec<PaperRef<'s>>,
}

impl<'s> Inputs<'s> {
    /// Every paper, in `site.papers` (slug) order.
    pub fn all_papers(&self) -> &[PaperRef<'s>] {
        &self.papers
    }

    /// The papers at these positions of `site.papers`, in the given order.
    pub fn papers(&self, positions: &[usize]) -> Vec<PaperRef<'s>> {
        positions.iter().map(|&i| self.papers[i]).collect()
    }
}

/// What every renderer may read besides its job: values covered by the
/// site key, and the template data of the papers its job holds.
pub struct Env<'s> {
    globals: &'s Globals,
    tera: Arc<Tera>,
    theme: &'s Theme,
    config: &'s Config,
    data: Vec<Arc<PaperData>>,
}

impl Env<'_> {
    pub fn globals(&self) -> &Globals {
        self.globals
    }

    pub fn config(&self) -> &Config {
        self.config
    }

    /// Root-relative URL of a site path.
    pub fn url(&self, path: &str) -> String {
        self.globals.url(path)
    }

    /// What a paper's card and facts show (its notes aside).
    pub fn data(&self, paper: PaperRef) -> Shown<'_> {
        let data = &self.data[paper.pos];
        Shown {
            summary: &data.summary,
            card: &data.card,
            row: &data.row,
        }
    }

    /// What a paper's own page shows of it, notes included (see [`Noted`]).
    pub fn full(&self, paper: Noted) -> Value {
        let data = &self.data[paper.0.pos];
        match &data.parts {
            Some(parts) => parts.full.clone(),
            None => context::full(self.globals, paper.0.paper, &data.summary),
        }
    }

    /// A paper's [`context::Parts`], when made ahead: not in a one-off
    /// render, whose whole-site jobs run before any paper's data is made.
    fn parts(&self, paper: PaperRef) -> Option<&context::Parts> {
        self.data.get(paper.pos)?.parts.as_deref()
    }

    /// A paper's line of `papers.json`.
    pub fn facts_json(&self, paper: PaperRef) -> Cow<'_, [u8]> {
        match self.parts(paper) {
            Some(parts) => Cow::Borrowed(&parts.facts_json),
            None => Cow::Owned(papers_json::record(paper.paper).into_vec()),
        }
    }

    /// What search finds a paper by, its notes included (see [`Noted`]).
    pub fn search(&self, paper: Noted) -> Cow<'_, Search> {
        match self.parts(paper.0) {
            Some(parts) => Cow::Borrowed(&parts.search),
            None => {
                let paper = paper.0.paper;
                let plain = math::text_to_plain(&paper.abstract_);
                Cow::Owned(Search::of(self.globals, paper, &plain))
            }
        }
    }

    /// A paper's summary with its `card` and `row`, as listings' `papers`
    /// and a paper page's `previous` and `next` show it.
    pub fn summary_with_card(&self, paper: PaperRef) -> Value {
        let data = self.data(paper);
        let mut summary = data.summary.value();
        if let Some(fields) = summary.as_object_mut() {
            fields.insert("card".into(), Value::String(data.card.to_owned()));
            fields.insert("row".into(), Value::String(data.row.to_owned()));
        }
        summary
    }

    /// `paper`'s card and row rendered from `summary` (its summary fields
    /// changed by a page, such as the upvotes a listing showed), and the
    /// summary.
    pub fn shapes(
        &self,
        paper: PaperRef,
        summary: Map<String, Value>,
    ) -> Result<(Shapes, Map<String, Value>), Diagnostic> {
        context::shapes(self.globals, &self.tera, self.theme, paper.paper, summary)
    }

    /// Renders `template` for the page at `url`, with the shared values plus `own`.
    pub fn page(
        &self,
        template: &str,
        url: &str,
        own: Map<String, Value>,
    ) -> Result<Bytes, Diagnostic> {
        let html = (self.globals).with_context(url, own, |ctx| self.tera.render(template, ctx));
        match html {
            Ok(html) => Ok(Arc::from(html.into_bytes())),
            Err(e) => Err(theme::template_error(
                self.theme,
                Some(template),
                &e,
                "cannot render",
            )),
        }
    }
}

/// The parts of a paper's template data without its notes.
pub struct Shown<'a> {
    /// The short fields, without `card`.
    pub summary: &'a context::Summary,
    /// The card, rendered once and spliced into every listing.
    pub card: &'a str,
    /// The compact row, rendered once too.
    pub row: &'a str,
}

/// A job with its key.
type Keyed<'a, 's> = (&'a Job<'s>, u64);

/// A failure while rendering one page; grouped by diagnostic afterwards.
type JobError = (Diagnostic, String);

/// Why a render stopped.
#[derive(Debug)]
pub enum RenderError {
    /// Errors in the sources or templates, grouped, each naming its file.
    Sources(Vec<Diagnostic>),
    /// The sink could not take a file (disk full, permission): the render
    /// stopped at once.
    Output(Diagnostic),
}

/// Which jobs a render runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Every job whose files the sink cannot keep.
    All,
    /// The same, but a job that makes several files (the search index,
    /// built over every paper) is left for the next render, and the sink
    /// keeps its last files meanwhile (counted in `RenderStats::deferred`):
    /// `serve` shows an edited page before the index is built again.
    PagesFirst,
}

/// What changed since the last render into the same cache, as the caller
/// knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Anything: every kind makes its jobs again.
    Any,
    /// The notes of some papers and nothing else: no paper, page, index,
    /// setting or theme file changed otherwise. Only the jobs that showed
    /// those papers' notes last time are made again; every other file is
    /// kept as it was (a job's key covers all it shows).
    NotesOnly,
}

/// Renders every job whose file `sink` cannot keep (see [`Pass`]), handing
/// each file to `sink` as soon as it is made: nothing holds the site's
/// bytes but the sink (a folder keeps none in memory).
pub fn render_all(
    site: &Site,
    theme: &Theme,
    base_url: &str,
    cache: &mut RenderCache,
    sink: &dyn Sink,
    pass: Pass,
    edit: Edit,
) -> Result<RenderStats, RenderError> {
    let last = cache.last_plan.take();
    let t = Instant::now();
    let globals = Globals::new(site, base_url);
    let site_key = site_key(theme, &globals);
    let tera = match &cache.tera {
        Some((key, tera)) if *key == site_key => Arc::clone(tera),
        _ => {
            let tera = Arc::new(
                theme::build_tera(theme, &globals.base_path, &globals.base_url)
                    .map_err(RenderError::Sources)?,
            );
            cache.tera = Some((site_key, Arc::clone(&tera)));
            tera
        }
    };

    if let Some(last) = last.filter(|l| edit == Edit::NotesOnly && l.site_key == site_key) {
        let setup = notes::Setup {
            site,
            theme,
            globals: &globals,
            tera: &tera,
            site_key,
        };
        // `None`: the plan cannot tell what the edit touched; plan in full.
        if let Some(result) = notes::render(&setup, cache, sink, pass, last) {
            return result;
        }
    }

    // Each paper's keys and template data, reused while neither its file
    // nor the site changed: an edit costs one paper's, not every paper's.
    let kept: Vec<Option<&KeptPaper>> = (site.papers.par_iter())
        .map(|paper| kept_paper(cache, site_key, paper))
        .collect();
    let papers = (site.papers.par_iter().zip(&kept).enumerate())
        .map(|(pos, (paper, kept))| paper_ref(pos, paper, *kept, site_key))
        .collect();
    let inputs = Inputs {
        site,
        theme,
        papers,
    };
    let t = trace::mark("paper keys", t);
    let jobs = plan(&inputs).map_err(RenderError::Sources)?;
    let t = trace::mark("plan", t);
    trace::memory("the job list");

    // In a one-off render the jobs made from the whole site at once (the
    // search index, papers.json's chunks) read no paper's summary or card:
    // they run before those are made, so the two never take memory at the
    // same time. Their keys first: serve's plan records them all.
    let keys: Vec<(u64, Notes)> = (jobs.par_iter())
        .map(|job| shows_notes(|| job_key(site_key, job)))
        .collect();
    let (early, late): (Vec<Keyed>, Vec<Keyed>) = (jobs.iter().zip(&keys))
        .map(|(job, &(key, _))| (job, key))
        .partition(|(job, _)| cache.once && job.work.whole_site());
    let mut env = Env {
        globals: &globals,
        tera,
        theme,
        config: &site.config,
        data: Vec::new(),
    };
    let mut results = run_jobs(&env, &early, sink, pass)?;
    trace::memory("whole-site jobs");

    let made: Vec<Result<Arc<PaperData>, JobError>> = (inputs.papers.par_iter().zip(&kept))
        .map(|(r, kept)| match kept {
            Some(k) => Ok(Arc::clone(&k.data)),
            None => context::paper_data(env.globals, &env.tera, theme, r.paper, !cache.once)
                .map(Arc::new)
                .map_err(|d| (d, urls::paper(&r.paper.slug))),
        })
        .collect();
    let fresh: Vec<usize> = (kept.iter().enumerate())
        .filter(|(_, k)| k.is_none())
        .map(|(pos, _)| pos)
        .collect();
    let mut data = Vec::with_capacity(made.len());
    let mut errors = Vec::new();
    for m in made {
        match m {
            Ok(d) => data.push(d),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(RenderError::Sources(group_errors(errors)));
    }
    let t = trace::mark("paper data", t);
    trace::memory("every paper's template data");
    env.data = data;
    results.extend(run_jobs(&env, &late, sink, pass)?);
    let t = trace::mark("jobs", t);
    trace::memory("the other jobs");

    let mut stats = RenderStats {
        planned: jobs.len(),
        ..RenderStats::default()
    };
    for r in results {
        match r {
            Ok(Outcome::Kept(n)) => stats.reused += n,
            Ok(Outcome::Rendered(n)) => stats.rendered += n,
            Ok(Outcome::Deferred) => stats.deferred += 1,
            Ok(Outcome::Stopped) => {}
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(RenderError::Sources(group_errors(errors)));
    }
    if cache.once {
        return Ok(stats);
    }
    keep_papers(cache, site, site_key, &inputs.papers, &fresh, &env.data);
    // A deferred job's files in the sink are older than its key says: such
    // a plan cannot tell the next notes edit what to make (the next render,
    // which makes the deferred jobs, records one).
    if stats.deferred == 0 {
        let data = std::mem::take(&mut env.data);
        cache.last_plan = Some(LastPlan::new(site_key, &inputs.papers, &jobs, keys, data));
    }
    trace::mark("data cache", t);
    Ok(stats)
}

/// What the engine kept of `paper` from an earlier render, if it still
/// stands (the same file's bytes at the same place, the same site key).
fn kept_paper<'c>(cache: &'c RenderCache, site_key: u64, paper: &Paper) -> Option<&'c KeptPaper> {
    (cache.papers.get(&paper.fingerprint))
        .filter(|k| k.site_key == site_key && k.source.as_os_str() == paper.source.as_os_str())
}

/// The paper at `pos` with its keys: kept ones while its file and the site
/// are unchanged, else made from its facts and notes.
fn paper_ref<'s>(
    pos: usize,
    paper: &'s Paper,
    kept: Option<&KeptPaper>,
    site_key: u64,
) -> PaperRef<'s> {
    match kept {
        Some(k) => PaperRef {
            pos,
            shown: k.shown,
            notes: k.notes,
            paper,
        },
        None => PaperRef {
            pos,
            shown: shown_key(site_key, paper),
            notes: stable(&paper.body),
            paper,
        },
    }
}

/// Keeps the keys and template data of the papers at `fresh` (made by
/// this render) for the next.
fn keep_papers(
    cache: &mut RenderCache,
    site: &Site,
    site_key: u64,
    papers: &[PaperRef],
    fresh: &[usize],
    data: &[Arc<PaperData>],
) {
    for &pos in fresh {
        let r = &papers[pos];
        let kept = KeptPaper {
            site_key,
            source: r.paper.source.clone(),
            shown: r.shown,
            notes: r.notes,
            data: Arc::clone(&data[pos]),
        };
        cache.papers.insert(r.paper.fingerprint, kept);
    }
    // Papers edited, deleted or moved leave what they were: swept now and
    // then, not on every edit (a sweep visits every paper).
    if cache.papers.len() > site.papers.len() + 64 {
        let now: HashSet<(u64, &Path)> = (site.papers.iter())
            .map(|p| (p.fingerprint, p.source.as_path()))
            .collect();
        (cache.papers).retain(|fingerprint, k| now.contains(&(*fingerprint, k.source.as_path())));
    }
}

/// What the engine keeps of a paper between renders, by its fingerprint
/// (its file's bytes, which make every field): valid for the paper at
/// `source` while the site key is the same.
pub struct KeptPaper {
    site_key: u64,
    source: std::path::PathBuf,
    shown: u64,
    notes: u64,
    data: Arc<PaperData>,
}

/// What a render recorded for the next one after an [`Edit::NotesOnly`]:
/// each paper's keys, and the jobs that show some paper's notes with
/// whose, so that a notes edit makes, keys and runs only those (see
/// `notes.rs`). Every other job cannot change when only notes do.
pub struct LastPlan {
    site_key: u64,
    /// Per paper, in site order.
    papers: Vec<Known>,
    /// The jobs that show notes, in plan order.
    jobs: Vec<Planned>,
    /// (paper position, index in `jobs`) for each job that shows a few
    /// papers' notes ([`Notes::Of`]), sorted.
    by_paper: Vec<(usize, usize)>,
    /// Jobs in `jobs` that show many papers' notes (the search index):
    /// made again on every notes edit.
    many: Vec<usize>,
    /// Jobs in `jobs` a [`Pass::PagesFirst`] render left for the next:
    /// the sink holds their files made under the key recorded here.
    pending: Vec<usize>,
    /// How many jobs each kind made, in table order.
    kinds: Vec<usize>,
    /// Jobs in all.
    total: usize,
    /// Each paper's template data, in site order.
    data: Vec<Arc<PaperData>>,
}

/// A paper as the last render saw it.
struct Known {
    fingerprint: u64,
    source: std::path::PathBuf,
    shown: u64,
    notes: u64,
}

impl Known {
    fn of(paper: &PaperRef) -> Known {
        Known {
            fingerprint: paper.paper.fingerprint,
            source: paper.paper.source.clone(),
            shown: paper.shown,
            notes: paper.notes,
        }
    }
}

/// A job that shows notes, as the last render made it.
struct Planned {
    kind: usize,
    url: String,
    /// The key of the files the sink holds for it.
    key: u64,
    one_file: bool,
}

impl LastPlan {
    fn new(
        site_key: u64,
        papers: &[PaperRef],
        jobs: &[Job],
        keys: Vec<(u64, Notes)>,
        data: Vec<Arc<PaperData>>,
    ) -> LastPlan {
        let mut plan = LastPlan {
            site_key,
            papers: papers.iter().map(Known::of).collect(),
            jobs: Vec::new(),
            by_paper: Vec::new(),
            many: Vec::new(),
            pending: Vec::new(),
            kinds: vec![0; crate::render::pages::KINDS.len()],
            total: jobs.len(),
            data,
        };
        for (job, (key, notes)) in jobs.iter().zip(keys) {
            plan.kinds[job.kind] += 1;
            let at = plan.jobs.len();
            match notes {
                Notes::None => continue,
                Notes::Of(positions) => plan.by_paper.extend(positions.iter().map(|&p| (p, at))),
                Notes::Many => plan.many.push(at),
            }
            plan.jobs.push(Planned {
                kind: job.kind,
                url: job.url.clone(),
                key,
                one_file: job.work.one_file(),
            });
        }
        plan.by_paper.sort_unstable();
        plan
    }
}

/// A job's key: the site key, its URL, its kind (the job's type) and the
/// job value itself, through a hasher that is the same in every process,
/// so a key can be compared with one a previous `gazette build` stored.
fn job_key(site_key: u64, job: &Job) -> u64 {
    let mut h = Stable::default();
    (site_key, &job.url).hash(&mut h);
    job.work.key(&mut h);
    h.finish()
}

/// What every page may depend on: the templates and the values every page
/// gets (config, base URL, the free pages in the navigation), hashed from
/// the very values the [`Env`] is made of.
fn site_key(theme: &Theme, globals: &Globals) -> u64 {
    let mut h = Stable::default();
    theme.templates.hash(&mut h);
    (&globals.base_path, &globals.base_url).hash(&mut h);
    serde_json::to_string(&globals.values)
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests;
