//! Planning a render: every kind's jobs in table order, the output paths
//! two jobs claim, and the errors of many pages grouped.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::jobs::Job;
use super::{Inputs, JobError, Jobs, Kind};
use crate::diagnostic::Diagnostic;
use crate::render::pages;

/// Every kind's jobs, in table order (where two write one path, the later
/// wins: a file in `static/` replaces a generated `robots.txt` or
/// `sitemap.xml`). `Pages` kinds are made after all `Site` kinds, in their
/// place in the table.
pub(super) fn plan<'s>(inputs: &'s Inputs<'s>) -> Result<Vec<Job<'s>>, Vec<Diagnostic>> {
    let t = std::time::Instant::now();
    let mut made = make(inputs, None);
    let t = crate::trace::mark("kinds", t);
    plan_rest(inputs, &mut made, t)
}

/// The jobs of the `Site` kinds marked in `only` (none of the `Pages`
/// kinds, which need every page), as the last full plan had them: `None`
/// when a marked kind made a job that lost its path to a later one, which
/// only a full plan sorts out.
pub(super) fn plan_some<'s>(inputs: &'s Inputs<'s>, only: &[bool]) -> Option<Vec<Job<'s>>> {
    let made = make(inputs, Some(only));
    let mut list = Vec::new();
    for jobs in made {
        if !jobs.errors.is_empty() {
            return None;
        }
        list.extend(jobs.list);
    }
    let (winners, clashes) = winners(&list);
    (clashes.is_empty() && winners.iter().all(|w| *w)).then_some(list)
}

/// Every kind's jobs (those marked in `only`, when given), each job with
/// its kind's place in the table.
fn make<'s>(inputs: &'s Inputs<'s>, only: Option<&[bool]>) -> Vec<Jobs<'s>> {
    // Kinds are independent of each other: made in parallel, kept in
    // table order.
    pages::KINDS
        .par_iter()
        .enumerate()
        .map(|(k, kind)| {
            let mut jobs = Jobs::default();
            if let Kind::Site(make) = kind
                && only.is_none_or(|only| only.get(k) == Some(&true))
            {
                make(inputs, &mut jobs);
            }
            for job in &mut jobs.list {
                job.kind = k;
            }
            jobs
        })
        .collect()
}

fn plan_rest<'s>(
    inputs: &'s Inputs<'s>,
    made: &mut Vec<Jobs<'s>>,
    t: std::time::Instant,
) -> Result<Vec<Job<'s>>, Vec<Diagnostic>> {
    let pages: Vec<String> = (made.iter().flat_map(|jobs| &jobs.list))
        .filter(|j| j.page)
        .map(|j| j.url.clone())
        .collect();
    for (k, (kind, jobs)) in pages::KINDS.iter().zip(made.iter_mut()).enumerate() {
        if let Kind::Pages(make) = kind {
            make(inputs, &pages, jobs);
            for job in &mut jobs.list {
                job.kind = k;
            }
        }
    }
    let t = crate::trace::mark("pages kinds", t);
    let mut errors: Vec<Diagnostic> = made.iter_mut().flat_map(|j| j.errors.drain(..)).collect();
    let list: Vec<Job> = made.drain(..).flat_map(|j| j.list).collect();
    let (winners, clashes) = winners(&list);
    if errors.is_empty() {
        errors = clashes;
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Where a static file replaces another the later wins, and only it
    // runs: jobs run in parallel, so the loser must not reach the sink.
    let list = (list.into_iter().zip(winners))
        .filter_map(|(job, wins)| wins.then_some(job))
        .collect();
    crate::trace::mark("collisions", t);
    Ok(list)
}

/// Two jobs writing one output file. A later file may replace an earlier
/// file (a static `robots.txt` replaces the generated one, as documented);
/// anything involving a page is an error naming both sources: a static file
/// or a second page at a page's address would hide a page, whichever kinds
/// made them (paper, free page, tag, organization, static file).
#[cfg(test)]
pub(super) fn collisions(jobs: &[Job]) -> Vec<Diagnostic> {
    winners(jobs).1
}

/// Which jobs write their file (the last of several non-page files at one
/// path), and the errors of [`collisions`]. One pass, hashing the paths
/// the jobs hold: at 10,000 papers this runs on every edit `serve` sees.
fn winners(jobs: &[Job]) -> (Vec<bool>, Vec<Diagnostic>) {
    let mut winner: FxHashMap<&str, usize> =
        FxHashMap::with_capacity_and_hasher(jobs.len(), Default::default());
    let mut wins = vec![true; jobs.len()];
    let mut errors = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let Some(&e) = winner.get(job.file.as_str()) else {
            winner.insert(&job.file, i);
            continue;
        };
        let earlier = &jobs[e];
        if !earlier.page && !job.page {
            winner.insert(&job.file, i);
            wins[e] = false;
            continue;
        }
        errors.push(clash(earlier, job));
    }
    errors.sort();
    errors.dedup();
    (wins, errors)
}

/// The error for `job` writing the file `earlier` writes, one of them a page.
fn clash(earlier: &Job, job: &Job) -> Diagnostic {
    let name = |j: &Job| match j.work.origin() {
        Some(file) => file,
        None => format!("Gazette's page /{}", j.url),
    };
    let why = "one would hide the other; rename or remove one";
    // The address people browse to, when one of them is a page.
    let url = if job.page { &job.url } else { &earlier.url };
    match (job.work.origin(), earlier.work.origin()) {
        (Some(file), _) | (None, Some(file)) => {
            let other = if job.work.origin().is_some() {
                earlier
            } else {
                job
            };
            Diagnostic::error(
                file,
                0,
                format!(
                    "/{url} is made twice, by this file and by {}: {why}",
                    name(other)
                ),
            )
        }
        (None, None) => Diagnostic::error(
            "gazette",
            0,
            format!("/{url} is made twice, by two of Gazette's pages: {why}"),
        ),
    }
}

/// One diagnostic per distinct problem, naming the first page it broke and
/// how many others: a bad card template must not print 10,000 lines.
pub(super) fn group_errors(errors: Vec<JobError>) -> Vec<Diagnostic> {
    let mut groups: BTreeMap<Diagnostic, (String, usize)> = BTreeMap::new();
    for (d, page) in errors {
        let entry = groups.entry(d).or_insert((page.clone(), 0));
        entry.0 = entry.0.clone().min(page);
        entry.1 += 1;
    }
    groups
        .into_iter()
        .map(|(mut d, (page, n))| {
            d.message = match n {
                1 => format!("{} (page /{page})", d.message),
                _ => format!("{} (page /{page} and {} more)", d.message, n - 1),
            };
            d
        })
        .collect()
}
