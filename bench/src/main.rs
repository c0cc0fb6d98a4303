//! `gazette-bench`: generate synthetic corpora and time Gazette (and Hugo)
//! on them. Run it as `cargo bench-site <command>` (see docs/performance.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use gazette_bench::run::{self, RunOptions};

// The allocator the `gazette` binary uses, so the in-process stage times
// are those of the shipped binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "gazette-bench",
    about = "Gazette's benchmark: synthetic corpora, and the real binary timed on them"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a synthetic site (config.toml + digests/ + the default theme) with N papers.
    Gen(GenArgs),
    /// Measure builds on synthetic corpora (and Hugo on the same papers).
    Run(RunArgs),
    /// Time only the related papers on synthetic corpora (imported, not built).
    Related(RelatedArgs),
}

#[derive(Debug, Args)]
struct RelatedArgs {
    /// Corpus sizes, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
    sizes: Vec<usize>,
    /// Runs per size (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

#[derive(Debug, Args)]
struct GenArgs {
    /// Number of distinct papers.
    #[arg(long)]
    papers: usize,
    /// Random seed: the same seed writes the same corpus.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write into a non-empty folder.
    #[arg(long)]
    force: bool,
    /// Target folder.
    dir: PathBuf,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Corpus sizes, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000,100000")]
    sizes: Vec<usize>,
    /// Runs per measurement (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Also build the same papers with Hugo, if `hugo` is on PATH.
    #[arg(long)]
    hugo: bool,
    /// Also measure search: index time and size, bytes per first query
    /// (needs node), and Pagefind side by side at the size nearest 10,000
    /// (`pip install pagefind-bin`; its queries need Chromium).
    #[arg(long)]
    search: bool,
    /// The gazette binary to time (default: build this workspace's with
    /// `cargo build --release -p gazette` and time that).
    #[arg(long, value_name = "PATH")]
    gazette: Option<PathBuf>,
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Gen(args) => gen_corpus(&args),
        Command::Run(args) => run::run(&RunOptions {
            sizes: args.sizes,
            runs: args.runs,
            hugo: args.hugo,
            search: args.search,
            gazette: args.gazette,
        }),
        Command::Related(args) => gazette_bench::related::run(&args.sizes, args.runs),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn gen_corpus(args: &GenArgs) -> anyhow::Result<()> {
    let report = gazette_bench::generate(&args.dir, args.papers, args.seed, args.force)?;
    eprintln!(
        "bench gen: {} papers ({} entries) in {} dumps in {}",
        report.papers,
        report.entries,
        report.dumps,
        args.dir.display()
    );
    Ok(())
}
