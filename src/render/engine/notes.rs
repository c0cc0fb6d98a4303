//! A render after an edit of notes alone ([`Edit::NotesOnly`]), in time
//! proportional to the edit, not to the site: the papers whose file
//! changed are found by fingerprint against the last render's
//! [`LastPlan`], and only the jobs that showed their notes then (a
//! paper's own page, the search index) are made, keyed and run again. A
//! job's key covers all it shows, and only a [`Noted`] paper brings notes
//! into a key, so no other job can differ from what the sink holds.
//!
//! Whatever the plan cannot vouch for (a paper whose facts changed, a
//! kind that now makes other jobs, a sink that cannot keep the rest)
//! declines before the sink is touched, and the render is planned in full.
//!
//! [`Edit::NotesOnly`]: super::Edit::NotesOnly
//! [`Noted`]: super::Noted

use std::sync::Arc;
use std::time::Instant;

use rustc_hash::FxHashMap;
use tera::Tera;

use super::papers::{Notes, shows_notes};
use super::plan::{group_errors, plan_only};
use super::run::{Outcome, run_jobs};
use super::{
    Env, Inputs, Keyed, Known, LastPlan, PaperRef, Pass, RenderError, job_key, keep_papers,
    kept_paper, paper_ref,
};
use crate::output::Sink;
use crate::render::context::{self, Globals};
use crate::render::{RenderCache, RenderStats, Theme};
use crate::site::{Site, urls};
use crate::trace;

/// What both kinds of render start from.
pub(super) struct Setup<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub globals: &'a Globals,
    pub tera: &'a Arc<Tera>,
    pub site_key: u64,
}

/// Renders a notes edit from `last`, or `None` (the sink untouched) when
/// `last` cannot tell what the edit touched.
pub(super) fn render(
    setup: &Setup,
    cache: &mut RenderCache,
    sink: &dyn Sink,
    pass: Pass,
    mut last: LastPlan,
) -> Option<Result<RenderStats, RenderError>> {
    let t = Instant::now();
    let Setup { site, site_key, .. } = *setup;
    if site.papers.len() != last.papers.len() {
        return None;
    }
    // The papers whose file changed; every other paper is as last time.
    let mut touched = Vec::new();
    let papers: Vec<PaperRef> = (site.papers.iter().zip(&last.papers).enumerate())
        .map(|(pos, (paper, known))| {
            // The paths' bytes: `Path`'s own equality walks components.
            let same_file = paper.source.as_os_str() == known.source.as_os_str();
            if paper.fingerprint == known.fingerprint && same_file {
                return PaperRef {
                    pos,
                    shown: known.shown,
                    notes: known.notes,
                    paper,
                };
            }
            touched.push(pos);
            paper_ref(pos, paper, kept_paper(cache, site_key, paper), site_key)
        })
        .collect();
    // Only their notes may differ: any other fact moves listings.
    if (touched.iter()).any(|&pos| papers[pos].shown != last.papers[pos].shown) {
        return None;
    }
    let inputs = Inputs {
        site,
        theme: setup.theme,
        papers,
    };
    let t = trace::mark("paper keys", t);

    // The jobs that show the touched papers' notes, and those the last
    // render left for this one.
    let mut redo = last.pending.clone();
    if !touched.is_empty() {
        redo.extend(&last.many);
        for &pos in &touched {
            let from = last.by_paper.partition_point(|&(p, _)| p < pos);
            let showing = last.by_paper[from..].iter().take_while(|&&(p, _)| p == pos);
            redo.extend(showing.map(|&(_, job)| job));
        }
    }
    redo.sort_unstable();
    redo.dedup();
    let wanted: Vec<(usize, &str)> = (redo.iter())
        .map(|&j| (last.jobs[j].kind, last.jobs[j].url.as_str()))
        .collect();
    let (jobs, made) = plan_only(&inputs, &wanted)?;
    // Each kind made the jobs it made last time (a kind whose jobs
    // depended on notes would not).
    if made.iter().any(|&(kind, n)| last.kinds[kind] != n) {
        return None;
    }
    let planned: Vec<usize> = {
        let at: FxHashMap<(usize, &str), usize> =
            (wanted.iter().zip(&redo)).map(|(&w, &j)| (w, j)).collect();
        (jobs.iter())
            .map(|job| at[&(job.kind, job.url.as_str())])
            .collect()
    };
    if (jobs.iter().zip(&planned)).any(|(job, &j)| job.work.one_file() != last.jobs[j].one_file) {
        return None;
    }
    let t = trace::mark("plan", t);
    let keys: Vec<(u64, Notes)> = (jobs.iter())
        .map(|job| shows_notes(|| job_key(site_key, job)))
        .collect();
    let t = trace::mark("keys", t);
    if !sink.keep_rest() {
        return None;
    }

    let result = (|| {
        let mut data = std::mem::take(&mut last.data);
        let mut fresh = Vec::new();
        for &pos in &touched {
            let r = &inputs.papers[pos];
            data[pos] = match kept_paper(cache, site_key, r.paper) {
                Some(k) => Arc::clone(&k.data),
                None => {
                    fresh.push(pos);
                    let made =
                        context::paper_data(setup.globals, setup.tera, setup.theme, r.paper, true);
                    let made = made.map_err(|d| {
                        RenderError::Sources(group_errors(vec![(d, urls::paper(&r.paper.slug))]))
                    })?;
                    Arc::new(made)
                }
            };
        }
        let t = trace::mark("paper data", t);
        // A job that makes several files makes them all again: the files
        // it made last time go (their names may not come again).
        for ((job, &(key, _)), &j) in jobs.iter().zip(&keys).zip(&planned) {
            let old = last.jobs[j].key;
            if !job.work.one_file() && pass == Pass::All && key != old {
                sink.forget(old);
            }
        }
        let env = Env {
            globals: setup.globals,
            tera: Arc::clone(setup.tera),
            theme: setup.theme,
            config: &site.config,
            data,
        };
        let keyed: Vec<Keyed> = (jobs.iter().zip(&keys))
            .map(|(job, &(key, _))| (job, key))
            .collect();
        let results = run_jobs(&env, &keyed, sink, pass)?;
        trace::mark("jobs", t);

        let mut stats = RenderStats {
            reused: last.total - jobs.len(),
            planned: jobs.len(),
            ..RenderStats::default()
        };
        let mut errors = Vec::new();
        let mut pending = Vec::new();
        for ((result, &j), &(key, _)) in results.into_iter().zip(&planned).zip(&keys) {
            match result {
                Ok(Outcome::Rendered(n)) => stats.rendered += n,
                Ok(Outcome::Kept(n)) => stats.reused += n,
                // Its files stay the ones made under the recorded key.
                Ok(Outcome::Deferred) => {
                    stats.deferred += 1;
                    pending.push(j);
                    continue;
                }
                Ok(Outcome::Stopped) => {}
                Err(e) => errors.push(e),
            }
            last.jobs[j].key = key;
        }
        if !errors.is_empty() {
            return Err(RenderError::Sources(group_errors(errors)));
        }
        last.pending = pending;
        for &pos in &touched {
            last.papers[pos] = Known::of(&inputs.papers[pos]);
        }
        last.data = env.data;
        Ok((stats, fresh))
    })();
    let (stats, fresh) = match result {
        Ok(done) => done,
        // The plan is dropped: the next render plans in full.
        Err(e) => return Some(Err(e)),
    };
    keep_papers(cache, site, site_key, &inputs.papers, &fresh, &last.data);
    cache.last_plan = Some(last);
    Some(Ok(stats))
}
