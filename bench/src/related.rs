//! The related-papers figure: how long `site::related` takes to find every
//! paper's related papers, in this process, on a corpus `run` generated and
//! built. Budgets (docs/performance.md): under 0.3 s at 10,000 papers and
//! under 5 s at 100,000 on 2 cores.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use gazette::config::Config;
use gazette::site::load::{self, LoadCache};
use gazette::site::related;

use crate::measure::median;

/// The median of `runs` computations over the papers in `site/content/`
/// (imported by a build before), with the site's `[related] count`.
pub fn measure(site: &Path, runs: usize) -> anyhow::Result<Duration> {
    let config = Config::load(site).map_err(|e| anyhow::anyhow!("{e}"))?;
    let count = config.related.count.max(1);
    let loaded = load::load(site, config, &mut LoadCache::default())
        .map_err(|errors| anyhow::anyhow!("{}", errors[0]))
        .context("loading the corpus's pages")?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let lists = related::related(&loaded.papers, count);
        times.push(started.elapsed());
        std::hint::black_box(lists);
    }
    Ok(median(&times))
}

/// `Related papers, 10,000 papers: 85 ms (median of 3, in process).`
pub fn line(papers: usize, time: Duration, runs: usize) -> String {
    format!(
        "Related papers, {} papers: {} (median of {runs}, in process).\n",
        crate::report::thousands(papers as u64),
        crate::report::seconds(time)
    )
}
