//! The output map (site-relative path → bytes) and writing it to a folder.
//!
//! The whole site is rendered into an [`Output`] before anything touches
//! disk; [`write_to_dir`] then writes only files whose bytes changed, each
//! atomically, and removes files the build no longer produces. Rewriting a
//! whole site costs seconds at ten thousand pages; this costs what changed.
//!
//! The output folder is Gazette's only where Gazette wrote it: a manifest
//! ([`MANIFEST`]) lists the files it wrote, and only those are ever removed
//! or replaced. A folder holding other files and no manifest (a person's
//! `docs/`, a fresh git checkout) is refused unless the caller forces it,
//! and even then nothing Gazette did not write is deleted.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::atomic;
use crate::diagnostic::Diagnostic;

/// Rendered site: `index.html`, `papers/<slug>/index.html`, `feed.xml`, ...
/// Keys use `/` and never start with one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    pub files: BTreeMap<String, Arc<[u8]>>,
}

#[cfg(test)]
impl Output {
    /// An output map from text files, for tests.
    pub(crate) fn from_texts(files: &[(&str, &str)]) -> Output {
        Output {
            files: files
                .iter()
                .map(|(p, b)| (p.to_string(), Arc::from(b.as_bytes())))
                .collect(),
        }
    }
}

/// What writing did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// The file in an output folder listing, one per line, the files Gazette
/// wrote there: the only files it will ever replace or remove.
pub const MANIFEST: &str = ".gazette-manifest";
const MANIFEST_HEADER: &str =
    "# Files gazette wrote in this folder, the only ones it replaces or removes.";

/// Why writing the output stopped, naming the path.
#[derive(Debug)]
pub enum WriteError {
    /// The folder holds files Gazette did not write; nothing was written.
    Refused { dir: PathBuf, message: String },
    /// The file system failed on `path`; files written before it stay.
    Io { path: PathBuf, error: io::Error },
}

impl WriteError {
    /// The error as every other: `path: error: message`.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            WriteError::Refused { dir, message } => {
                Diagnostic::error(dir.display().to_string(), 0, message.clone())
            }
            WriteError::Io { path, error } => Diagnostic::error(
                path.display().to_string(),
                0,
                format!("cannot write: {error}"),
            ),
        }
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.diagnostic().fmt(f)
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Refused { .. } => None,
            WriteError::Io { error, .. } => Some(error),
        }
    }
}

impl From<WriteError> for Diagnostic {
    fn from(error: WriteError) -> Diagnostic {
        error.diagnostic()
    }
}

fn fail(path: &Path, error: io::Error) -> WriteError {
    WriteError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Makes `dir` hold `output`: changed files are replaced atomically
/// (temp file + rename, so a reader never sees half a file), new files are
/// written in place (nothing to protect), identical files are left alone,
/// and files an earlier build wrote that `output` no longer has are removed,
/// with the folders they leave empty. Files Gazette did not write are never
/// touched; a folder holding any, without a manifest, or a build that would
/// overwrite one, is refused unless `force` (and `force` still deletes none).
pub fn write_to_dir(output: &Output, dir: &Path, force: bool) -> Result<WriteStats, WriteError> {
    fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    let existing = existing_files(dir)?;
    let owned = read_manifest(dir)?;
    let foreign: Vec<&String> = existing
        .iter()
        .filter(|f| f.as_str() != MANIFEST && !owned.as_ref().is_some_and(|o| o.contains(*f)))
        .collect();
    if !force {
        refuse_foreign(dir, owned.is_some(), &foreign, output)?;
    }
    // Listed before anything is written, with what earlier builds wrote, so
    // a build that stops half way still owns every file it may have made.
    let old = owned.unwrap_or_default();
    write_manifest(dir, old.iter().chain(output.files.keys()))?;

    // Folders for new files, made once each before the parallel writes.
    let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
    for rel in output.files.keys().filter(|rel| !existing.contains(*rel)) {
        if let Some(parent) = dir.join(rel).parent() {
            folders.insert(parent.to_path_buf());
        }
    }
    folders
        .par_iter()
        .try_for_each(|folder| fs::create_dir_all(folder).map_err(|e| fail(folder, e)))?;

    let results: Vec<Result<bool, WriteError>> = output
        .files
        .par_iter()
        .map(|(rel, bytes)| {
            let path = dir.join(rel);
            if existing.contains(rel) {
                write_if_changed(&path, bytes)
            } else {
                write_new(&path, bytes).map(|()| true)
            }
        })
        .collect();
    let mut stats = WriteStats::default();
    for result in results {
        if result? {
            stats.written += 1;
        } else {
            stats.unchanged += 1;
        }
    }

    let mut emptied = BTreeSet::new();
    for rel in old
        .iter()
        .filter(|rel| existing.contains(*rel) && !output.files.contains_key(*rel))
    {
        let path = dir.join(rel);
        fs::remove_file(&path).map_err(|e| fail(&path, e))?;
        stats.removed += 1;
        let mut parent = path.parent();
        while let Some(p) = parent {
            if p == dir {
                break;
            }
            emptied.insert(p.to_path_buf());
            parent = p.parent();
        }
    }
    // Deepest first, so a parent is tried after its children; non-empty ones stay.
    for folder in emptied.iter().rev() {
        let _ = fs::remove_dir(folder);
    }
    write_manifest(dir, output.files.keys())?;
    Ok(stats)
}

/// Without a manifest, any file in the folder is someone else's; with one,
/// only a file the build would overwrite matters.
fn refuse_foreign(
    dir: &Path,
    has_manifest: bool,
    foreign: &[&String],
    output: &Output,
) -> Result<(), WriteError> {
    let (files, why): (Vec<&String>, &str) = if has_manifest {
        let clash: Vec<&String> = foreign
            .iter()
            .copied()
            .filter(|f| output.files.contains_key(*f))
            .collect();
        (clash, "that the build would overwrite")
    } else {
        (
            foreign.to_vec(),
            "and no {MANIFEST} (so nothing here is Gazette's)",
        )
    };
    if files.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = files.iter().take(3).map(|f| f.as_str()).collect();
    let more = match files.len() {
        n if n > 3 => format!(" and {} more", n - 3),
        _ => String::new(),
    };
    let message = format!(
        "refusing to build into this folder: it holds files Gazette did not write ({}{more}) {}; \
         pass --force to build into it anyway (Gazette never deletes a file it did not write), \
         or choose an empty folder",
        shown.join(", "),
        why.replace("{MANIFEST}", MANIFEST),
    );
    Err(WriteError::Refused {
        dir: dir.to_path_buf(),
        message,
    })
}

/// The files the manifest lists, or `None` when the folder has none. Lines
/// that are not plain relative paths (`..`, absolute) are ignored, so a
/// tampered manifest cannot point outside the folder.
fn read_manifest(dir: &Path) -> Result<Option<BTreeSet<String>>, WriteError> {
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

fn write_manifest<'a>(
    dir: &Path,
    files: impl Iterator<Item = &'a String>,
) -> Result<(), WriteError> {
    let files: BTreeSet<&String> = files.collect();
    let mut text = String::with_capacity(files.len() * 40 + MANIFEST_HEADER.len());
    text.push_str(MANIFEST_HEADER);
    text.push('\n');
    for f in files {
        text.push_str(f);
        text.push('\n');
    }
    let path = dir.join(MANIFEST);
    atomic::write(&path, text.as_bytes()).map_err(|e| fail(&path, e))
}

/// Site-relative paths (with `/`) of every file under `dir`.
fn existing_files(dir: &Path) -> Result<BTreeSet<String>, WriteError> {
    let mut files = BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            fail(&path, e.into())
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        files.insert(rel.join("/"));
    }
    Ok(files)
}

/// Returns whether the file was written.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, WriteError> {
    if let Ok(meta) = fs::metadata(path)
        && meta.is_file()
        && meta.len() == bytes.len() as u64
        && fs::read(path).is_ok_and(|old| old == bytes)
    {
        return Ok(false);
    }
    atomic::write(path, bytes).map_err(|e| fail(path, e))?;
    Ok(true)
}

/// A file the folder did not have: there is no old version a reader could
/// see half-replaced, so it is written in place, which costs a third of the
/// system calls of temp file + rename (on a 10,000-page site, seconds).
/// Should the write fail, the next build sees different bytes and rewrites it.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    fs::write(path, bytes).map_err(|e| fail(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[(&str, &str)]) -> Output {
        Output::from_texts(files)
    }

    #[test]
    fn only_changed_files_are_written_and_stale_ones_removed() {
        let dir = tempfile::tempdir().unwrap();
        let first = output(&[
            ("index.html", "home"),
            ("papers/a/index.html", "a"),
            ("papers/b/index.html", "b"),
        ]);
        let stats = write_to_dir(&first, dir.path(), false).unwrap();
        assert_eq!(stats.written, 3);

        let second = output(&[("index.html", "home v2"), ("papers/a/index.html", "a")]);
        let stats = write_to_dir(&second, dir.path(), false).unwrap();
        assert_eq!(
            stats,
            WriteStats {
                written: 1,
                unchanged: 1,
                removed: 1
            }
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("index.html")).unwrap(),
            "home v2"
        );
        assert!(
            !dir.path().join("papers/b").exists(),
            "a page the build no longer makes must disappear with its folder"
        );
        assert_eq!(
            existing_files(dir.path()).unwrap().len(),
            3,
            "two pages and the manifest"
        );
    }

    #[test]
    fn an_unchanged_site_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let site = output(&[("index.html", "home"), ("style.css", "body{}")]);
        write_to_dir(&site, dir.path(), false).unwrap();
        let stats = write_to_dir(&site, dir.path(), false).unwrap();
        assert_eq!(stats.written, 0);
        assert_eq!(stats.unchanged, 2);
    }

    #[test]
    fn a_persons_file_where_the_build_would_write_is_refused_then_kept_out_of_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        write_to_dir(&output(&[("index.html", "home")]), dir.path(), false).unwrap();
        fs::write(dir.path().join("about.html"), "mine").unwrap();
        let site = output(&[("index.html", "home"), ("about.html", "generated")]);
        let err = write_to_dir(&site, dir.path(), false).unwrap_err();
        assert!(matches!(err, WriteError::Refused { .. }), "{err}");
        assert!(err.to_string().contains("about.html"), "{err}");
        assert!(
            err.to_string()
                .starts_with(&format!("{}: error: refusing", dir.path().display())),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("about.html")).unwrap(),
            "mine"
        );
        // Forced, it is overwritten, and from then on Gazette's.
        write_to_dir(&site, dir.path(), true).unwrap();
        let manifest = read_manifest(dir.path()).unwrap().unwrap();
        assert!(manifest.contains("about.html"));
    }

    #[test]
    fn a_tampered_manifest_cannot_delete_outside_the_folder() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("public");
        fs::create_dir(&dir).unwrap();
        fs::write(parent.path().join("precious.txt"), "keep").unwrap();
        fs::write(
            dir.join(MANIFEST),
            "../precious.txt\n/etc/passwd\n./x\nold.html\n",
        )
        .unwrap();
        fs::write(dir.join("old.html"), "old").unwrap();
        let stats = write_to_dir(&output(&[("index.html", "home")]), &dir, false).unwrap();
        assert_eq!(stats.removed, 1, "only old.html, which the manifest lists");
        assert!(parent.path().join("precious.txt").exists());
    }
}
