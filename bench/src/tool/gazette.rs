//! Gazette, the tool under test: its binary (built here with cargo unless
//! given), its steps (cold from the dumps, cold with the pages imported,
//! no change), each a `gazette build` child process exactly as a user runs
//! it, the stage times it prints, the minimal-theme site, and `gazette
//! serve` for the edit-to-reload latency.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use gazette::layout;

use super::{Scenario, Step, Templates, Tool, args};
use crate::live;
use crate::measure::time_child;

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

/// The site's output folder (`public/`).
pub fn output(site: &Path) -> PathBuf {
    site.join(layout::OUTPUT_DIR)
}

/// The minimal site beside the corpus at `site`: the same config (with
/// `theme = "minimal"`) and dumps, and the benchmark's minimal theme.
pub fn write_minimal_site(site: &Path, minimal: &Path) -> anyhow::Result<()> {
    let digests = minimal.join(layout::DIGESTS_DIR);
    fs::create_dir_all(&digests).with_context(|| format!("cannot create {}", digests.display()))?;
    let config = fs::read_to_string(site.join(layout::CONFIG_FILE))
        .context("cannot read the corpus's config.toml")?;
    // A top-level key must come before the first table.
    fs::write(
        minimal.join(layout::CONFIG_FILE),
        format!("theme = \"minimal\"\n{config}"),
    )?;
    for entry in fs::read_dir(site.join(layout::DIGESTS_DIR))? {
        let entry = entry?;
        fs::copy(entry.path(), digests.join(entry.file_name()))
            .with_context(|| format!("cannot copy {}", entry.path().display()))?;
    }
    crate::sites::write(
        "gazette/minimal",
        &minimal.join(layout::theme_dir("minimal")),
    )
}

/// An untimed `gazette build`: before the timed runs, so that the floor
/// has a tree to copy and Hugo and Zola have pages to read.
pub fn build(exe: &Path, site: &Path, log: &Path) -> anyhow::Result<()> {
    time_child(&mut command(exe, site, &["build"]), log).map(|_| ())
}

/// Gazette's steps, in the order one round runs them: each leaves the
/// site as the next one needs it (pages imported, then an output).
pub fn steps(exe: &Path, site: &Path, templates: Templates) -> Vec<Step> {
    let step = |scenario, clear: Vec<PathBuf>| Step {
        tool: Tool::Gazette,
        templates,
        scenario,
        program: exe.to_path_buf(),
        args: args([
            "--root".into(),
            site.as_os_str().to_os_string(),
            "build".into(),
        ]),
        clear,
        output: output(site),
        count_written: scenario == Scenario::NoChange,
    };
    vec![
        step(
            Scenario::FromDumps,
            vec![
                site.join(layout::PAPERS_DIR),
                site.join(layout::CACHE_DIR),
                output(site),
            ],
        ),
        step(Scenario::Imported, vec![output(site)]),
        step(Scenario::NoChange, vec![]),
    ]
}

/// The stage times `gazette build` prints on its last line, `build: ...
/// (import 715 ms, load 218 ms, ...)`; none if it printed none.
pub fn stages_from_log(log: &str) -> Vec<(String, Duration)> {
    let Some(line) = log.lines().rev().find(|l| l.starts_with("build:")) else {
        return Vec::new();
    };
    let Some(inside) = line
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(inside, _)| inside)
    else {
        return Vec::new();
    };
    inside
        .split(", ")
        .filter_map(|part| {
            let mut words = part.split_whitespace();
            let (name, number, unit) = (words.next()?, words.next()?, words.next()?);
            let value: f64 = number.parse().ok()?;
            let seconds = match unit {
                "ms" => value / 1000.0,
                "s" => value,
                "µs" | "us" => value / 1e6,
                _ => return None,
            };
            Some((name.to_string(), Duration::from_secs_f64(seconds)))
        })
        .collect()
}

// ---- Edit-to-reload ----------------------------------------------------

/// `gazette serve` on `port`, and where its live reload listens.
pub fn server(exe: &Path, site: &Path, port: u16) -> live::ServerSpec {
    let mut command = command(exe, site, &["serve", "--port", &port.to_string()]);
    command.stdin(Stdio::null());
    live::ServerSpec {
        tool: Tool::Gazette,
        command,
        port,
        socket_path: layout::LIVE_RELOAD.to_string(),
        visit: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_times_are_read_from_the_builds_last_line() {
        let log = "import: 100 pages: 100 added\n\
                   build: 137 files in ./public (137 written, 0 unchanged, 0 removed) \
                   in 71 ms (import 25 ms, load 4 ms, theme 0 ms, render 31 ms, write 1.5 s)\n";
        let stages = stages_from_log(log);
        let names: Vec<&str> = stages.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["import", "load", "theme", "render", "write"]);
        assert_eq!(stages[0].1, Duration::from_millis(25));
        assert_eq!(stages[4].1, Duration::from_millis(1500));
        assert!(stages_from_log("build: done\n").is_empty());
        assert!(stages_from_log("").is_empty());
    }

    #[test]
    fn the_minimal_site_has_the_corpus_dumps_and_names_its_theme_first() {
        let tmp = tempfile::tempdir().unwrap();
        let (site, minimal) = (tmp.path().join("site"), tmp.path().join("minimal"));
        fs::create_dir_all(site.join("digests")).unwrap();
        fs::write(site.join("digests/2025-01-02.txt"), "dump").unwrap();
        fs::write(site.join("config.toml"), "title = \"x\"\n[import.years]\n").unwrap();
        write_minimal_site(&site, &minimal).unwrap();
        let config = fs::read_to_string(minimal.join("config.toml")).unwrap();
        let parsed: toml::Table = toml::from_str(&config).unwrap();
        assert_eq!(parsed["theme"].as_str(), Some("minimal"));
        assert_eq!(parsed["title"].as_str(), Some("x"));
        assert!(minimal.join("digests/2025-01-02.txt").is_file());
        for name in gazette::render::theme::REQUIRED {
            assert!(
                minimal
                    .join("themes/minimal/templates")
                    .join(name)
                    .is_file(),
                "the minimal theme lacks {name}"
            );
        }
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
