//! Output trees: how many files and bytes a tool wrote, which files a run
//! wrote (created or replaced), and the list of paths and sizes the floor
//! writer reproduces.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Context;

/// Files and bytes (apparent sizes) under a folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Size {
    pub files: u64,
    pub bytes: u64,
}

/// Every regular file under `dir` (none when it does not exist).
fn files(dir: &Path) -> impl Iterator<Item = walkdir::DirEntry> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
}

pub fn size(dir: &Path) -> Size {
    let mut size = Size::default();
    for entry in files(dir) {
        size.files += 1;
        size.bytes += entry.metadata().map_or(0, |m| m.len());
    }
    size
}

/// What identifies one version of a file: a file replaced by a rename has
/// a new inode, one rewritten in place a new modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Version {
    inode: u64,
    modified: Option<SystemTime>,
    len: u64,
}

/// What a file of Gazette's output is, by its path (`papers/x/index.html`
/// is a paper page), for the bytes-per-kind table.
pub fn kind(path: &str) -> &'static str {
    let parts: Vec<&str> = path.split('/').collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        ["papers.json"] => "papers.json",
        ["papers", _, "index.html"] => "paper pages",
        ["papers", f] if f.ends_with(".json") => "papers.json",
        ["dates", y, m, d, ..] if digits(y) && digits(m) && digits(d) => "day listings",
        ["dates", y, w, ..] if digits(y) && w.starts_with('w') => "week listings",
        ["dates", y, m, ..] if digits(y) && digits(m) => "month listings",
        ["tags" | "orgs", _, "feed.xml"] | ["feed.xml"] => "feeds",
        ["tags", "index.html"] => "other",
        ["tags", ..] => "tag listings",
        ["orgs", "index.html"] => "other",
        ["orgs", ..] => "organization listings",
        ["index.html"] | ["page", ..] => "latest",
        ["top", ..] => "top",
        ["trending", ..] => "trending",
        ["listings", "index.html"] => "other",
        ["listings", ..] => "published listings",
        ["search", ..] => "search",
        // One file, or an index and its parts (`sitemap-1.xml`, …).
        ["sitemap.xml"] => "sitemap",
        [f] if f.starts_with("sitemap-") && f.ends_with(".xml") => "sitemap",
        _ => "other",
    }
}

/// Files and bytes per [`kind`] under `dir`, most bytes first.
pub fn kinds(dir: &Path) -> Vec<(&'static str, Size)> {
    let mut by: HashMap<&'static str, Size> = HashMap::new();
    for entry in files(dir) {
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let size = by
            .entry(kind(&rel.to_string_lossy().replace('\\', "/")))
            .or_default();
        size.files += 1;
        size.bytes += entry.metadata().map_or(0, |m| m.len());
    }
    let mut kinds: Vec<(&'static str, Size)> = by.into_iter().collect();
    kinds.sort_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then(a.0.cmp(b.0)));
    kinds
}

/// [`kinds`] as a Markdown table, with the total.
pub fn kinds_table(dir: &Path) -> String {
    let kinds = kinds(dir);
    let mut out = String::from("| page kind | files | MB | KB a file |\n|---|---:|---:|---:|\n");
    let mut total = Size::default();
    for (kind, size) in &kinds {
        total.files += size.files;
        total.bytes += size.bytes;
        let per = size.bytes as f64 / size.files.max(1) as f64 / 1e3;
        out += &format!(
            "| {kind} | {} | {:.1} | {per:.2} |\n",
            size.files,
            size.bytes as f64 / 1e6
        );
    }
    out += &format!(
        "| total | {} | {:.1} | |\n",
        total.files,
        total.bytes as f64 / 1e6
    );
    out
}

/// The version of every file under a folder, to tell afterwards which
/// files a run wrote.
#[derive(Debug, Default)]
pub struct Snapshot(HashMap<PathBuf, Version>);

pub fn snapshot(dir: &Path) -> Snapshot {
    Snapshot(
        files(dir)
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                Some((e.into_path(), version(&meta)))
            })
            .collect(),
    )
}

#[cfg(unix)]
fn inode(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_: &fs::Metadata) -> u64 {
    0
}

fn version(meta: &fs::Metadata) -> Version {
    Version {
        inode: inode(meta),
        modified: meta.modified().ok(),
        len: meta.len(),
    }
}

impl Snapshot {
    /// Files under `dir` now that are new or another version than in the
    /// snapshot: the files the run in between wrote.
    pub fn written_since(&self, dir: &Path) -> u64 {
        snapshot(dir)
            .0
            .iter()
            .filter(|(path, now)| self.0.get(*path) != Some(now))
            .count() as u64
    }
}

/// One file of a plan: its path relative to the plan's root and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub path: String,
    pub size: u64,
}

/// The files under `dir`, as paths under `prefix` (`public/index.html`),
/// sorted by path.
pub fn plan(dir: &Path, prefix: &str) -> anyhow::Result<Vec<PlannedFile>> {
    let mut planned = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir stays under its root");
        let rel = rel
            .to_str()
            .with_context(|| format!("{} is not UTF-8", entry.path().display()))?;
        let size = entry
            .metadata()
            .with_context(|| format!("cannot read {}", entry.path().display()))?
            .len();
        planned.push(PlannedFile {
            path: format!("{prefix}/{}", rel.replace('\\', "/")),
            size,
        });
    }
    planned.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(planned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_count_files_and_bytes_and_an_absent_folder_is_empty() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("a/b")).unwrap();
        fs::write(tmp.path().join("a/b/index.html"), "12345").unwrap();
        fs::write(tmp.path().join("feed.xml"), "123").unwrap();
        assert_eq!(size(tmp.path()), Size { files: 2, bytes: 8 });
        assert_eq!(size(&tmp.path().join("nope")), Size::default());
    }

    #[test]
    fn output_files_are_sorted_into_page_kinds_by_path() {
        for (path, kind) in [
            ("papers/a-b/index.html", "paper pages"),
            ("papers.json", "papers.json"),
            ("papers/2025-04.json", "papers.json"),
            ("dates/2025/04/28/index.html", "day listings"),
            ("dates/2025/w18/index.html", "week listings"),
            ("dates/2025/04/index.html", "month listings"),
            ("dates/index.html", "other"),
            ("tags/llm/page/2/index.html", "tag listings"),
            ("tags/llm/feed.xml", "feeds"),
            ("page/3/index.html", "latest"),
            ("listings/2025-04-28/index.html", "published listings"),
            ("search/r/abc.json", "search"),
            ("sitemap.xml", "sitemap"),
            ("sitemap-2.xml", "sitemap"),
        ] {
            assert_eq!(super::kind(path), kind, "{path}");
        }
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("papers/a")).unwrap();
        fs::write(tmp.path().join("papers/a/index.html"), "12345").unwrap();
        fs::write(tmp.path().join("index.html"), "12").unwrap();
        assert_eq!(
            super::kinds(tmp.path()),
            [
                ("paper pages", Size { files: 1, bytes: 5 }),
                ("latest", Size { files: 1, bytes: 2 })
            ]
        );
    }

    #[test]
    fn written_files_are_the_new_and_the_replaced_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for name in ["same.html", "rewritten.html", "renamed.html"] {
            fs::write(dir.join(name), "old").unwrap();
        }
        let before = snapshot(dir);
        assert_eq!(before.written_since(dir), 0);
        // Longer content, so the change shows even where mtimes are coarse.
        fs::write(dir.join("rewritten.html"), "new, longer").unwrap();
        fs::write(dir.join("temp"), "old").unwrap();
        fs::rename(dir.join("temp"), dir.join("renamed.html")).unwrap();
        fs::write(dir.join("added.html"), "x").unwrap();
        let expected = if cfg!(unix) { 3 } else { 2 };
        assert_eq!(before.written_since(dir), expected);
    }

    #[test]
    fn a_plan_lists_every_file_under_its_prefix_with_its_size() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("tags/x")).unwrap();
        fs::write(tmp.path().join("tags/x/index.html"), "abc").unwrap();
        fs::write(tmp.path().join("404.html"), "").unwrap();
        let planned = plan(tmp.path(), "public").unwrap();
        assert_eq!(
            planned,
            vec![
                PlannedFile {
                    path: "public/404.html".into(),
                    size: 0
                },
                PlannedFile {
                    path: "public/tags/x/index.html".into(),
                    size: 3
                },
            ]
        );
    }
}
