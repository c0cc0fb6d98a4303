//! The related-papers figure: how long `site::related` takes to find every
//! paper's related papers, in this process, on a corpus `run` generated and
//! built, or (`gazette-bench related`) one generated and only imported,
//! which measures 100,000 papers without rendering them. Budgets
//! (docs/performance.md): under 0.3 s at 10,000 papers and under 5 s at
//! 100,000 on 2 cores.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use gazette::config::Config;
use gazette::import;
use gazette::site::load::{self, LoadCache};
use gazette::site::related;

use crate::report::median;

/// How long the related papers took: wall-clock time, and the CPU time of
/// every thread of this process (which a busy machine does not inflate).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub wall: Duration,
    pub cpu: Duration,
}

/// The medians of `runs` computations over the papers in `site/content/`
/// (imported before), with the site's `[related] count`.
pub fn measure(site: &Path, runs: usize) -> anyhow::Result<Timing> {
    let config = Config::load(site).map_err(|e| anyhow::anyhow!("{e}"))?;
    let count = config.related.count.max(1);
    let loaded = load::load(site, config, &mut LoadCache::default())
        .map_err(|errors| anyhow::anyhow!("{}", errors[0]))
        .context("loading the corpus's pages")?;
    let mut walls = Vec::with_capacity(runs);
    let mut cpus = Vec::with_capacity(runs);
    for _ in 0..runs {
        let cpu = process_cpu();
        let started = Instant::now();
        let lists = related::related(&loaded.papers, count);
        walls.push(started.elapsed());
        cpus.push(process_cpu().saturating_sub(cpu));
        std::hint::black_box(lists);
    }
    Ok(Timing {
        wall: median(&walls),
        cpu: median(&cpus),
    })
}

/// User + system time of every thread of this process so far.
fn process_cpu() -> Duration {
    // SAFETY: rusage is plain data that getrusage fills in; all-zero is valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a rusage; RUSAGE_SELF always exists.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// `gazette-bench related`: for each size, a generated corpus imported into
/// pages (no build), then the related papers timed on it; prints one line
/// per size.
pub fn run(sizes: &[usize], runs: usize) -> anyhow::Result<()> {
    if sizes.is_empty() || sizes.contains(&0) || runs == 0 {
        anyhow::bail!("--sizes needs sizes of at least 1 paper and --runs at least 1");
    }
    for &papers in sizes {
        let tmp = tempfile::Builder::new()
            .prefix("gazette-bench-")
            .tempdir()
            .context("cannot create a temporary folder")?;
        let site = tmp.path().join("site");
        eprintln!("bench: {papers} papers: generating and importing");
        crate::generate(&site, papers, crate::run::SEED, false)?;
        let config = Config::load(&site).map_err(|e| anyhow::anyhow!("{e}"))?;
        import::import_site(&site, &config).map_err(|e| anyhow::anyhow!("{e}"))?;
        eprintln!("bench: {papers} papers: related papers (in process)");
        let time = measure(&site, runs)?;
        print!("{}", line(papers, time, runs));
    }
    Ok(())
}

/// `Related papers, 10,000 papers: 85 ms (median of 3, in process; 160 ms CPU).`
pub fn line(papers: usize, time: Timing, runs: usize) -> String {
    format!(
        "Related papers, {} papers: {} (median of {runs}, in process; {} CPU).\n",
        crate::report::thousands(papers as u64),
        crate::report::seconds(time.wall),
        crate::report::seconds(time.cpu)
    )
}
