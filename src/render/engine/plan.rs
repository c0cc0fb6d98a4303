//! Planning a render: every kind's jobs in table order, the output paths
//! two jobs claim, and the errors of many pages grouped.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

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
    let mut made = make(inputs);
    let t = crate::trace::mark("kinds", t);
    plan_rest(inputs, &mut made, t)
}

/// Jobs made again, and (kind, how many jobs it made in all).
pub(super) type Remade<'s> = (Vec<Job<'s>>, Vec<(usize, usize)>);

/// The jobs at `wanted` (kind, URL), as the kinds make them now, each
/// with the number of jobs its kind made in all: `None` when a kind is
/// not a `Site` kind, reports a problem, or does not make exactly one job
/// at each of its URLs (only a full plan sorts that out). A kind still
/// walks its whole input, but drops every other job as it is made.
pub(super) fn plan_only<'s>(
    inputs: &'s Inputs<'s>,
    wanted: &[(usize, &str)],
) -> Option<Remade<'s>> {
    let mut by_kind: BTreeMap<usize, FxHashSet<String>> = BTreeMap::new();
    for &(kind, url) in wanted {
        by_kind.entry(kind).or_default().insert(url.to_string());
    }
    let made: Vec<(usize, Jobs<'s>)> = (by_kind.into_iter().collect::<Vec<_>>())
        .into_par_iter()
        .map(|(k, only)| {
            let mut jobs = Jobs {
                only: Some(only),
                ..Jobs::default()
            };
            if let Some(Kind::Site(make)) = pages::KINDS.get(k) {
                make(inputs, &mut jobs);
            }
            (k, jobs)
        })
        .collect();
    let mut list = Vec::with_capacity(wanted.len());
    let mut counts = Vec::with_capacity(made.len());
    for (k, mut jobs) in made {
        let only = jobs.only.take().unwrap_or_default();
        let found: FxHashSet<&str> = jobs.list.iter().map(|j| j.url.as_str()).collect();
        if !jobs.errors.is_empty() || jobs.list.len() != only.len() || found.len() != only.len() {
            return None;
        }
        counts.push((k, jobs.made));
        list.extend(jobs.list.into_iter().map(|job| Job { kind: k, ..job }));
    }
    Some((list, counts))
}

/// Every kind's jobs, each with its kind's place in the table.
fn make<'s>(inputs: &'s Inputs<'s>) -> Vec<Jobs<'s>> {
    // Kinds are independent of each other: made in parallel, kept in
    // table order.
    pages::KINDS
        .par_iter()
        .enumerate()
        .map(|(k, kind)| {
            let mut jobs = Jobs::default();
            if let Kind::Site(make) = kind {
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
