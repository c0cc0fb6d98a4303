//! The output: what a render makes (site path → bytes) and where it goes.
//!
//! A render hands each file to a [`Sink`] the moment it is made: a
//! [`MemorySink`] collects them into an [`Output`] (what `serve` answers
//! from), a [`DirWriter`] stages them for the output folder and commits
//! them at once (`dir.rs`: old tree or new tree, never a mix), keeping
//! hashes, not bytes. [`write_to_dir`] writes an `Output` the same way.
//!
//! The output folder is Gazette's only where Gazette wrote it: a manifest
//! ([`MANIFEST`]) lists the files it wrote, and only those are ever removed
//! or replaced. A folder holding other files and no manifest (a person's
//! `docs/`, a fresh git checkout) is refused unless the caller forces it,
//! and even then nothing Gazette did not write is deleted (`owned.rs`).

mod dir;
pub mod fault;
mod owned;
mod swap;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::diagnostic::Diagnostic;

pub use dir::{DirWriter, FileRecord, resolve};
pub use owned::{MANIFEST, STAGING_INSIDE};

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

/// Where rendered files go, as they are made, from many threads at once.
/// Each path is given once per render, to `keep` or to `put`.
pub trait Sink: Sync {
    /// Keeps the file the last render made at `path`, if that render gave
    /// it this `key` (the hash of everything the file shows) and the sink
    /// still has it; the job is then not rendered.
    fn keep(&self, path: &str, key: u64) -> bool;
    /// Keeps every file the last render made with this `key` (a job that
    /// makes several files) if the sink still has them all; returns how
    /// many, 0 when the job must render.
    fn keep_all(&self, key: u64) -> usize;
    /// Takes a file rendered now. An error stops the render.
    fn put(&self, path: &str, key: u64, bytes: Arc<[u8]>) -> Result<(), Diagnostic>;
    /// Takes a file rendered now that `write` writes piece by piece (one
    /// too large to hold whole, such as a `papers.json` chunk). A sink that keeps
    /// no bytes (a folder) writes the pieces as they come; this one
    /// collects them and [`put`](Sink::put)s the whole.
    fn put_stream(&self, path: &str, key: u64, write: Writes<'_>) -> Result<(), Diagnostic> {
        let mut bytes = Vec::new();
        write(&mut bytes).map_err(|e| Diagnostic::error(path, 0, format!("cannot render: {e}")))?;
        self.put(path, key, Arc::from(bytes))
    }
    /// A job making the files under `folder` was left for the next render
    /// (`render::Pass::PagesFirst`): a sink that can keeps the last files
    /// there meanwhile.
    fn defer(&self, _folder: &str) {}
    /// Keeps every file of the last render that this render does not give
    /// or [`forget`](Sink::forget), as it was: a render that knows what an
    /// edit touched then gives only that. `false` when the sink cannot (a
    /// folder being built), and the render gives every file.
    fn keep_rest(&self) -> bool {
        false
    }
    /// In a render that keeps the rest: the files the last render made with
    /// this key (a job that makes several) are not kept; the job makes its
    /// files again.
    fn forget(&self, _key: u64) {}
}

/// Writes a file's bytes to the writer it is given.
pub type Writes<'a> = &'a mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>;

/// A sink into memory that keeps files from a previous in-memory output
/// (the one `serve` is serving: the bytes are shared, never copied).
pub struct MemorySink<'a> {
    previous: &'a Output,
    keys: &'a mut HashMap<String, u64>,
    made: Mutex<Vec<Made>>,
    /// Folders of deferred jobs, whose last files stay.
    deferred: Mutex<Vec<String>>,
    /// The render gives only what changed ([`Sink::keep_rest`]).
    rest_kept: AtomicBool,
    /// Keys whose files the render makes again ([`Sink::forget`]).
    forgotten: Mutex<Vec<u64>>,
}

/// A file of a [`MemorySink`]: path, key, bytes.
type Made = (String, u64, Arc<[u8]>);

impl<'a> MemorySink<'a> {
    /// `keys` holds the key of each file of `previous`; [`finish`]
    /// updates it to the new output's (a sink dropped unfinished, for a
    /// failed render, leaves it as it was).
    ///
    /// [`finish`]: MemorySink::finish
    pub fn new(previous: &'a Output, keys: &'a mut HashMap<String, u64>) -> MemorySink<'a> {
        MemorySink {
            previous,
            keys,
            made: Mutex::new(Vec::new()),
            deferred: Mutex::new(Vec::new()),
            rest_kept: AtomicBool::new(false),
            forgotten: Mutex::new(Vec::new()),
        }
    }

    /// The output, the keys given to [`MemorySink::new`] now its files'.
    /// The previous output's files under a deferred job's folder that this
    /// render neither kept nor made stay too, with their old keys: the next
    /// render sees the job's key changed and makes them again.
    ///
    /// After a render that kept the rest ([`Sink::keep_rest`]), the output
    /// is made from `spare` when given (see [`Spare`]) rather than from a
    /// copy of the previous map, and comes with the paths it changed: the
    /// previous output and those paths are the next render's spare.
    pub fn finish(self, spare: Option<Spare>) -> (Output, Option<Vec<String>>) {
        let made = self
            .made
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let deferred = self
            .deferred
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.rest_kept.into_inner() {
            let forgotten =
                (self.forgotten.into_inner()).unwrap_or_else(std::sync::PoisonError::into_inner);
            let (output, changed) = patch(self.previous, spare, self.keys, made, &forgotten);
            return (output, Some(changed));
        }
        let mut keys = HashMap::with_capacity(made.len());
        let mut files = Vec::with_capacity(made.len());
        for (path, key, bytes) in made {
            keys.insert(path.clone(), key);
            files.push((path, bytes));
        }
        for folder in &deferred {
            let from = (Bound::Included(folder.as_str()), Bound::Unbounded);
            let under = (self.previous.files.range::<str, _>(from))
                .take_while(|(path, _)| path.starts_with(folder.as_str()));
            for (path, bytes) in under {
                if !keys.contains_key(path)
                    && let Some(&key) = self.keys.get(path)
                {
                    keys.insert(path.clone(), key);
                    files.push((path.clone(), Arc::clone(bytes)));
                }
            }
        }
        // Collected, not inserted one by one: the map is built in one pass.
        *self.keys = keys;
        let output = Output {
            files: files.into_iter().collect(),
        };
        (output, None)
    }

    fn push(&self, path: &str, key: u64, bytes: Arc<[u8]>) {
        let mut made = self
            .made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        made.push((path.to_string(), key, bytes));
    }
}

impl Sink for MemorySink<'_> {
    fn keep(&self, path: &str, key: u64) -> bool {
        match (self.keys.get(path), self.previous.files.get(path)) {
            (Some(&k), Some(bytes)) if k == key => {
                self.push(path, key, Arc::clone(bytes));
                true
            }
            _ => false,
        }
    }

    fn keep_all(&self, key: u64) -> usize {
        let files: Vec<(&String, &Arc<[u8]>)> = (self.keys.iter())
            .filter(|(_, k)| **k == key)
            .filter_map(|(path, _)| self.previous.files.get(path).map(|b| (path, b)))
            .collect();
        let had = self.keys.values().filter(|k| **k == key).count();
        if files.is_empty() || files.len() != had {
            return 0;
        }
        for (path, bytes) in &files {
            self.push(path, key, Arc::clone(bytes));
        }
        files.len()
    }

    fn put(&self, path: &str, key: u64, bytes: Arc<[u8]>) -> Result<(), Diagnostic> {
        self.push(path, key, bytes);
        Ok(())
    }

    fn defer(&self, folder: &str) {
        (self.deferred.lock())
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(folder.to_string());
    }

    fn keep_rest(&self) -> bool {
        self.rest_kept.store(true, Ordering::Relaxed);
        true
    }

    fn forget(&self, key: u64) {
        (self.forgotten.lock())
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(key);
    }
}

/// An output one render behind the previous one, and the paths whose
/// files differ between the two: the map a render that keeps the rest
/// patches into its output, in time for the files that changed, instead
/// of copying the previous map (145,000 paths at 100,000 papers), which
/// `serve` is still answering from.
pub struct Spare {
    pub output: Output,
    pub behind: Vec<String>,
}

/// `previous` with the files made under a `forgotten` key removed and the
/// `made` ones in, and the paths that changed: made from `spare` brought
/// up to `previous`, or from a copy of `previous` (every file's bytes
/// shared either way); `keys` updated in place.
fn patch(
    previous: &Output,
    spare: Option<Spare>,
    keys: &mut HashMap<String, u64>,
    made: Vec<Made>,
    forgotten: &[u64],
) -> (Output, Vec<String>) {
    let mut files = match spare {
        Some(Spare { output, behind }) => {
            let mut files = output.files;
            for path in behind {
                match previous.files.get(&path) {
                    Some(bytes) => files.insert(path, Arc::clone(bytes)),
                    None => files.remove(&path),
                };
            }
            files
        }
        None => previous.files.clone(),
    };
    // A job made again (the search index) makes most of its files with the
    // bytes they had: those stay the very same file, and do not count as
    // changed (the next render's catch-up is then the files that did).
    let mut gone = Vec::new();
    if !forgotten.is_empty() {
        keys.retain(|path, key| {
            let forget = forgotten.contains(key);
            if forget {
                gone.push(path.clone());
            }
            !forget
        });
    }
    let mut changed = Vec::with_capacity(made.len());
    for (path, key, bytes) in made {
        keys.insert(path.clone(), key);
        match previous.files.get(&path) {
            Some(old) if Arc::ptr_eq(old, &bytes) || **old == *bytes => {}
            _ => {
                changed.push(path.clone());
                files.insert(path, bytes);
            }
        }
    }
    for path in gone {
        if !keys.contains_key(&path) {
            files.remove(&path);
            changed.push(path);
        }
    }
    (Output { files }, changed)
}

/// What writing did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Why files were replaced one by one instead of the folder being
    /// swapped at once, when they were (see `dir.rs`).
    pub in_place: Option<String>,
}

/// Why writing the output stopped, naming the path.
#[derive(Debug)]
pub enum WriteError {
    /// The folder holds files Gazette did not write; nothing was written.
    Refused { dir: PathBuf, message: String },
    /// The file system failed on `path`; the folder is as it was.
    Io { path: PathBuf, error: io::Error },
    /// The file system failed on `path` while files were being replaced
    /// one by one (where the folder cannot be swapped): the folder holds
    /// part of this build until the next build completes it.
    Interrupted { path: PathBuf, error: io::Error },
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
            WriteError::Interrupted { path, error } => Diagnostic::error(
                path.display().to_string(),
                0,
                format!(
                    "cannot write: {error}; the output folder, whose files were being replaced \
                     one by one, holds part of this build until the next build completes it"
                ),
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
            WriteError::Io { error, .. } | WriteError::Interrupted { error, .. } => Some(error),
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

/// Makes `dir` hold `output`, as a build does (see `dir.rs`): files whose
/// bytes are already there are not written, files an earlier build wrote
/// that `output` no longer has are removed, and the folder changes at once.
/// Files Gazette did not write are never touched; a folder holding any,
/// without a manifest, or a build that would overwrite one, is refused
/// unless `force` (and `force` still deletes none).
pub fn write_to_dir(output: &Output, dir: &Path, force: bool) -> Result<WriteStats, WriteError> {
    let writer = DirWriter::open(dir, force, HashMap::new())?;
    for (path, bytes) in &output.files {
        // On failure the writer is dropped, which removes what it staged.
        writer.put_file(path, 0, bytes)?;
    }
    writer.commit().map(|(stats, _)| stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn output(files: &[(&str, &str)]) -> Output {
        Output::from_texts(files)
    }

    /// Every file under `dir`, relative.
    fn files_in(dir: &Path) -> Vec<String> {
        let mut files: Vec<String> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| !e.file_type().is_dir())
            .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
            .collect();
        files.sort();
        files
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
                removed: 1,
                in_place: None,
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
        assert_eq!(files_in(dir.path()).len(), 3, "two pages and the manifest");
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
        let manifest = owned::read_manifest(dir.path()).unwrap().unwrap();
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
