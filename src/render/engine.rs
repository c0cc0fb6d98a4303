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
//! only the kinds whose jobs hashed a [`Noted`] last time plan again, and
//! every other file is kept under the key recorded for it.
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
use crate::site::{Site, urls};
use crate::trace;

mod jobs;
mod papers;
mod plan;
mod run;

use jobs::Job;
pub use jobs::Jobs;
pub use papers::{Noted, PaperRef};
use papers::{shown_key, shows_notes};
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
    globals: Globals,
    tera: Arc<Tera>,
    theme: &'s Theme,
    config: &'s Config,
    data: Vec<Arc<PaperData>>,
}

impl Env<'_> {
    pub fn globals(&self) -> &Globals {
        &self.globals
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
            None => context::full(&self.globals, paper.0.paper, &data.summary),
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
                Cow::Owned(Search::of(&self.globals, paper, &plain))
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
        context::shapes(&self.globals, &self.tera, self.theme, paper.paper, summary)
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
    /// setting or theme file changed otherwise. Only the kinds whose jobs
    /// showed notes last time make their jobs again; every other file is
    /// kept under its last key (a job's key covers all it shows).
    NotesOnly,
}

/// The last render's jobs per kind, for an [`Edit::NotesOnly`] render.
pub struct LastPlan {
    site_key: u64,
    /// Each paper's facts key, in site order.
    shown: Vec<u64>,
    kinds: Vec<KindPlan>,
}

#[derive(Default, Clone)]
struct KindPlan {
    /// Some job of the kind hashed a paper's notes.
    shows_notes: bool,
    /// Its jobs that ran (or were kept): file, key, whether one file.
    jobs: Vec<(String, u64, bool)>,
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

    // Each paper's keys and template data, reused while neither its file
    // nor the site changed: an edit costs one paper's, not every paper's.
    let kept: Vec<Option<&KeptPaper>> = (site.papers.par_iter())
        .map(|paper| {
            (cache.papers.get(&paper.fingerprint)).filter(|k| {
                k.site_key == site_key && k.source.as_os_str() == paper.source.as_os_str()
            })
        })
        .collect();
    let papers = (site.papers.par_iter().zip(&kept).enumerate())
        .map(|(pos, (paper, kept))| match kept {
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
        })
        .collect();
    let inputs = Inputs {
        site,
        theme,
        papers,
    };
    let t = trace::mark("paper keys", t);
    let shown: Vec<u64> = inputs.papers.iter().map(|r| r.shown).collect();
    let reuse =
        last.filter(|l| edit == Edit::NotesOnly && l.site_key == site_key && l.shown == shown);
    let some = reuse.as_ref().and_then(|l| {
        let only: Vec<bool> = l.kinds.iter().map(|k| k.shows_notes).collect();
        let jobs = plan::plan_some(&inputs, &only)?;
        // The same jobs as last time, kind by kind, or a full plan.
        let same = (l.kinds.iter().enumerate())
            .filter(|(_, k)| k.shows_notes)
            .all(|(i, k)| jobs.iter().filter(|j| j.kind == i).count() == k.jobs.len());
        same.then_some(jobs)
    });
    let (jobs, reused) = match some {
        Some(jobs) => (jobs, reuse),
        None => (plan(&inputs).map_err(RenderError::Sources)?, None),
    };
    let t = trace::mark("plan", t);
    trace::memory("the job list");

    // In a one-off render the jobs made from the whole site at once (the
    // search index, papers.json's chunks) read no paper's summary or card:
    // they run before those are made, so the two never take memory at the
    // same time. Their keys first: serve's plan records them all.
    let keys: Vec<(u64, bool)> = (jobs.par_iter())
        .map(|job| shows_notes(|| job_key(site_key, job)))
        .collect();
    let (early, late): (Vec<Keyed>, Vec<Keyed>) = (jobs.iter().zip(&keys))
        .map(|(job, &(key, _))| (job, key))
        .partition(|(job, _)| cache.once && job.work.whole_site());
    let mut env = Env {
        globals,
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
            None => context::paper_data(&env.globals, &env.tera, theme, r.paper, !cache.once)
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

    // Every other kind's files stay as they were (see `Edit::NotesOnly`).
    let mut kept_before = 0;
    if let Some(last) = &reused {
        let kept: Vec<usize> = (last.kinds.par_iter())
            .filter(|k| !k.shows_notes)
            .flat_map(|k| k.jobs.par_iter())
            .map(|(file, key, one)| match one {
                true => usize::from(sink.keep(file, *key)),
                false => sink.keep_all(*key),
            })
            .collect();
        if kept.contains(&0) {
            // The sink lost a file it had: cannot happen while the cache
            // and the sink's last output agree, but never serve a hole.
            return Err(RenderError::Sources(vec![Diagnostic::error(
                "gazette",
                0,
                "internal error, please report it: a kept file went missing; \
                 the next change rebuilds everything",
            )]));
        }
        kept_before = kept.iter().sum();
    }
    results.extend(run_jobs(&env, &late, sink, pass)?);
    let t = trace::mark("jobs", t);
    trace::memory("the other jobs");

    let mut stats = RenderStats {
        reused: kept_before,
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
    for pos in fresh {
        let r = &inputs.papers[pos];
        let kept = KeptPaper {
            site_key,
            source: r.paper.source.clone(),
            shown: r.shown,
            notes: r.notes,
            data: Arc::clone(&env.data[pos]),
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
    cache.last_plan = Some(last_plan(site_key, shown, reused, &jobs, &keys));
    trace::mark("data cache", t);
    Ok(stats)
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

/// The plan to record after a render: the jobs it ran, per kind, with the
/// kinds `reused` kept from the last plan as they were.
fn last_plan(
    site_key: u64,
    shown: Vec<u64>,
    reused: Option<LastPlan>,
    jobs: &[Job],
    keys: &[(u64, bool)],
) -> LastPlan {
    let mut kinds = match reused {
        Some(last) => last.kinds,
        None => vec![KindPlan::default(); crate::render::pages::KINDS.len()],
    };
    // Jobs come kind by kind, in table order (a kind seen twice would add
    // to what it had).
    let mut seen = vec![false; kinds.len()];
    let mut at = 0;
    while at < jobs.len() {
        let k = jobs[at].kind;
        let end = at + jobs[at..].iter().take_while(|j| j.kind == k).count();
        let (group, group_keys) = (&jobs[at..end], &keys[at..end]);
        let kind = &mut kinds[k];
        let noted = group_keys.iter().any(|&(_, noted)| noted);
        let again = std::mem::replace(&mut seen[k], true);
        kind.shows_notes = noted || (again && kind.shows_notes);
        let same_files = !again
            && kind.jobs.len() == group.len()
            && (kind.jobs.iter().zip(group))
                .all(|((file, _, one), job)| *file == job.file && *one == job.work.one_file());
        if same_files {
            // A notes-only render: the same jobs, new keys, no path copied.
            for ((_, key, _), &(new, _)) in kind.jobs.iter_mut().zip(group_keys) {
                *key = new;
            }
        } else {
            if !again {
                kind.jobs.clear();
            }
            let made = (group.iter().zip(group_keys))
                .map(|(job, &(key, _))| (job.file.clone(), key, job.work.one_file()));
            kind.jobs.extend(made);
        }
        at = end;
    }
    LastPlan {
        site_key,
        shown,
        kinds,
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
