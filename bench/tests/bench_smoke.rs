//! The benchmark must not rot: generate, refuse bad input, and run a
//! 100-paper benchmark end to end through the real `gazette` binary. No
//! timings are asserted, only that every figure is produced.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use gazette_bench::tool::gazette::{Profile, build_binary};

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gazette-bench"))
        .args(args)
        .output()
        .expect("run gazette-bench")
}

/// The product's binary, built by the same code `run` uses (in the dev
/// profile: these tests check that the benchmark works, not how fast).
fn gazette_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build_binary(Profile::Dev).expect("build gazette"))
}

fn gazette(args: &[&str]) -> Output {
    Command::new(gazette_binary())
        .args(args)
        .output()
        .expect("run gazette")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file under `dir`, relative path → bytes, sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn generating_twice_with_the_same_seed_gives_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for dir in [&a, &b] {
        let out = bench(&[
            "gen",
            "--papers",
            "100",
            "--seed",
            "42",
            dir.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(ta.iter().any(|(p, _)| p.starts_with("digests/")));
    assert!(ta.iter().any(|(p, _)| p == "config.toml"));
    assert_eq!(ta, tb);
}

#[test]
fn a_generated_corpus_imports_every_paper_it_was_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let out = bench(&["gen", "--papers", "100", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = gazette(&["--root", site.to_str().unwrap(), "import"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("warning"),
        "the generated digests should parse cleanly:\n{}",
        stderr(&out)
    );
    let pages = fs::read_dir(site.join("content/papers")).unwrap().count();
    assert_eq!(pages, 100, "{}", stderr(&out));
}

#[test]
fn gen_refuses_zero_papers() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bench(&[
        "gen",
        "--papers",
        "0",
        tmp.path().join("x").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--papers"), "{}", stderr(&out));
    assert!(!tmp.path().join("x").exists());
}

#[test]
fn gen_refuses_a_non_empty_folder_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("mine.txt"), "keep me").unwrap();
    let dir = tmp.path().to_str().unwrap();
    let out = bench(&["gen", "--papers", "10", dir]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert!(!tmp.path().join("digests").exists());

    let out = bench(&["gen", "--papers", "10", "--force", dir]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(tmp.path().join("mine.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn run_refuses_bad_sizes_before_building_anything() {
    let out = bench(&["run", "--sizes", "0", "--gazette", "/nonexistent/gazette"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--sizes"), "{}", stderr(&out));
}

#[test]
fn bench_run_on_100_papers_prints_the_table() {
    let exe = gazette_binary().to_str().unwrap();
    let out = bench(&["run", "--sizes", "100", "--runs", "1", "--gazette", exe]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("| papers | HTML pages | cold build | no-change rebuild | peak RSS |"),
        "{stdout}"
    );
    let row = stdout
        .lines()
        .find(|l| l.starts_with("| 100 |"))
        .unwrap_or_else(|| panic!("no row for 100 papers:\n{stdout}"));
    // Every figure is there: no empty cell, and pages were written.
    assert!(!row.contains("|  |"), "{row}");
    assert!(
        !row.starts_with("| 100 | 0 |"),
        "no HTML pages built: {row}"
    );
    assert!(stdout.contains("Edit to reload, 100 papers:"), "{stdout}");
    assert!(
        stdout.contains("Related papers, 100 papers: "),
        "the related-papers figure: {stdout}"
    );
}

#[test]
fn bench_related_times_the_related_papers_of_each_size() {
    let out = bench(&["related", "--sizes", "50,120", "--runs", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "one line per size: {stdout}");
    assert!(
        lines[0].starts_with("Related papers, 50 papers: "),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("Related papers, 120 papers: "),
        "{stdout}"
    );
    let refused = bench(&["related", "--sizes", "0"]);
    assert!(!refused.status.success(), "a size of 0 is refused");
}
