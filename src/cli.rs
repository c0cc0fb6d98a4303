//! The command line: argument parsing and one function per command.
//!
//! Commands print diagnostics to stderr as `file:line: level: message` and
//! exit with 1 when something is wrong, 2 on a usage error (clap's own).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

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
    /// Import, load and render everything without writing; report every problem.
    Check,
    /// Create a new site that builds at once.
    Init(InitArgs),
    /// Build, serve at http://127.0.0.1:1111, rebuild on change and reload the browser.
    Serve(ServeArgs),
    /// Generate synthetic corpora and measure build times.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Base URL for this build, overriding config.toml (deploy previews).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Output folder (default: public/ in the site root).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create the site (default: the current folder; must be empty).
    pub dir: Option<PathBuf>,
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

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Write a synthetic site (config.toml + digests/) with N papers.
    Gen(BenchGenArgs),
    /// Measure builds on synthetic corpora (and Hugo on the same papers).
    Run(BenchRunArgs),
}

#[derive(Debug, Args)]
pub struct BenchGenArgs {
    /// Number of distinct papers.
    #[arg(long)]
    pub papers: usize,
    /// Random seed: the same seed writes the same corpus.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write into a non-empty folder.
    #[arg(long)]
    pub force: bool,
    /// Target folder.
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct BenchRunArgs {
    /// Corpus sizes, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000,100000")]
    pub sizes: Vec<usize>,
    /// Runs per measurement (the median is reported).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Also build the same papers with Hugo, if `hugo` is on PATH.
    #[arg(long)]
    pub hugo: bool,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Import => import(&cli.root),
        Command::Build(args) => build(&cli.root, args),
        Command::Check => check(&cli.root),
        Command::Init(args) => init(&cli.root, args),
        Command::Serve(args) => serve(&cli.root, args),
        Command::Bench(cmd) => bench(cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn import(root: &std::path::Path) -> anyhow::Result<ExitCode> {
    let _ = root;
    anyhow::bail!("import is not implemented yet")
}

fn build(root: &std::path::Path, args: BuildArgs) -> anyhow::Result<ExitCode> {
    let _ = (root, args);
    anyhow::bail!("build is not implemented yet")
}

fn check(root: &std::path::Path) -> anyhow::Result<ExitCode> {
    let _ = root;
    anyhow::bail!("check is not implemented yet")
}

fn init(root: &std::path::Path, args: InitArgs) -> anyhow::Result<ExitCode> {
    let _ = (root, args);
    anyhow::bail!("init is not implemented yet")
}

fn serve(root: &std::path::Path, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let _ = (root, args);
    anyhow::bail!("serve is not implemented yet")
}

fn bench(cmd: BenchCommand) -> anyhow::Result<ExitCode> {
    let _ = cmd;
    anyhow::bail!("bench is not implemented yet")
}
