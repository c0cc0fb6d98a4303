//! Helpers shared by the end-to-end tests.
// Each test file uses some of them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `gazette --root ROOT ARGS...`, run to the end.
pub fn gazette(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("the gazette binary runs")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file under `dir`, relative path → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of this repository's sample site (config, dumps, pages, theme).
pub fn sample_site() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    fs::copy(repo.join("config.toml"), dir.path().join("config.toml")).unwrap();
    for sub in ["digests", "content", "themes"] {
        copy_dir(&repo.join(sub), &dir.path().join(sub));
    }
    dir
}

/// `name` on PATH (an outside checker a test runs), or `None` after
/// printing `SKIPPED: …` past the harness's capture (which shows
/// `eprintln!` output only for failures), saying how to install it.
#[allow(dead_code)] // not every test binary runs an outside checker
pub fn tool_on_path(name: &str, install: &str) -> Option<PathBuf> {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {name} is not on PATH ({install}; .ci/run installs it, so CI never skips this)"
        );
    }
    found
}
