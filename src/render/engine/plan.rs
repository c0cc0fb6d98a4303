//! Planning a render: every kind's jobs in table order, the output paths
//! two jobs claim, and the errors of many pages grouped.

use std::collections::{BTreeMap, HashMap};

use super::jobs::Job;
use super::{Inputs, JobError, Jobs, Kind};
use crate::diagnostic::Diagnostic;
use crate::render::pages;
use crate::site::urls;

/// Every kind's jobs, in table order (where two write one path, the later
/// wins: a file in `static/` replaces a generated `robots.txt` or
/// `sitemap.xml`). `Pages` kinds are made after all `Site` kinds, in their
/// place in the table.
pub(super) fn plan<'s>(inputs: &'s Inputs<'s>) -> Result<Vec<Job<'s>>, Vec<Diagnostic>> {
    let mut made: Vec<Jobs> = pages::KINDS
        .iter()
        .map(|kind| {
            let mut jobs = Jobs::default();
            if let Kind::Site(make) = kind {
                make(inputs, &mut jobs);
            }
            jobs
        })
        .collect();
    let pages: Vec<String> = (made.iter().flat_map(|jobs| &jobs.list))
        .filter(|j| j.page)
        .map(|j| j.url.clone())
        .collect();
    for (kind, jobs) in pages::KINDS.iter().zip(&mut made) {
        if let Kind::Pages(make) = kind {
            make(inputs, &pages, jobs);
        }
    }
    let mut errors: Vec<Diagnostic> = made.iter_mut().flat_map(|j| j.errors.drain(..)).collect();
    let list: Vec<Job> = made.into_iter().flat_map(|j| j.list).collect();
    if errors.is_empty() {
        errors = collisions(&list);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Where a static file replaces another the later wins, and only it
    // runs: jobs run in parallel, so the loser must not reach the sink.
    let mut last: HashMap<String, usize> = HashMap::with_capacity(list.len());
    for (i, job) in list.iter().enumerate() {
        last.insert(urls::file_for(&job.url), i);
    }
    Ok(list
        .into_iter()
        .enumerate()
        .filter(|(i, job)| last.get(&urls::file_for(&job.url)) == Some(i))
        .map(|(_, job)| job)
        .collect())
}

/// Two jobs writing one output file. A later file may replace an earlier
/// file (a static `robots.txt` replaces the generated one, as documented);
/// anything involving a page is an error naming both sources: a static file
/// or a second page at a page's address would hide a page, whichever kinds
/// made them (paper, free page, tag, organization, static file).
pub(super) fn collisions(jobs: &[Job]) -> Vec<Diagnostic> {
    let mut first: HashMap<String, &Job> = HashMap::with_capacity(jobs.len());
    let mut errors = Vec::new();
    for job in jobs {
        let path = urls::file_for(&job.url);
        let Some(earlier) = first.get(&path).copied() else {
            first.insert(path, job);
            continue;
        };
        if !earlier.page && !job.page {
            first.insert(path, job);
            continue;
        }
        let name = |j: &Job| match j.work.origin() {
            Some(file) => file,
            None => format!("Gazette's page /{}", j.url),
        };
        let why = "one would hide the other; rename or remove one";
        // The address people browse to, when one of them is a page.
        let url = if job.page { &job.url } else { &earlier.url };
        errors.push(match (job.work.origin(), earlier.work.origin()) {
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
        });
    }
    errors.sort();
    errors.dedup();
    errors
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
