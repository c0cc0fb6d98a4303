//! The command line: argument parsing and one function per command.
//!
//! Commands print every problem to stderr as a diagnostic,
//! `file:line: level: message` (or `file: level: message`), and exit with 1
//! when something is wrong, 2 on a usage error (clap's own).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Level};
use crate::layout::{CONFIG_FILE, CONTENT_DIR, DIGESTS_DIR, OUTPUT_DIR, SOURCE_DIRS};
use crate::lock::SiteLock;
use crate::pipeline::{self, BuildOptions, Builder};

#[derive(Debug, Parser)]
#[command(
    name = "gazette",
    version,
    about = "A static site generator for paper digests",
    long_about = "Gazette turns \"Daily Papers\" digest dumps into editable Markdown pages \
                  and a fast static website.\n\nA site is a folder with config.toml, digests/, \
                  content/ and themes/. Run `gazette init` to make one."
)]
pub struct Cli {
    /// The site's folder (the one holding config.toml).
    #[arg(long, short = 'r', global = true, default_value = ".")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Turn the dumps in digests/ into pages in content/papers/ (never overwrites your edits).
    Import,
    /// Import, then render the site into public/.
    Build(BuildArgs),
    /// Load and render everything without writing anything; report every problem
    /// (bad front matter, template errors, broken internal links). Exit code 1 if any.
    Check,
    /// Create a new site that builds at once; with --deploy, the files that
    /// publish it from CI (in an existing site: adds just those).
    Init(InitArgs),
    /// Remove a paper for good: delete its page and list it in content/removed.toml,
    /// so that import never brings it back (undo with --undo).
    Remove(RemoveArgs),
    /// Build, serve at http://127.0.0.1:1111, rebuild on change and reload the browser.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Base URL for this build, overriding config.toml (deploy previews).
    #[arg(long, value_parser = parse_base_url)]
    pub base_url: Option<String>,
    /// Output folder (default: public/ in the site root).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Build into an output folder that holds files Gazette did not write
    /// (they are kept: Gazette only ever removes files it wrote).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create the site (default: the current folder; must be empty,
    /// unless it is a site and --deploy is given).
    pub dir: Option<PathBuf>,
    /// Also write what builds and publishes the site on this host from CI
    /// (a workflow or the host's config file). In an existing site, adds just
    /// those files and never overwrites one.
    #[arg(long, value_name = "HOST")]
    pub deploy: Option<crate::scaffold::Host>,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The paper: its slug, or its page file (content/papers/<slug>.md).
    pub paper: String,
    /// Also remove a page holding notes, or written by hand (the page is deleted).
    #[arg(long)]
    pub force: bool,
    /// Bring a removed paper back: take it out of content/removed.toml and import it.
    #[arg(long, conflicts_with = "force")]
    pub undo: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Port to listen on; 0 picks a free one (the URL is printed).
    #[arg(long, short = 'p', default_value_t = 1111)]
    pub port: u16,
}

/// `--base-url` is checked as `base_url` in config.toml is, before anything runs.
fn parse_base_url(url: &str) -> Result<String, String> {
    crate::config::check_base_url(url).map(|()| url.to_string())
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let site = || open_site(&cli.root);
    let result = match cli.command {
        Command::Import => site().and_then(|()| import(&cli.root)),
        Command::Build(args) => site().and_then(|()| build(&cli.root, args)),
        Command::Check => site().and_then(|()| check(&cli.root)),
        Command::Init(args) => init(&cli.root, args),
        Command::Remove(args) => site().and_then(|()| remove(&cli.root, args)),
        Command::Serve(args) => site().and_then(|()| serve(&cli.root, args)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// The commands that read a site need one at `--root`: an existing folder
/// that [`is_site`](crate::layout::is_site). Never made up on the spot.
fn open_site(root: &Path) -> Result<(), Diagnostic> {
    let fail = |message: &str| Err(Diagnostic::error(root.display().to_string(), 0, message));
    match std::fs::metadata(root) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => fail(
            "this folder does not exist (--root names the site's folder; `gazette init` makes a new site)",
        ),
        Err(e) => fail(&format!("cannot read this folder: {e}")),
        Ok(meta) if !meta.is_dir() => fail("this is a file, not a site's folder"),
        Ok(_) if !crate::layout::is_site(root) => fail(&format!(
            "not a Gazette site: no {CONFIG_FILE}, {DIGESTS_DIR}/ or {CONTENT_DIR}/ here \
             (make one with `gazette init`, or point --root at one)"
        )),
        Ok(_) => Ok(()),
    }
}

fn import(root: &Path) -> Result<ExitCode, Diagnostic> {
    let config = Config::load(root)?;
    let _lock = SiteLock::acquire(root, "import")?;
    let started = Instant::now();
    let report = crate::import::import_site(root, &config)?;
    let failed = print_diagnostics(&report.diagnostics);
    eprintln!(
        "import: {} in {}",
        pipeline::import_summary(&report),
        millis(started.elapsed())
    );
    Ok(exit(failed))
}

fn build(root: &Path, args: BuildArgs) -> Result<ExitCode, Diagnostic> {
    let out_dir = args.output.unwrap_or_else(|| root.join(OUTPUT_DIR));
    check_output_dir(root, &out_dir)?;
    let options = BuildOptions {
        root: root.to_path_buf(),
        base_url: args.base_url,
        import: true,
    };
    let done = match pipeline::build_dir(&options, &out_dir, args.force) {
        Ok(done) => done,
        Err(failure) => {
            print_diagnostics(failure.diagnostics());
            if let pipeline::BuildFailure::Unfinished(_) = failure {
                eprintln!(
                    "build: failed; {} holds part of this build: build again",
                    shown(&out_dir)
                );
            } else {
                eprintln!("build: failed; {} was left as it was", shown(&out_dir));
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    let report = &done.build;
    let failed = print_diagnostics(&report.diagnostics);
    if let Some(summary) = &report.import_summary {
        eprintln!("import: {summary}");
    }
    if done.up_to_date {
        eprintln!(
            "build: nothing changed since the last build; {} files in {} left as they were (in {})",
            done.files,
            shown(&out_dir),
            millis(report.elapsed)
        );
        return Ok(exit(failed));
    }
    if let Some(why) = &done.write.in_place {
        eprintln!(
            "build: {} could not be swapped in at once ({why}); its files were replaced one \
             by one (see docs/output.md)",
            shown(&out_dir)
        );
    }
    let stages: Vec<String> = report
        .stages
        .iter()
        .map(|(name, t)| format!("{name} {}", millis(*t)))
        .collect();
    eprintln!(
        "build: {} files in {} ({} written, {} unchanged, {} removed; {} rendered, {} reused) in {} ({})",
        done.files,
        shown(&out_dir),
        done.write.written,
        done.write.unchanged,
        done.write.removed,
        report.rendered,
        report.reused,
        millis(report.elapsed),
        stages.join(", ")
    );
    Ok(exit(failed))
}

/// The output folder is wiped of files the build does not make: never let
/// it be the site itself or hold its sources.
fn check_output_dir(root: &Path, out_dir: &Path) -> Result<(), Diagnostic> {
    let absolute = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Canonicalize what exists so `./x/..` and symlinks compare equal.
        let mut existing = p.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent;
                }
                _ => break,
            }
        }
        let mut full = existing
            .canonicalize()
            .unwrap_or_else(|_| existing.to_path_buf());
        full.extend(rest.iter().rev());
        full
    };
    let root_abs = absolute(root);
    let out_abs = absolute(out_dir);
    let holds_sources = SOURCE_DIRS
        .iter()
        .chain([&CONFIG_FILE])
        .any(|source| out_abs.starts_with(root_abs.join(source)));
    if root_abs.starts_with(&out_abs) || holds_sources {
        return Err(Diagnostic::error(
            out_dir.display().to_string(),
            0,
            format!(
                "refusing to build into this folder: the output folder's stale files are \
                 deleted, and it holds the site's sources (use {OUTPUT_DIR}/ or another \
                 empty folder)"
            ),
        ));
    }
    Ok(())
}

fn check(root: &Path) -> Result<ExitCode, Diagnostic> {
    let mut builder = Builder::new(BuildOptions {
        root: root.to_path_buf(),
        base_url: None,
        import: false,
    });
    match builder.build(None) {
        Ok(report) => {
            let mut failed = print_diagnostics(&report.diagnostics);
            let output = builder.output();
            let config = Config::load(root)?;
            let broken = crate::render::links::find_broken(
                &output,
                &crate::config::base_path(&config.base_url),
            );
            let sources = builder.site().map(page_sources).unwrap_or_default();
            let diagnostics: Vec<Diagnostic> = broken
                .iter()
                .map(|b| broken_link(root, &sources, b))
                .collect();
            failed |= print_diagnostics(&diagnostics);
            eprintln!(
                "check: {} files rendered, {} broken links, nothing written",
                output.files.len(),
                broken.len()
            );
            Ok(exit(failed))
        }
        Err(failure) => {
            print_diagnostics(failure.diagnostics());
            eprintln!("check: {} problems", failure.diagnostics().len());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn remove(root: &Path, args: RemoveArgs) -> Result<ExitCode, Diagnostic> {
    use crate::layout::REMOVED_FILE;
    let config = Config::load(root)?;
    if args.undo {
        let Some(tombstone) = crate::removal::undo(root, &args.paper)? else {
            return Err(Diagnostic::error(
                REMOVED_FILE,
                0,
                format!("no removed paper `{}` is listed here", args.paper),
            ));
        };
        let report = crate::import::import_site(root, &config)?;
        let failed = print_diagnostics(&report.diagnostics);
        eprintln!(
            "remove --undo: \"{}\" is no longer listed in {REMOVED_FILE}; import: {}",
            tombstone.title,
            pipeline::import_summary(&report)
        );
        return Ok(exit(failed));
    }
    let removed = crate::removal::remove(root, &args.paper, args.force)?;
    eprintln!(
        "remove: deleted {} (\"{}\") and listed it in {REMOVED_FILE}: import will not bring it \
         back; commit both; undo with `gazette remove --undo {}`",
        removed.page, removed.tombstone.title, removed.tombstone.slug
    );
    Ok(ExitCode::SUCCESS)
}

/// Output file → the page file it was made from (papers and free pages).
fn page_sources(site: &crate::site::Site) -> BTreeMap<String, PathBuf> {
    use crate::site::urls;
    let papers = (site.papers.iter()).map(|p| (urls::file_for(&urls::paper(&p.slug)), &p.source));
    let pages = (site.pages.iter()).map(|p| (urls::file_for(&urls::free_page(&p.slug)), &p.source));
    papers
        .chain(pages)
        .map(|(file, source)| (file, source.clone()))
        .collect()
}

/// A broken link where a person can fix it: the line of the page file
/// that holds it (a link in someone's notes), else its line in the
/// rendered page (a link a template made).
fn broken_link(
    root: &Path,
    sources: &BTreeMap<String, PathBuf>,
    broken: &crate::render::links::BrokenLink,
) -> Diagnostic {
    let url = broken
        .page
        .strip_suffix("index.html")
        .unwrap_or(&broken.page);
    let message = format!("broken internal link to {} (page /{url})", broken.link);
    let in_source = sources.get(&broken.page).and_then(|source| {
        let text = std::fs::read_to_string(root.join(source)).ok()?;
        let line = text.lines().position(|l| l.contains(&broken.link))? + 1;
        Some((source.display().to_string(), line))
    });
    match in_source {
        Some((file, line)) => Diagnostic::error(file, line, message),
        None => Diagnostic::error(
            &broken.page,
            broken.line,
            format!("{message}; a template wrote it, at this line of the rendered page"),
        ),
    }
}

fn init(root: &Path, args: InitArgs) -> Result<ExitCode, Diagnostic> {
    let dir = args.dir.unwrap_or_else(|| root.to_path_buf());
    let report = crate::scaffold::init(&dir, args.deploy)?;
    if report.new_site {
        eprintln!("init: created a site in {}", shown(&dir));
    }
    if !report.written.is_empty() {
        eprintln!("init: wrote {}", report.written.join(", "));
    }
    print_diagnostics(&report.diagnostics);
    if let Some(host) = args.deploy {
        eprintln!("init: next, {} ({})", host.next_step(), host.docs_url());
    }
    if report.new_site {
        eprintln!(
            "init: drop digest dumps into digests/ and run `gazette --root {} serve`",
            shown(&dir)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints diagnostics to stderr; returns whether any is an error.
fn print_diagnostics(diagnostics: &[Diagnostic]) -> bool {
    for d in diagnostics {
        eprintln!("{d}");
    }
    diagnostics.iter().any(|d| d.level == Level::Error)
}

/// A path for a console line (never a raw control character).
fn shown(path: &Path) -> String {
    crate::diagnostic::printable(&path.display().to_string()).into_owned()
}

fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn millis(d: std::time::Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn serve(root: &Path, args: ServeArgs) -> Result<ExitCode, Diagnostic> {
    crate::serve::run(crate::serve::ServeOptions {
        root: root.to_path_buf(),
        bind: args.bind,
        port: args.port,
    })?;
    Ok(ExitCode::SUCCESS)
}
