//! Building the output folder so that a failed or killed build leaves it
//! entirely as the previous build left it or entirely as the new one
//! makes it: a [`DirWriter`] takes each file as it is rendered and
//! [`DirWriter::commit`]s them all at once.
//!
//! How (docs/output.md tells users the same):
//!
//! 1. **Stage.** Changed and new files are written to a staging folder
//!    beside the output folder, on the same file system
//!    (`.public.gazette-staging` beside `public/`). Files whose bytes did
//!    not change are not written. Nothing in the output folder is touched.
//! 2. **Complete the new tree** in the staging folder: every unchanged file
//!    and every entry Gazette does not own (`.git`, `CNAME`, ...) is
//!    hard-linked from the output folder (no bytes copied), empty folders
//!    are made again, and the new manifest is written.
//! 3. **Swap** the two folders in one `renameat2(RENAME_EXCHANGE)`: the old
//!    tree is replaced by the new one at once. Then the old tree (now under
//!    the staging name) is removed.
//!
//! A build that changes nothing stops after step 1 having touched nothing.
//! A kill at any point before the swap leaves the old tree; after it, the
//! new one; the staging folder left behind is removed by the next build.
//!
//! Where the swap is impossible (not Linux, the output folder is a mount
//! point or its parent is not writable, the file system refuses it, a file
//! cannot be linked) the changed files are staged inside the output
//! folder, in `.gazette-staging/`, and then renamed over the old ones one
//! by one, stale files removed after: each file is whole at every moment,
//! but a kill during those renames leaves some files new and some old
//! (the next build finishes the job).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::fault::{Fault, Step};
use super::owned::{self, STAGING_INSIDE, Tree};
use super::{Sink, WriteError, WriteStats, fail};
use crate::atomic;
use crate::diagnostic::Diagnostic;
use crate::fingerprint::{self, Stamp};

/// What the build record keeps of each output file: the key of the job
/// that made it, the hash of its bytes, and its stamp, to know the file in
/// the folder is still that one without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileRecord {
    pub key: u64,
    pub hash: u64,
    pub stamp: Stamp,
}

impl FileRecord {
    /// Whether `stamp` (of the file in the folder now) is the file this
    /// record describes. The change time is left out: hard-linking a file
    /// into the next tree changes it.
    pub fn stamp_matches(&self, stamp: &Stamp) -> bool {
        self.stamp.size == stamp.size
            && self.stamp.mtime == stamp.mtime
            && self.stamp.ino == stamp.ino
    }
}

/// How the files reach the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    /// A whole new tree beside the folder, swapped in at once.
    Swap,
    /// Changed files renamed into place one by one, for this reason.
    InPlace(String),
}

/// One output file of this build.
struct Made {
    path: String,
    record: FileRecord,
    /// Its bytes are in the staging folder (else the folder's file stays).
    staged: bool,
}

/// Takes rendered files (as a [`Sink`]) and commits them to a folder.
pub struct DirWriter {
    out: PathBuf,
    staging: PathBuf,
    mode: Mode,
    force: bool,
    tree: Tree,
    previous: HashMap<String, FileRecord>,
    made: Mutex<Vec<Made>>,
    clashes: Mutex<Vec<String>>,
    /// Folders already made in the staging folder.
    folders: Mutex<HashSet<PathBuf>>,
    fault: Arc<Fault>,
}

impl DirWriter {
    /// Prepares to build `out`. `previous` is what the last build wrote
    /// there (from the build record; empty when unknown: then files are
    /// compared by their bytes). Removes what a killed build left (staging
    /// folders, temporary files). A folder holding files Gazette did not
    /// write and no manifest is refused unless `force`.
    pub fn open(
        out: &Path,
        force: bool,
        previous: HashMap<String, FileRecord>,
    ) -> Result<DirWriter, WriteError> {
        DirWriter::open_with(out, force, previous, Fault::from_env())
    }

    pub(crate) fn open_with(
        out: &Path,
        force: bool,
        previous: HashMap<String, FileRecord>,
        fault: Fault,
    ) -> Result<DirWriter, WriteError> {
        let out = resolve(out).map_err(|e| fail(out, e))?;
        // A new output folder's parent is made first, so even the first
        // build appears at once (renamed into place).
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent).map_err(|e| fail(parent, e))?;
        }
        let beside = staging_beside(&out);
        let inside = out.join(STAGING_INSIDE);
        for stale in beside.iter().chain([&inside]) {
            remove_stale(stale)?;
        }
        let tree = Tree::scan(&out)?;
        if !force && tree.manifest.is_none() {
            let foreign: Vec<&String> = tree.foreign().collect();
            if !foreign.is_empty() {
                return Err(owned::refusal(&out, false, &foreign));
            }
        }
        let beside = match beside {
            Some(_) if fault.no_swap => Err("GAZETTE_FAULT=no-swap"),
            Some(beside) => Ok(beside),
            None => Err("the output folder has no parent folder"),
        };
        let (mode, staging) = match beside {
            Ok(beside) => match try_swap_staging(&out, &beside, tree.exists) {
                Ok(()) => (Mode::Swap, beside),
                Err(why) => (Mode::InPlace(why), inside),
            },
            Err(why) => (Mode::InPlace(why.to_string()), inside),
        };
        Ok(DirWriter {
            out,
            staging,
            mode,
            force,
            tree,
            previous,
            made: Mutex::new(Vec::new()),
            clashes: Mutex::new(Vec::new()),
            folders: Mutex::new(HashSet::new()),
            fault: Arc::new(fault),
        })
    }

    /// Makes the folder hold exactly this build's files (and everything
    /// Gazette does not own), in one swap where it can. Returns what
    /// changed and each file's record for the next build.
    pub fn commit(self) -> Result<(WriteStats, Vec<(String, FileRecord)>), WriteError> {
        let made = std::mem::take(&mut *lock(&self.made));
        let clashes = std::mem::take(&mut *lock(&self.clashes));
        if !clashes.is_empty() {
            self.abandon();
            let clashes: Vec<&String> = clashes.iter().collect();
            return Err(owned::refusal(&self.out, true, &clashes));
        }
        let new: BTreeSet<&str> = made.iter().map(|m| m.path.as_str()).collect();
        let stale: Vec<&String> = self
            .tree
            .files
            .iter()
            .filter(|f| self.tree.owns(f) && !new.contains(f.as_str()))
            .collect();
        let mut stats = WriteStats {
            written: made.iter().filter(|m| m.staged).count(),
            removed: stale.len(),
            ..WriteStats::default()
        };
        stats.unchanged = made.len() - stats.written;
        let same_list = self
            .tree
            .manifest
            .as_ref()
            .is_some_and(|m| m.iter().map(String::as_str).eq(new.iter().copied()));
        let result = if stats.written == 0 && stale.is_empty() && same_list {
            // Nothing to change: the folder stays exactly as it was.
            self.abandon();
            Ok(())
        } else {
            match &self.mode {
                Mode::Swap => self.commit_swap(&made, &new).or_else(|why| match why {
                    Fallback::Error(e) => Err(e),
                    Fallback::InPlace(reason) => {
                        stats.in_place = Some(reason);
                        self.commit_in_place(&made, &new, &stale)
                    }
                }),
                Mode::InPlace(reason) => {
                    stats.in_place = Some(reason.clone());
                    self.commit_in_place(&made, &new, &stale)
                }
            }
        };
        if let Err(e) = result {
            self.abandon();
            return Err(e);
        }
        let records = made.into_iter().map(|m| (m.path, m.record)).collect();
        Ok((stats, records))
    }

    /// Steps 2 and 3: complete the new tree by links, then swap.
    fn commit_swap(&self, made: &[Made], new: &BTreeSet<&str>) -> Result<(), Fallback> {
        let link = |rel: &str| -> Result<(), Fallback> {
            let to = self.staging.join(rel);
            self.make_parent(&to).map_err(at(&to))?;
            self.fault.step(Step::Link, &to).map_err(at(&to))?;
            fs::hard_link(self.out.join(rel), &to).map_err(|e| Fallback::from_link(rel, &to, e))
        };
        made.par_iter()
            .filter(|m| !m.staged)
            .try_for_each(|m| link(&m.path))?;
        let foreign: Vec<&String> = self
            .tree
            .foreign()
            .filter(|f| !new.contains(f.as_str()))
            .collect();
        foreign.par_iter().try_for_each(|f| link(f))?;
        for folder in &self.tree.empty_folders {
            let to = self.staging.join(folder);
            self.fault.step(Step::Folder, &to).map_err(at(&to))?;
            fs::create_dir_all(&to).map_err(at(&to))?;
        }
        // Folders holding a person's files keep their permissions.
        let mut holders: BTreeSet<&str> = BTreeSet::new();
        for f in foreign
            .iter()
            .map(|f| f.as_str())
            .chain(self.tree.empty_folders.iter().map(String::as_str))
        {
            let mut at = f;
            while let Some((parent, _)) = at.rsplit_once('/') {
                holders.insert(parent);
                at = parent;
            }
        }
        for folder in holders
            .iter()
            .copied()
            .chain(self.tree.empty_folders.iter().map(String::as_str))
        {
            copy_permissions(&self.out.join(folder), &self.staging.join(folder));
        }
        copy_permissions(&self.out, &self.staging);

        let manifest = owned::manifest_path(&self.staging);
        self.fault
            .step(Step::Write, &manifest)
            .map_err(at(&manifest))?;
        fs::write(&manifest, owned::manifest_text(new.iter().copied())).map_err(at(&manifest))?;

        if self.tree.exists {
            self.fault
                .step(Step::Swap, &self.out)
                .map_err(at(&self.out))?;
            if let Err(e) = super::swap::exchange(&self.staging, &self.out) {
                return Err(Fallback::InPlace(format!(
                    "the folders could not be swapped ({e})"
                )));
            }
        } else {
            self.fault
                .step(Step::Rename, &self.out)
                .map_err(at(&self.out))?;
            fs::rename(&self.staging, &self.out).map_err(at(&self.out))?;
        }
        // The old tree, now under the staging name. Should this fail, the
        // next build removes it.
        if self.fault.step(Step::Remove, &self.staging).is_ok() {
            let _ = remove_tree(&self.staging);
        }
        Ok(())
    }

    /// Changed files renamed over the old ones one by one, stale ones
    /// removed: the window in which a kill leaves a mix.
    fn commit_in_place(
        &self,
        made: &[Made],
        new: &BTreeSet<&str>,
        stale: &[&String],
    ) -> Result<(), WriteError> {
        fs::create_dir_all(&self.out).map_err(|e| fail(&self.out, e))?;
        // Every file this build or an earlier one made is listed first, so
        // a build stopped half way still owns all it may have written.
        let old = self.tree.manifest.iter().flatten().map(String::as_str);
        self.write_manifest(old.chain(new.iter().copied()))?;
        for m in made.iter().filter(|m| m.staged) {
            let to = self.out.join(&m.path);
            if let Some(parent) = to.parent()
                && !parent.is_dir()
            {
                self.fault
                    .step(Step::Folder, parent)
                    .map_err(|e| interrupted(parent, e))?;
                fs::create_dir_all(parent).map_err(|e| interrupted(parent, e))?;
            }
            self.fault
                .step(Step::Rename, &to)
                .map_err(|e| interrupted(&to, e))?;
            fs::rename(self.staging.join(&m.path), &to).map_err(|e| interrupted(&to, e))?;
        }
        let mut emptied = BTreeSet::new();
        for rel in stale {
            let path = self.out.join(rel);
            self.fault
                .step(Step::Remove, &path)
                .map_err(|e| interrupted(&path, e))?;
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(interrupted(&path, e)),
            }
            let mut parent = path.parent();
            while let Some(p) = parent {
                if p == self.out {
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
        self.write_manifest(new.iter().copied())
            .map_err(|e| match e {
                WriteError::Io { path, error } => WriteError::Interrupted { path, error },
                e => e,
            })?;
        let _ = fs::remove_dir_all(&self.staging);
        Ok(())
    }

    fn write_manifest<'a>(&self, files: impl Iterator<Item = &'a str>) -> Result<(), WriteError> {
        let path = owned::manifest_path(&self.out);
        self.fault
            .step(Step::Write, &path)
            .map_err(|e| fail(&path, e))?;
        atomic::write(&path, owned::manifest_text(files).as_bytes()).map_err(|e| fail(&path, e))
    }

    /// Removes the staging folder; the output folder is as it was.
    fn abandon(&self) {
        let _ = fs::remove_dir_all(&self.staging);
    }

    /// Makes the parent folders of a staged path, once each.
    fn make_parent(&self, path: &Path) -> io::Result<()> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        if lock(&self.folders).contains(parent) {
            return Ok(());
        }
        self.fault.step(Step::Folder, parent)?;
        fs::create_dir_all(parent)?;
        lock(&self.folders).insert(parent.to_path_buf());
        Ok(())
    }

    /// Whether the folder's file at `path` is the one the last build made
    /// with this key; it is then kept.
    fn keep_file(&self, path: &str, key: u64) -> bool {
        let Some(previous) = self.previous.get(path) else {
            return false;
        };
        if previous.key != key || !self.still_there(path, previous) {
            return false;
        }
        lock(&self.made).push(Made {
            path: path.to_string(),
            record: *previous,
            staged: false,
        });
        true
    }

    /// [`Sink::keep_all`]: every file the last build made with this key,
    /// when each is still the one it recorded.
    fn keep_files(&self, key: u64) -> usize {
        let files: Vec<(&String, &FileRecord)> =
            self.previous.iter().filter(|(_, r)| r.key == key).collect();
        if files.is_empty() || !files.iter().all(|(p, r)| self.still_there(p, r)) {
            return 0;
        }
        let mut made = lock(&self.made);
        for (path, record) in &files {
            made.push(Made {
                path: (*path).clone(),
                record: **record,
                staged: false,
            });
        }
        files.len()
    }

    /// Whether the folder's file at `path` is Gazette's and the one `record` describes.
    fn still_there(&self, path: &str, record: &FileRecord) -> bool {
        if !self.tree.owns(path) {
            return false;
        }
        let Ok(meta) = fs::symlink_metadata(self.out.join(path)) else {
            return false;
        };
        meta.is_file() && record.stamp_matches(&Stamp::of(&meta))
    }

    pub(super) fn put_file(&self, path: &str, key: u64, bytes: &[u8]) -> Result<(), WriteError> {
        let hash = fingerprint::content(bytes);
        if self.tree.files.contains(path) {
            if !self.tree.owns(path) && !self.force {
                lock(&self.clashes).push(path.to_string());
                return Ok(());
            }
            if let Some(stamp) = self.unchanged(path, hash, bytes) {
                lock(&self.made).push(Made {
                    path: path.to_string(),
                    record: FileRecord { key, hash, stamp },
                    staged: false,
                });
                return Ok(());
            }
        }
        let to = self.staging.join(path);
        let write = || -> io::Result<Stamp> {
            self.make_parent(&to)?;
            self.fault.step(Step::Write, &to)?;
            let mut file = fs::File::create_new(&to)?;
            file.write_all(bytes)?;
            Ok(Stamp::of(&file.metadata()?))
        };
        let stamp = write().map_err(|e| fail(&to, e))?;
        lock(&self.made).push(Made {
            path: path.to_string(),
            record: FileRecord { key, hash, stamp },
            staged: true,
        });
        Ok(())
    }

    /// [`Sink::put_stream`]: the bytes go straight to the staging folder,
    /// hashed on the way; when the folder's file turns out to hold the same
    /// ones, the staged copy is removed and the file kept, as `put_file`
    /// would have (never two copies of the file in memory, nor one).
    pub(super) fn put_stream(
        &self,
        path: &str,
        key: u64,
        write: super::Writes<'_>,
    ) -> Result<(), WriteError> {
        let in_tree = self.tree.files.contains(path);
        if in_tree && !self.tree.owns(path) && !self.force {
            lock(&self.clashes).push(path.to_string());
            return Ok(());
        }
        let to = self.staging.join(path);
        let mut staged = || -> io::Result<(u64, Stamp)> {
            self.make_parent(&to)?;
            self.fault.step(Step::Write, &to)?;
            let mut out = Hashing {
                file: io::BufWriter::with_capacity(1 << 16, fs::File::create_new(&to)?),
                hash: xxhash_rust::xxh3::Xxh3Default::new(),
            };
            write(&mut out)?;
            let file = out
                .file
                .into_inner()
                .map_err(io::IntoInnerError::into_error)?;
            Ok((out.hash.digest(), Stamp::of(&file.metadata()?)))
        };
        let (hash, stamp) = staged().map_err(|e| fail(&to, e))?;
        if in_tree && let Some(kept) = self.unchanged_as(path, hash, &to, &stamp) {
            // The staged copy goes; without it the folder's file is used.
            fs::remove_file(&to).map_err(|e| fail(&to, e))?;
            lock(&self.made).push(Made {
                path: path.to_string(),
                record: FileRecord {
                    key,
                    hash,
                    stamp: kept,
                },
                staged: false,
            });
            return Ok(());
        }
        lock(&self.made).push(Made {
            path: path.to_string(),
            record: FileRecord { key, hash, stamp },
            staged: true,
        });
        Ok(())
    }

    /// The stamp of the folder's file at `path` when it holds the same bytes
    /// as the staged file `staged` (of this `hash` and `stamp`): known from
    /// the record's hash, else by reading both, a piece at a time.
    fn unchanged_as(&self, path: &str, hash: u64, staged: &Path, stamp: &Stamp) -> Option<Stamp> {
        let target = self.out.join(path);
        let meta = fs::symlink_metadata(&target).ok()?;
        if !meta.is_file() || meta.len() != stamp.size {
            return None;
        }
        let old = Stamp::of(&meta);
        let same = match self.previous.get(path) {
            Some(previous) if previous.stamp_matches(&old) => previous.hash == hash,
            _ => same_files(&target, staged).unwrap_or(false),
        };
        same.then_some(old)
    }

    /// The stamp of the folder's file at `path` when it already holds these
    /// bytes: known from the record's hash, else by reading it.
    fn unchanged(&self, path: &str, hash: u64, bytes: &[u8]) -> Option<Stamp> {
        let target = self.out.join(path);
        let meta = fs::symlink_metadata(&target).ok()?;
        if !meta.is_file() || meta.len() != bytes.len() as u64 {
            return None;
        }
        let stamp = Stamp::of(&meta);
        let same = match self.previous.get(path) {
            Some(previous) if previous.stamp_matches(&stamp) => previous.hash == hash,
            _ => fs::read(&target).is_ok_and(|old| old == bytes),
        };
        same.then_some(stamp)
    }
}

/// A writer dropped without a commit (the render failed) leaves the output
/// folder as it was and its staging folder gone; after a swap the staging
/// name holds the old tree, which goes too.
impl Drop for DirWriter {
    fn drop(&mut self) {
        self.abandon();
    }
}

impl Sink for DirWriter {
    fn keep(&self, path: &str, key: u64) -> bool {
        self.keep_file(path, key)
    }

    fn keep_all(&self, key: u64) -> usize {
        self.keep_files(key)
    }

    fn put(&self, path: &str, key: u64, bytes: Arc<[u8]>) -> Result<(), Diagnostic> {
        self.put_file(path, key, &bytes).map_err(|e| e.diagnostic())
    }

    fn put_stream(&self, path: &str, key: u64, write: super::Writes<'_>) -> Result<(), Diagnostic> {
        self.put_stream(path, key, write)
            .map_err(|e| e.diagnostic())
    }
}

/// A file being written, and the hash of what went in so far
/// ([`fingerprint::content`] of the whole, once done).
struct Hashing {
    file: io::BufWriter<fs::File>,
    hash: xxhash_rust::xxh3::Xxh3Default,
}

impl Write for Hashing {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let n = self.file.write(bytes)?;
        self.hash.update(&bytes[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Whether two files hold the same bytes, read a piece at a time.
fn same_files(a: &Path, b: &Path) -> io::Result<bool> {
    use std::io::Read;
    let (mut a, mut b) = (fs::File::open(a)?, fs::File::open(b)?);
    let (mut x, mut y) = (vec![0; 1 << 16], vec![0; 1 << 16]);
    loop {
        let n = a.read(&mut x)?;
        if n == 0 {
            return Ok(b.read(&mut y)? == 0);
        }
        b.read_exact(&mut y[..n])?;
        if x[..n] != y[..n] {
            return Ok(false);
        }
    }
}

/// Why the swap could not go ahead.
enum Fallback {
    /// Out of space or similar: the build fails, the folder stays as it was.
    Error(WriteError),
    /// The swap is impossible here: replace files one by one instead.
    InPlace(String),
}

/// A file system error once files are being replaced one by one.
fn interrupted(path: &Path, error: io::Error) -> WriteError {
    WriteError::Interrupted {
        path: path.to_path_buf(),
        error,
    }
}

/// A file system error at `path` that fails the build.
fn at(path: &Path) -> impl Fn(io::Error) -> Fallback + '_ {
    move |e| Fallback::Error(fail(path, e))
}

impl Fallback {
    /// A link that fails for want of space is an error; one the system
    /// refuses (another user's file, too many links) means no swap.
    fn from_link(rel: &str, to: &Path, e: io::Error) -> Fallback {
        if out_of_space(&e) {
            Fallback::Error(fail(to, e))
        } else {
            Fallback::InPlace(format!("{rel} could not be linked ({e})"))
        }
    }
}

fn out_of_space(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}

/// `out` made absolute, with symbolic links resolved (the folder a link
/// points to is the one replaced, not the link).
pub fn resolve(out: &Path) -> io::Result<PathBuf> {
    let absolute = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir()?.join(out)
    };
    match absolute.canonicalize() {
        Ok(real) => Ok(real),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // Not there yet: resolve its parent, which must be.
            match (absolute.parent(), absolute.file_name()) {
                (Some(parent), Some(name)) => match parent.canonicalize() {
                    Ok(parent) => Ok(parent.join(name)),
                    Err(_) => Ok(absolute),
                },
                _ => Ok(absolute),
            }
        }
        Err(e) => Err(e),
    }
}

/// `parent/.NAME.gazette-staging` for `parent/NAME`.
fn staging_beside(out: &Path) -> Option<PathBuf> {
    let parent = out.parent()?;
    let name = out.file_name()?.to_string_lossy();
    Some(parent.join(format!(".{name}.gazette-staging")))
}

/// Removes what a killed build left at a staging path.
fn remove_stale(path: &Path) -> Result<(), WriteError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path).map_err(|e| fail(path, e)),
        Ok(_) => fs::remove_file(path).map_err(|e| fail(path, e)),
        Err(_) => Ok(()),
    }
}

/// Makes the staging folder beside `out` when a swap can work there: the
/// same file system as `out`, a writable parent, and a system that swaps
/// (tried on two empty folders inside the staging folder). Else says why not.
fn try_swap_staging(out: &Path, staging: &Path, exists: bool) -> Result<(), String> {
    if !cfg!(any(target_os = "linux", target_os = "android")) {
        return Err("this system cannot swap two folders in one step".to_string());
    }
    let parent = out.parent().unwrap_or(Path::new("/"));
    if exists && !same_device(parent, out) {
        return Err("the output folder is a mount point".to_string());
    }
    fs::create_dir(staging).map_err(|e| {
        format!(
            "no staging folder can be made beside it in {} ({e})",
            parent.display()
        )
    })?;
    if exists {
        let (a, b) = (staging.join("a"), staging.join("b"));
        let probe = fs::create_dir(&a)
            .and_then(|()| fs::create_dir(&b))
            .and_then(|()| super::swap::exchange(&a, &b));
        let _ = fs::remove_dir(&a);
        let _ = fs::remove_dir(&b);
        if let Err(e) = probe {
            let _ = fs::remove_dir_all(staging);
            return Err(format!("its file system cannot swap folders ({e})"));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn same_device(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_device(_a: &Path, _b: &Path) -> bool {
    false
}

/// `fs::remove_dir_all`, with the folders of each level removed in
/// parallel: on a disk, removing a site's tens of thousands of entries one
/// by one is most of a rebuild that changed one page.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(dir)
}

fn copy_permissions(from: &Path, to: &Path) {
    if let Ok(meta) = fs::metadata(from) {
        let _ = fs::set_permissions(to, meta.permissions());
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::MANIFEST;
    use std::collections::BTreeMap;

    /// Every entry under `dir` (links by their target text, folders as
    /// `<folder>`): what a reader or a deploy sees.
    fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                let bytes = if e.file_type().is_symlink() {
                    fs::read_link(e.path())
                        .unwrap()
                        .display()
                        .to_string()
                        .into_bytes()
                } else if e.file_type().is_dir() {
                    b"<folder>".to_vec()
                } else {
                    fs::read(e.path()).unwrap()
                };
                (rel, bytes)
            })
            .collect()
    }

    /// Each file's inode and modification time, and the folder's inode.
    fn stamps(dir: &Path) -> (u64, BTreeMap<String, (u64, i128)>) {
        let files = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let s = Stamp::of(&e.metadata().unwrap());
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                (rel, (s.ino, s.mtime))
            })
            .collect();
        (Stamp::of(&fs::metadata(dir).unwrap()).ino, files)
    }

    /// What the parent folder holds besides the output folder (a staging
    /// folder left behind would show here).
    fn beside(out: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(out.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "public")
            .collect();
        names.sort();
        names
    }

    fn build(
        out: &Path,
        files: &[(&str, &str)],
        previous: HashMap<String, FileRecord>,
        fault: Fault,
    ) -> Result<(WriteStats, HashMap<String, FileRecord>), WriteError> {
        let writer = DirWriter::open_with(out, false, previous, fault)?;
        for (path, text) in files {
            writer.put_file(path, 7, text.as_bytes())?;
        }
        writer.commit().map(|(s, r)| (s, r.into_iter().collect()))
    }

    fn site() -> (tempfile::TempDir, PathBuf) {
        let parent = tempfile::tempdir().unwrap();
        let out = parent.path().join("public");
        (parent, out)
    }

    const V1: &[(&str, &str)] = &[
        ("index.html", "home"),
        ("papers/a/index.html", "a"),
        ("papers/b/index.html", "b"),
    ];
    const V2: &[(&str, &str)] = &[("index.html", "home v2"), ("papers/a/index.html", "a")];

    #[cfg(target_os = "linux")]
    #[test]
    fn a_build_swaps_in_a_whole_new_tree_keeping_unchanged_files_and_a_persons_entries() {
        let (_parent, out) = site();
        build(&out, V1, HashMap::new(), Fault::default()).unwrap();
        fs::create_dir_all(out.join(".git/objects")).unwrap();
        fs::write(out.join(".git/objects/ab"), "object").unwrap();
        fs::write(out.join("CNAME"), "example.org").unwrap();
        fs::create_dir(out.join("downloads")).unwrap();
        std::os::unix::fs::symlink("index.html", out.join("home.html")).unwrap();
        let (folder_before, before) = stamps(&out);

        let (stats, _) = build(&out, V2, HashMap::new(), Fault::default()).unwrap();
        assert_eq!((stats.written, stats.unchanged, stats.removed), (1, 1, 1));
        assert_eq!(stats.in_place, None, "the tree is swapped in at once");
        let manifest = "# Files gazette wrote in this folder, the only ones it replaces or \
                        removes.\nindex.html\npapers/a/index.html\n";
        let expected: BTreeMap<String, Vec<u8>> = [
            (".git", "<folder>"),
            (".git/objects", "<folder>"),
            (".git/objects/ab", "object"),
            (MANIFEST, manifest),
            ("CNAME", "example.org"),
            ("downloads", "<folder>"),
            ("home.html", "index.html"),
            ("index.html", "home v2"),
            ("papers", "<folder>"),
            ("papers/a", "<folder>"),
            ("papers/a/index.html", "a"),
        ]
        .into_iter()
        .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
        .collect();
        assert_eq!(contents(&out), expected);
        let (folder_after, now) = stamps(&out);
        assert_ne!(
            folder_before, folder_after,
            "a new folder replaced the old one"
        );
        for unchanged in ["papers/a/index.html", "CNAME", ".git/objects/ab"] {
            assert_eq!(
                now[unchanged], before[unchanged],
                "{unchanged} is the same file"
            );
        }
        assert!(
            beside(&out).is_empty(),
            "no staging folder left: {:?}",
            beside(&out)
        );
    }

    #[test]
    fn a_build_that_changes_nothing_touches_nothing() {
        let (_parent, out) = site();
        let (_, records) = build(&out, V1, HashMap::new(), Fault::default()).unwrap();
        let before = stamps(&out);
        let listing_before = fs::metadata(&out).unwrap().modified().unwrap();
        // With the record of the last build, and without (bytes compared).
        for previous in [records, HashMap::new()] {
            let (stats, _) = build(&out, V1, previous, Fault::default()).unwrap();
            assert_eq!((stats.written, stats.unchanged, stats.removed), (0, 3, 0));
            assert_eq!(stamps(&out), before, "same folder, same files, same times");
            assert_eq!(
                fs::metadata(&out).unwrap().modified().unwrap(),
                listing_before
            );
            assert!(beside(&out).is_empty());
        }
    }

    /// A file written piece by piece (a `papers.json` chunk) is staged as it comes;
    /// the build must still keep it when the folder already holds its
    /// bytes, and record the hash a whole file would have.
    #[test]
    fn a_file_written_piece_by_piece_is_kept_when_unchanged_and_recorded_like_any_other() {
        let streamed = |out: &Path, files: &[(&str, &str)], previous| {
            let writer = DirWriter::open_with(out, false, previous, Fault::default())?;
            for (path, text) in files {
                let (a, b) = text.split_at(text.len() / 2);
                writer.put_stream(path, 7, &mut |w| {
                    w.write_all(a.as_bytes())?;
                    w.write_all(b.as_bytes())
                })?;
            }
            writer.commit().map(|(s, r)| (s, r.into_iter().collect()))
        };
        let (_parent, out) = site();
        let (_, whole) = build(&out, V1, HashMap::new(), Fault::default()).unwrap();
        let before = stamps(&out);
        for previous in [whole.clone(), HashMap::new()] {
            let (stats, records): (_, HashMap<_, _>) = streamed(&out, V1, previous).unwrap();
            assert_eq!((stats.written, stats.unchanged, stats.removed), (0, 3, 0));
            assert_eq!(stamps(&out), before, "same folder, same files, same times");
            assert!(beside(&out).is_empty(), "no staged copy left behind");
            assert_eq!(records, whole, "the same hashes and stamps as whole files");
        }
        let (stats, _) = streamed(&out, V2, whole).unwrap();
        assert_eq!((stats.written, stats.unchanged, stats.removed), (1, 1, 1));
        assert_eq!(
            fs::read_to_string(out.join("index.html")).unwrap(),
            "home v2"
        );
        // Same length, other bytes, no record: read and found different.
        let (stats, _) = streamed(&out, &[("index.html", "home v3")], HashMap::new()).unwrap();
        assert_eq!(stats.written, 1);
        assert_eq!(
            fs::read_to_string(out.join("index.html")).unwrap(),
            "home v3"
        );
    }

    #[test]
    fn a_full_disk_while_staging_or_linking_leaves_the_folder_as_it_was() {
        // Swapping, every step that takes space comes before the swap (5:
        // a folder, a file, a folder, a link, the manifest); file by file,
        // only staging (2: a folder, a file) comes before the renames.
        for (no_swap, steps) in [(false, 5), (true, 2)] {
            let (_parent, out) = site();
            build(&out, V1, HashMap::new(), Fault::default()).unwrap();
            let before = (contents(&out), stamps(&out));
            for after in 0..steps {
                let swap = if no_swap { ",no-swap" } else { "" };
                let fault = Fault::parse(&format!("enospc-after:{after}{swap}"));
                let err = build(&out, V2, HashMap::new(), fault).unwrap_err();
                let WriteError::Io { error, .. } = &err else {
                    panic!("{err}");
                };
                assert_eq!(error.kind(), io::ErrorKind::StorageFull, "{err}");
                assert_eq!(
                    (contents(&out), stamps(&out)),
                    before,
                    "after {after} steps"
                );
                assert!(beside(&out).is_empty());
            }
        }
    }

    #[test]
    fn what_a_killed_build_left_is_removed_by_the_next_one() {
        let (_parent, out) = site();
        build(&out, V1, HashMap::new(), Fault::default()).unwrap();
        let stale = out.parent().unwrap().join(".public.gazette-staging");
        fs::create_dir_all(stale.join("papers")).unwrap();
        fs::write(stale.join("papers/half"), "").unwrap();
        fs::create_dir_all(out.join(STAGING_INSIDE)).unwrap();
        fs::write(out.join(STAGING_INSIDE).join("x"), "").unwrap();
        fs::write(out.join("papers/.gazette-Ab12Cd"), "").unwrap();
        // Not refused as files Gazette did not write: they are its own.
        build(&out, V2, HashMap::new(), Fault::default()).unwrap();
        assert!(beside(&out).is_empty(), "{:?}", beside(&out));
        let left: Vec<String> = contents(&out).into_keys().collect();
        assert_eq!(
            left,
            [
                MANIFEST,
                "index.html",
                "papers",
                "papers/a",
                "papers/a/index.html"
            ]
        );
    }

    #[test]
    fn a_file_that_is_not_gazettes_where_the_build_writes_is_refused_and_nothing_changes() {
        let (_parent, out) = site();
        build(&out, V1, HashMap::new(), Fault::default()).unwrap();
        fs::write(out.join("about.html"), "mine").unwrap();
        let before = contents(&out);
        let mut v3 = V1.to_vec();
        v3.push(("about.html", "generated"));
        v3[0] = ("index.html", "home v3");
        let err = build(&out, &v3, HashMap::new(), Fault::default()).unwrap_err();
        assert!(matches!(err, WriteError::Refused { .. }), "{err}");
        assert!(err.to_string().contains("(about.html)"), "{err}");
        assert_eq!(contents(&out), before);
        assert!(beside(&out).is_empty());
    }

    #[test]
    fn without_the_swap_changed_files_are_renamed_into_place_and_the_result_is_the_same() {
        let (_parent, swapped) = site();
        let (_parent2, in_place) = site();
        for out in [&swapped, &in_place] {
            build(out, V1, HashMap::new(), Fault::default()).unwrap();
            fs::write(out.join("CNAME"), "example.org").unwrap();
        }
        build(&swapped, V2, HashMap::new(), Fault::default()).unwrap();
        let (stats, _) = build(&in_place, V2, HashMap::new(), Fault::parse("no-swap")).unwrap();
        assert!(stats.in_place.is_some());
        assert_eq!(contents(&in_place), contents(&swapped));
        assert!(!in_place.join(STAGING_INSIDE).exists());
    }

    /// A web server run by another user must be able to read every file
    /// and folder a build makes: they get what `fs::write` and
    /// `fs::create_dir` give (the umask applies), never a temporary
    /// file's 0600; a person's entries keep their own modes.
    #[cfg(unix)]
    #[test]
    fn files_and_folders_a_build_makes_have_the_usual_modes_and_a_persons_keep_theirs() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777;
        for fault in ["", "no-swap"] {
            let (parent, out) = site();
            fs::write(parent.path().join("plain"), "x").unwrap();
            fs::create_dir(parent.path().join("folder")).unwrap();
            let (file_mode, folder_mode) = (
                mode(&parent.path().join("plain")),
                mode(&parent.path().join("folder")),
            );
            build(&out, V1, HashMap::new(), Fault::parse(fault)).unwrap();
            fs::write(out.join("CNAME"), "example.org").unwrap();
            fs::set_permissions(out.join("CNAME"), fs::Permissions::from_mode(0o640)).unwrap();
            fs::create_dir(out.join("private")).unwrap();
            fs::set_permissions(out.join("private"), fs::Permissions::from_mode(0o700)).unwrap();
            // A new file, a changed one, an unchanged one, a removed one.
            let v3 = [
                ("index.html", "home v2"),
                ("papers/a/index.html", "a"),
                ("papers/c/index.html", "c"),
            ];
            let (stats, _) = build(&out, &v3, HashMap::new(), Fault::parse(fault)).unwrap();
            assert_eq!(stats.in_place.is_some(), fault == "no-swap");
            for entry in walkdir::WalkDir::new(&out) {
                let entry = entry.unwrap();
                let rel = entry
                    .path()
                    .strip_prefix(&out)
                    .unwrap()
                    .display()
                    .to_string();
                let expected = match rel.as_str() {
                    "CNAME" => 0o640,
                    "private" => 0o700,
                    _ if entry.file_type().is_dir() => folder_mode,
                    _ => file_mode,
                };
                assert_eq!(
                    format!("{:o}", mode(entry.path())),
                    format!("{expected:o}"),
                    "{fault:?}: mode of {rel:?}"
                );
            }
        }
    }

    #[test]
    fn a_failure_while_files_are_renamed_one_by_one_says_the_folder_is_half_done() {
        let (_parent, out) = site();
        build(&out, V1, HashMap::new(), Fault::default()).unwrap();
        // Steps: a folder and index.html staged, the manifest of both
        // builds, the rename, the removal of papers/b, the final manifest.
        let err = build(
            &out,
            V2,
            HashMap::new(),
            Fault::parse("no-swap,enospc-after:5"),
        )
        .unwrap_err();
        assert!(matches!(err, WriteError::Interrupted { .. }), "{err}");
        assert!(
            err.to_string().contains("holds part of this build"),
            "{err}"
        );
        // The next build completes it.
        build(&out, V2, HashMap::new(), Fault::parse("no-swap")).unwrap();
        let files: Vec<String> = contents(&out).into_keys().collect();
        assert_eq!(
            files,
            [
                MANIFEST,
                "index.html",
                "papers",
                "papers/a",
                "papers/a/index.html"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_output_folder_that_is_a_link_stays_a_link_to_the_new_tree() {
        let (parent, out) = site();
        let real = parent.path().join("real");
        fs::create_dir(&real).unwrap();
        std::os::unix::fs::symlink(&real, &out).unwrap();
        build(&out, V1, HashMap::new(), Fault::default()).unwrap();
        build(&out, V2, HashMap::new(), Fault::default()).unwrap();
        assert!(fs::symlink_metadata(&out).unwrap().is_symlink());
        assert_eq!(
            fs::read_to_string(real.join("index.html")).unwrap(),
            "home v2"
        );
    }

    #[test]
    fn files_the_last_build_recorded_are_kept_without_rendering_unless_they_changed() {
        let (_parent, out) = site();
        let (_, records) = build(&out, V1, HashMap::new(), Fault::default()).unwrap();
        let writer = DirWriter::open_with(&out, false, records.clone(), Fault::default()).unwrap();
        assert!(writer.keep_file("papers/a/index.html", 7));
        assert!(!writer.keep_file("papers/b/index.html", 8), "another key");
        drop(writer);
        // A file changed behind the record's back is not kept.
        fs::write(out.join("index.html"), "edited by hand").unwrap();
        let writer = DirWriter::open_with(&out, false, records, Fault::default()).unwrap();
        assert!(!writer.keep_file("index.html", 7));
    }
}
