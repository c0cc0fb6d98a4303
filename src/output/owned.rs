//! Which files of the output folder are Gazette's: those its manifest
//! ([`MANIFEST`]) lists. Only they are ever replaced or removed; anything
//! else (a `.git` checkout, `CNAME`, a person's files) is kept as it is,
//! and a folder holding such files without a manifest is refused unless
//! forced.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{WriteError, fail};
use crate::atomic;

/// The file in an output folder listing, one per line, the files Gazette
/// wrote there: the only files it will ever replace or remove.
pub const MANIFEST: &str = ".gazette-manifest";
const MANIFEST_HEADER: &str =
    "# Files gazette wrote in this folder, the only ones it replaces or removes.";

/// The folder a build stages its files in when it cannot stage them beside
/// the output folder (see `dir.rs`); never part of the site.
pub const STAGING_INSIDE: &str = ".gazette-staging";

/// What the output folder held when a build started.
#[derive(Debug, Default)]
pub struct Tree {
    pub exists: bool,
    /// The manifest's list, when there is one.
    pub manifest: Option<BTreeSet<String>>,
    /// Every entry that is not a folder (files, links), relative with `/`,
    /// the manifest itself left out.
    pub files: HashSet<String>,
    /// Folders with nothing in them (a person's, kept by a build).
    pub empty_folders: Vec<String>,
}

impl Tree {
    /// Reads `dir` (missing: an empty tree). Gazette's temporary files left
    /// by a killed process (`.gazette-XXXXXX`, not in the manifest) are
    /// removed on the way; nothing else is touched.
    pub fn scan(dir: &Path) -> Result<Tree, WriteError> {
        let mut tree = Tree::default();
        match fs::symlink_metadata(dir) {
            Ok(meta) if meta.is_dir() => tree.exists = true,
            Ok(_) => {
                return Err(fail(
                    dir,
                    io::Error::new(io::ErrorKind::NotADirectory, "not a folder"),
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(tree),
            Err(e) => return Err(fail(dir, e)),
        }
        tree.manifest = read_manifest(dir)?;
        let owned = tree.manifest.clone().unwrap_or_default();
        let walk = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .filter_entry(|e| !(e.depth() == 1 && e.file_name() == STAGING_INSIDE));
        let mut folders = Vec::new();
        let mut parents = HashSet::new();
        for entry in walk {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(dir).to_path_buf();
                fail(&path, e.into())
            })?;
            let rel = relative(dir, entry.path());
            if let Some((parent, _)) = rel.rsplit_once('/') {
                parents.insert(parent.to_string());
            }
            if entry.file_type().is_dir() {
                folders.push(rel);
                continue;
            }
            if rel == MANIFEST {
                continue;
            }
            let name = entry.file_name().to_string_lossy();
            if atomic::is_temp_name(&name) && !owned.contains(&rel) {
                fs::remove_file(entry.path()).map_err(|e| fail(entry.path(), e))?;
                continue;
            }
            tree.files.insert(rel);
        }
        tree.empty_folders = folders
            .into_iter()
            .filter(|f| !parents.contains(f))
            .collect();
        Ok(tree)
    }

    /// Files Gazette did not write: not in the manifest (every file, when
    /// there is none).
    pub fn foreign(&self) -> impl Iterator<Item = &String> {
        self.files
            .iter()
            .filter(|f| !self.manifest.as_ref().is_some_and(|m| m.contains(*f)))
    }

    /// Whether Gazette wrote `path` (the manifest lists it).
    pub fn owns(&self, path: &str) -> bool {
        self.manifest.as_ref().is_some_and(|m| m.contains(path))
    }
}

/// `a/b/c` for `dir/a/b/c`.
fn relative(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// The refusal for a folder holding files Gazette did not write: without
/// a manifest any such file, with one only those the build would
/// overwrite (`clashes`).
pub fn refusal(dir: &Path, has_manifest: bool, files: &[&String]) -> WriteError {
    let mut files: Vec<&str> = files.iter().map(|f| f.as_str()).collect();
    files.sort_unstable();
    let shown: Vec<&str> = files.iter().take(3).copied().collect();
    let more = match files.len() {
        n if n > 3 => format!(" and {} more", n - 3),
        _ => String::new(),
    };
    let why = if has_manifest {
        "that the build would overwrite".to_string()
    } else {
        format!("and no {MANIFEST} (so nothing here is Gazette's)")
    };
    let message = format!(
        "refusing to build into this folder: it holds files Gazette did not write ({}{more}) {why}; \
         pass --force to build into it anyway (Gazette never deletes a file it did not write), \
         or choose an empty folder",
        shown.join(", "),
    );
    WriteError::Refused {
        dir: dir.to_path_buf(),
        message,
    }
}

/// The files the manifest lists, or `None` when the folder has none. Lines
/// that are not plain relative paths (`..`, absolute) are ignored, so a
/// tampered manifest cannot point outside the folder.
pub fn read_manifest(dir: &Path) -> Result<Option<BTreeSet<String>>, WriteError> {
    let path = dir.join(MANIFEST);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fail(&path, e)),
    };
    Ok(Some(
        text.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter(|l| {
                !l.starts_with('/')
                    && !l.contains('\\')
                    && l.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
            })
            .map(str::to_string)
            .collect(),
    ))
}

/// The manifest listing `files`, sorted.
pub fn manifest_text<'a>(files: impl Iterator<Item = &'a str>) -> String {
    let files: BTreeSet<&str> = files.collect();
    let mut text = String::with_capacity(files.len() * 40 + MANIFEST_HEADER.len());
    text.push_str(MANIFEST_HEADER);
    text.push('\n');
    for f in files {
        text.push_str(f);
        text.push('\n');
    }
    text
}

/// The manifest's path in `dir`.
pub fn manifest_path(dir: &Path) -> PathBuf {
    dir.join(MANIFEST)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_sees_files_links_and_empty_folders_and_drops_stray_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("papers/a")).unwrap();
        fs::create_dir_all(d.join("downloads")).unwrap();
        fs::create_dir_all(d.join(STAGING_INSIDE).join("x")).unwrap();
        fs::write(d.join("papers/a/index.html"), "a").unwrap();
        fs::write(d.join("papers/.gazette-AbC123"), "").unwrap();
        fs::write(d.join("CNAME"), "example.org").unwrap();
        fs::write(
            d.join(MANIFEST),
            manifest_text(["papers/a/index.html"].into_iter()),
        )
        .unwrap();
        let tree = Tree::scan(d).unwrap();
        let mut files: Vec<&String> = tree.files.iter().collect();
        files.sort();
        assert_eq!(files, ["CNAME", "papers/a/index.html"]);
        assert_eq!(tree.empty_folders, ["downloads"]);
        assert!(tree.owns("papers/a/index.html") && !tree.owns("CNAME"));
        assert_eq!(tree.foreign().collect::<Vec<_>>(), ["CNAME"]);
        assert!(!d.join("papers/.gazette-AbC123").exists());
    }
}
