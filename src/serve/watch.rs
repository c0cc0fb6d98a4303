//! Watching the site's sources with notify's full debouncer.
//!
//! The root is watched on its own (config.toml, and source folders appearing
//! or disappearing) and each source folder (`digests/`, `content/`,
//! `themes/`, `templates/`, `static/`) recursively. `public/`, `target/` and
//! `.git/` are never watched: a Cargo target folder alone holds thousands of
//! folders, each an inotify watch. Editor droppings are ignored.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, RecommendedCache, new_debouncer, notify,
};

use crate::atomic::TEMP_PREFIX;
use crate::layout::SOURCE_DIRS;
use crate::pipeline::Changes;

/// How long a path must stay quiet before the debouncer reports it. Short,
/// because it adds to every edit's time to the browser.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// The debouncer reports each path on its own once it is quiet, so a burst
/// (a checkout, a script touching 1,000 files) arrives as a stream of
/// batches. [`gather`] takes batches until none came for [`QUIET`]; once
/// it has seen more than [`BURST_SIZE`] changes it knows a bulk operation
/// is under way and waits for a longer gap, [`BURST_QUIET`], so a slow
/// writer on a busy machine still makes one rebuild. A single save keeps
/// the short wait.
pub const QUIET: Duration = Duration::from_millis(10);
pub const BURST_SIZE: usize = 20;
pub const BURST_QUIET: Duration = Duration::from_millis(300);

/// ... but never gathers for longer than this, so endless churn still rebuilds.
pub const MAX_GATHER: Duration = Duration::from_secs(3);

pub type Events = mpsc::Receiver<DebounceEventResult>;

pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching `root`; debounced batches arrive on the returned channel.
    pub fn start(root: &Path) -> notify::Result<(Watcher, Events)> {
        let (tx, rx) = mpsc::channel();
        let debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
            let _ = tx.send(result);
        })?;
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            debouncer,
            watched: BTreeSet::new(),
        };
        watcher.refresh(&[])?;
        Ok((watcher, rx))
    }

    /// Brings the watches in line with the folders that exist now: drops
    /// watches on folders that vanished, adds ones that appeared, and renews
    /// those in `replaced` (deleted and recreated within one batch, so their
    /// old watch is dead).
    pub fn refresh(&mut self, replaced: &[PathBuf]) -> notify::Result<()> {
        let stale: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|p| !p.is_dir() || replaced.contains(p))
            .cloned()
            .collect();
        for path in stale {
            let _ = self.debouncer.unwatch(&path);
            self.watched.remove(&path);
        }
        if !self.root.is_dir() {
            return Ok(());
        }
        if !self.watched.contains(&self.root) {
            self.debouncer
                .watch(&self.root, RecursiveMode::NonRecursive)?;
            self.watched.insert(self.root.clone());
        }
        for dir in SOURCE_DIRS {
            let path = self.root.join(dir);
            if path.is_dir() && !self.watched.contains(&path) {
                self.debouncer.watch(&path, RecursiveMode::Recursive)?;
                self.watched.insert(path);
            }
        }
        Ok(())
    }

    /// Drops every watch and starts afresh: after the site folder was
    /// deleted and restored, the old watches point at gone folders.
    pub fn rewatch_all(&mut self) -> notify::Result<()> {
        let all: Vec<PathBuf> = self.watched.iter().cloned().collect();
        self.refresh(&all)
    }

    /// Source folders at the root among `paths` (for [`Watcher::refresh`]).
    pub fn top_level_dirs(&self, paths: &[PathBuf]) -> Vec<PathBuf> {
        paths
            .iter()
            .filter(|p| p.parent() == Some(self.root.as_path()))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| SOURCE_DIRS.iter().any(|d| n == *d))
            })
            .cloned()
            .collect()
    }
}

/// `first` and every batch that follows it closely enough (see [`QUIET`]):
/// one burst, one rebuild.
pub fn gather(
    events: &mpsc::Receiver<DebounceEventResult>,
    first: DebounceEventResult,
    quiet: Duration,
    max: Duration,
) -> Vec<DebounceEventResult> {
    let started = std::time::Instant::now();
    let mut changes = changes_in(&first);
    let mut batches = vec![first];
    while started.elapsed() < max {
        match events.recv_timeout(next_wait(changes, quiet)) {
            Ok(batch) => {
                changes += changes_in(&batch);
                batches.push(batch);
            }
            Err(_) => break,
        }
    }
    batches
}

/// How long to wait for the next batch after `changes` changes so far.
fn next_wait(changes: usize, quiet: Duration) -> Duration {
    if changes > BURST_SIZE {
        quiet.max(BURST_QUIET)
    } else {
        quiet
    }
}

/// Events in a batch other than reads (every build reads every page, and
/// those reads must not look like a burst).
fn changes_in(batch: &DebounceEventResult) -> usize {
    batch.as_ref().map_or(0, |events| {
        events
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
            .count()
    })
}

/// The source paths a debounced batch touched, deduplicated, in order.
/// Reads (access events), output and editor files count for nothing.
pub fn relevant_paths(
    root: &Path,
    events: &[notify_debouncer_full::DebouncedEvent],
) -> Vec<PathBuf> {
    let mut seen = BTreeSet::new();
    let mut paths = Vec::new();
    for event in events {
        if matches!(event.kind, EventKind::Access(_)) {
            continue;
        }
        for path in &event.paths {
            if is_source(root, path) && seen.insert(path.clone()) {
                paths.push(path.clone());
            }
        }
    }
    paths
}

/// Whether a change at `path` can change the site.
pub fn is_source(root: &Path, path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    !is_editor_file(&name) && Changes::classify(root, &[path.to_path_buf()]).any()
}

/// Swap, backup and lock files editors write beside the file being edited,
/// and the temp files gazette's own atomic writes go through.
pub fn is_editor_file(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name == "4913"
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".#")
        || name.starts_with(TEMP_PREFIX)
        || name == ".DS_Store"
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::time::Instant;

    fn batch(kind: EventKind, n: usize) -> DebounceEventResult {
        Ok((0..n)
            .map(|i| {
                let event =
                    notify::Event::new(kind).add_path(PathBuf::from(format!("/s/content/{i}.md")));
                notify_debouncer_full::DebouncedEvent::new(event, Instant::now())
            })
            .collect())
    }

    #[test]
    fn a_burst_of_batches_is_gathered_into_one() {
        let (tx, rx) = mpsc::channel::<DebounceEventResult>();
        let modify = EventKind::Modify(notify::event::ModifyKind::Any);
        // A burst: batches already waiting when the first is taken.
        for _ in 0..20 {
            tx.send(batch(modify, 1)).unwrap();
        }
        let quiet = Duration::from_millis(50);
        let first = rx.recv().unwrap();
        assert_eq!(gather(&rx, first, quiet, Duration::from_secs(20)).len(), 20);
        // The next change after a quiet spell is a rebuild of its own.
        tx.send(batch(modify, 1)).unwrap();
        let next = rx.recv().unwrap();
        assert_eq!(gather(&rx, next, quiet, Duration::from_secs(20)).len(), 1);
    }

    #[test]
    fn a_bulk_operation_waits_out_longer_gaps_than_a_single_save() {
        let create = EventKind::Create(notify::event::CreateKind::File);
        let read = EventKind::Access(notify::event::AccessKind::Any);
        assert_eq!(next_wait(changes_in(&batch(create, 1)), QUIET), QUIET);
        assert_eq!(
            next_wait(changes_in(&batch(create, BURST_SIZE + 1)), QUIET),
            BURST_QUIET
        );
        // A build reading every page is not a burst.
        assert_eq!(next_wait(changes_in(&batch(read, 10_000)), QUIET), QUIET);
    }

    #[test]
    fn editor_droppings_are_not_sources() {
        let root = Path::new("/site");
        for name in [
            "a.md~",
            ".a.md.swp",
            ".a.md.swx",
            "4913",
            "#a.md#",
            ".#a.md",
            ".gazette-x1y2",
        ] {
            assert!(
                !is_source(root, &root.join("content/papers").join(name)),
                "{name}"
            );
        }
        assert!(is_source(root, &root.join("content/papers/a.md")));
        assert!(is_source(root, &root.join("config.toml")));
        assert!(is_source(
            root,
            &root.join("themes/default/templates/page.html")
        ));
        assert!(!is_source(root, &root.join("public/index.html")));
        assert!(!is_source(root, &root.join("target/debug/gazette")));
        assert!(!is_source(root, &root.join(".git/index")));
    }

    /// Collects batches until one holds a path satisfying `done`, or 20 s pass.
    fn wait_for(
        events: &Events,
        root: &Path,
        done: impl Fn(&[PathBuf]) -> bool,
    ) -> Vec<Vec<PathBuf>> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut batches = Vec::new();
        while Instant::now() < deadline {
            if let Ok(Ok(batch)) = events.recv_timeout(Duration::from_millis(200)) {
                let paths = relevant_paths(root, &batch);
                if !paths.is_empty() {
                    let finished = done(&paths);
                    batches.push(paths);
                    if finished {
                        break;
                    }
                }
            }
        }
        batches
    }

    #[test]
    fn create_modify_rename_delete_are_all_seen_and_output_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        fs::create_dir_all(root.join("content/papers")).unwrap();
        fs::create_dir_all(root.join("public")).unwrap();
        let (_watcher, events) = Watcher::start(&root).unwrap();
        let page = root.join("content/papers/a.md");

        fs::write(root.join("public/index.html"), "x").unwrap();
        fs::write(&page, "one").unwrap();
        let batches = wait_for(&events, &root, |p| p.contains(&page));
        assert!(batches.iter().flatten().any(|p| p == &page), "create");
        assert!(
            !batches
                .iter()
                .flatten()
                .any(|p| p.starts_with(root.join("public"))),
            "public/ must not trigger rebuilds"
        );

        fs::write(&page, "two").unwrap();
        assert!(
            !wait_for(&events, &root, |p| p.contains(&page)).is_empty(),
            "modify"
        );

        let moved = root.join("content/papers/b.md");
        fs::rename(&page, &moved).unwrap();
        let batches = wait_for(&events, &root, |p| p.contains(&moved));
        assert!(batches.iter().flatten().any(|p| p == &moved), "rename");

        fs::remove_file(&moved).unwrap();
        assert!(
            !wait_for(&events, &root, |p| p.contains(&moved)).is_empty(),
            "delete"
        );
    }

    #[test]
    fn a_site_folder_deleted_and_restored_is_watched_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        let (mut watcher, events) = Watcher::start(&root).unwrap();
        // The deletion's own events may still come: `wait_for` passes over
        // batches without the path it waits for.
        fs::remove_dir_all(&root).unwrap();
        // Restored the way people do it: moved back in whole.
        let restored = dir.path().join("restored");
        fs::create_dir_all(restored.join("content")).unwrap();
        fs::rename(&restored, &root).unwrap();
        watcher.rewatch_all().unwrap();
        let config = root.join("config.toml");
        fs::write(&config, "x").unwrap();
        let batches = wait_for(&events, &root, |p| p.contains(&config));
        assert!(
            batches.iter().flatten().any(|p| p == &config),
            "{batches:?}"
        );
        let page = root.join("content/a.md");
        fs::write(&page, "x").unwrap();
        let batches = wait_for(&events, &root, |p| p.contains(&page));
        assert!(batches.iter().flatten().any(|p| p == &page), "{batches:?}");
    }

    #[test]
    fn a_folder_created_after_start_is_watched_once_refreshed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let (mut watcher, events) = Watcher::start(&root).unwrap();
        fs::create_dir(root.join("templates")).unwrap();
        let batches = wait_for(&events, &root, |p| p.contains(&root.join("templates")));
        let seen: Vec<PathBuf> = batches.into_iter().flatten().collect();
        watcher.refresh(&watcher.top_level_dirs(&seen)).unwrap();
        let file = root.join("templates/page.html");
        fs::write(&file, "x").unwrap();
        let batches = wait_for(&events, &root, |p| p.contains(&file));
        assert!(batches.iter().flatten().any(|p| p == &file));
    }
}
