//! Gazette, the tool under test: its binary (built here with cargo unless
//! given), cold and no-change builds timed as a child process exactly as a
//! user runs them, the pipeline's own stage times in process, and the
//! edit-to-reload latency through `gazette serve`.

use std::fs;
use std::io::{BufRead, BufReader, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use gazette::pipeline::{BuildOptions, Builder};

use crate::measure::{count_files, median, remove_if_present, time_child};
use crate::report::{Latency, SizeResult};

/// The cargo profile the `gazette` binary is built with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// What the benchmark measures: what `cargo install` ships.
    Release,
    /// For the benchmark's own tests, which check it runs, not how fast.
    Dev,
}

impl Profile {
    fn name(self) -> &'static str {
        match self {
            Profile::Release => "release",
            Profile::Dev => "dev",
        }
    }
}

/// The `gazette` binary to time: `given` if any, otherwise the release
/// build of this workspace (built now; cargo makes that instant when it is
/// up to date).
pub fn binary(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match given {
        Some(path) if path.is_file() => Ok(path),
        Some(path) => bail!("--gazette {}: no such file", path.display()),
        None => build_binary(Profile::Release),
    }
}

/// Runs `cargo build -p gazette --bin gazette` on this workspace and
/// returns the executable cargo reports, wherever the target folder is.
/// Cargo's progress and errors go to our stderr.
pub fn build_binary(profile: Profile) -> anyhow::Result<PathBuf> {
    // `CARGO` is set when cargo runs us (`cargo bench-site`, `cargo test`).
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the bench crate sits inside the workspace")
        .join("Cargo.toml");
    eprintln!(
        "bench: building gazette (cargo build --profile {} -p gazette)",
        profile.name()
    );
    let output = Command::new(&cargo)
        .args(["build", "--profile", profile.name(), "-p", "gazette"])
        .args([
            "--bin",
            "gazette",
            "--message-format=json-render-diagnostics",
        ])
        .arg("--manifest-path")
        .arg(&manifest)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run {}", Path::new(&cargo).display()))?;
    if !output.status.success() {
        bail!(
            "building gazette failed ({}); see cargo's output above",
            output.status
        );
    }
    executable_from_messages(&String::from_utf8_lossy(&output.stdout)).with_context(|| {
        "cargo built gazette but reported no executable for it; \
         pass --gazette PATH to time a binary you built yourself"
            .to_string()
    })
}

/// The `gazette` binary's path from cargo's JSON messages (one per line).
fn executable_from_messages(stdout: &str) -> Option<PathBuf> {
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "gazette")
        .filter(|m| {
            m["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "bin"))
        })
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
}

/// `gazette --root site <args>`.
fn command(exe: &Path, site: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(exe);
    command.arg("--root").arg(site).args(args);
    command
}

/// Cold builds (no content/papers, no public/) then no-change rebuilds.
pub fn measure_builds(
    exe: &Path,
    site: &Path,
    papers: usize,
    runs: usize,
) -> anyhow::Result<SizeResult> {
    let log = site.with_extension("stderr.log");
    let mut cold = Vec::new();
    let mut peak_rss = None;
    for i in 0..runs {
        eprintln!("bench: {papers} papers: cold build {}/{runs}", i + 1);
        remove_if_present(&site.join("content"))?;
        remove_if_present(&site.join("public"))?;
        let timed = time_child(&mut command(exe, site, &["build"]), &log)?;
        cold.push(timed.elapsed);
        peak_rss = peak_rss.max(timed.peak_rss);
    }
    let mut rebuild = Vec::new();
    for i in 0..runs {
        eprintln!("bench: {papers} papers: no-change rebuild {}/{runs}", i + 1);
        rebuild.push(time_child(&mut command(exe, site, &["build"]), &log)?.elapsed);
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
pub type Stages = Vec<(&'static str, Duration)>;

pub fn stage_breakdown(site: &Path) -> anyhow::Result<(Stages, Stages)> {
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
    gazette::output::write_to_dir(&builder.output(), &site.join("public"), false)?;
    stages.push(("write", started.elapsed()));
    Ok(stages)
}

// ---- Edit-to-reload latency ----------------------------------------------

pub fn measure_latency(
    exe: &Path,
    site: &Path,
    papers: usize,
    runs: usize,
) -> anyhow::Result<Latency> {
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
        command(exe, site, &["serve", "--port", "0"])
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
    let url = format!("ws://127.0.0.1:{port}{}", gazette::serve::reload::ENDPOINT);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_is_read_from_serves_banner() {
        assert_eq!(
            parse_serving_line("serving at http://127.0.0.1:40123/"),
            Some(40123)
        );
        assert_eq!(parse_serving_line("build: 12 files"), None);
    }

    #[test]
    fn the_binary_is_the_gazette_executable_cargo_reports() {
        // Abridged cargo messages: the library artifact, the binary, the end.
        let stdout = r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"gazette"},"executable":null}
{"reason":"compiler-artifact","target":{"kind":["bin"],"name":"gazette"},"executable":"/t/release/gazette"}
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            executable_from_messages(stdout),
            Some(PathBuf::from("/t/release/gazette"))
        );
        assert_eq!(
            executable_from_messages(r#"{"reason":"build-finished","success":true}"#),
            None
        );
    }

    #[test]
    fn a_given_binary_that_does_not_exist_is_refused_by_name() {
        let err = binary(Some(PathBuf::from("/nonexistent/gazette"))).unwrap_err();
        assert!(
            err.to_string().contains("--gazette /nonexistent/gazette"),
            "{err}"
        );
    }
}
