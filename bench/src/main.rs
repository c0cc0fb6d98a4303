//! `gazette-bench`: generate synthetic corpora and time Gazette, Hugo, Zola
//! and the floor writer on them side by side. Run it as `cargo bench-site
//! <command>` (see docs/performance.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use gazette_bench::run::{self, RunOptions};
use gazette_bench::tool::{Templates, Tool, floor};

// The allocator `gazette` ships with (src/main.rs), so what this process
// times in process (search index, related papers) costs what it costs there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "gazette-bench",
    about = "Gazette's benchmark: synthetic corpora, and Gazette, Hugo, Zola and the floor timed on them"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a synthetic site (config.toml + digests/ + the default theme) with N papers.
    Gen(GenArgs),
    /// Measure builds on synthetic corpora: Gazette, the floor, Hugo and Zola side by side.
    Run(RunArgs),
    /// The floor writer: write the files a plan lists (path and size) into OUT.
    #[command(hide = true)]
    Floor(FloorArgs),
    /// Time only the related papers on synthetic corpora (imported, not built).
    Related(RelatedArgs),
    /// Files and bytes per page kind of a built Gazette site's output folder.
    Sizes(SizesArgs),
    /// Only the edit-to-reload latency of `gazette serve`, on a site made
    /// with `gen` (seconds where `run` takes minutes at 100,000 papers).
    Latency(LatencyArgs),
}

#[derive(Debug, Args)]
struct LatencyArgs {
    /// Edits (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// The gazette binary to serve with (default: this workspace's release build).
    #[arg(long, value_name = "PATH")]
    gazette: Option<PathBuf>,
    /// Where the server's output goes (with `GAZETTE_TRACE=1` in the
    /// environment, one line per rebuild of where its time went).
    #[arg(long, value_name = "PATH", default_value = "gazette-serve.log")]
    log: PathBuf,
    /// The site (`gazette-bench gen --papers N DIR`).
    dir: PathBuf,
}

#[derive(Debug, Args)]
struct SizesArgs {
    /// The output folder (`public/` of a built site).
    dir: PathBuf,
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
    #[arg(long, value_delimiter = ',', default_value = "10000")]
    sizes: Vec<usize>,
    /// Rounds: every tool runs once per round, in a rotated order (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Tools to measure, comma-separated: gazette, floor, hugo, zola (Hugo and
    /// Zola when on PATH).
    #[arg(long, value_delimiter = ',', default_value = "gazette,floor,hugo,zola", value_parser = parse_tool)]
    tools: Vec<Tool>,
    /// Template sets, comma-separated: default (Gazette's default theme and
    /// Hugo and Zola templates showing the same), minimal (titles and links).
    #[arg(long, value_delimiter = ',', default_value = "default,minimal", value_parser = parse_templates)]
    templates: Vec<Templates>,
    /// Skip the edit-to-reload latency through the preview servers.
    #[arg(long)]
    no_latency: bool,
    /// Generate the corpora in DIR (the medium measured: /dev/shm for tmpfs);
    /// default: the system's temporary folder.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Also measure search: index time and size, bytes per first query
    /// (needs node), and Pagefind side by side at the size nearest 10,000
    /// (`pip install pagefind-bin`; its queries need Chromium).
    #[arg(long)]
    search: bool,
    /// The gazette binary to time (default: build this workspace's with
    /// `cargo build --release -p gazette` and time that).
    #[arg(long, value_name = "PATH")]
    gazette: Option<PathBuf>,
    /// Keep each corpus's folder (every tool's site, output and logs) to
    /// look at afterwards; its path is printed.
    #[arg(long)]
    keep: bool,
}

#[derive(Debug, Args)]
struct FloorArgs {
    /// The plan: one `size<TAB>relative/path` line per file.
    #[arg(long)]
    plan: PathBuf,
    /// The folder to write into; it must not exist.
    out: PathBuf,
}

fn parse_tool(name: &str) -> Result<Tool, String> {
    Tool::parse(name).ok_or_else(|| format!("unknown tool `{name}`: gazette, floor, hugo or zola"))
}

fn parse_templates(name: &str) -> Result<Templates, String> {
    Templates::parse(name).ok_or_else(|| format!("unknown templates `{name}`: default or minimal"))
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Gen(args) => gen_corpus(&args),
        Command::Run(args) => run::run(&RunOptions {
            sizes: args.sizes,
            runs: args.runs,
            tools: args.tools,
            templates: args.templates,
            latency: !args.no_latency,
            dir: args.dir,
            search: args.search,
            gazette: args.gazette,
            keep: args.keep,
            command_line: command_line(),
        }),
        Command::Floor(args) => {
            floor::read_plan(&args.plan).and_then(|files| floor::write_tree(&files, &args.out))
        }
        Command::Related(args) => gazette_bench::related::run(&args.sizes, args.runs),
        Command::Latency(args) => {
            gazette_bench::tool::gazette::binary(args.gazette).and_then(|exe| {
                gazette_bench::live::gazette_only(&exe, &args.dir, args.runs.max(1), &args.log)
            })
        }
        Command::Sizes(args) => {
            print!("{}", gazette_bench::tree::kinds_table(&args.dir));
            Ok(())
        }
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

/// `cargo bench-site run ...` as typed, for the report's footer.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("cargo bench-site {}", args.join(" "))
}
