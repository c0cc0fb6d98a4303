//! Watching the site's sources, and telling when a change is complete.
//!
//! The root is watched on its own (config.toml, and source folders appearing
//! or disappearing) and each source folder (`digests/`, `content/`,
//! `themes/`, `templates/`, `static/`) recursively. `public/`, `target/` and
//! `.git/` are never watched: a Cargo target folder alone holds thousands of
//! folders, each an inotify watch. Editor droppings are ignored.
//!
//! No fixed debounce: events arrive as the file system sends them, and
//! [`gather`] decides when a burst is over from what they say. A file
//! closed after writing, or renamed into place, is complete: the rebuild
//! starts after [`SETTLE`] more without news. Anything else (a write not
//! yet closed, a file removed or renamed away, which a save by rename
//! follows with the new file, a platform that reports no close) waits
//! until nothing came for [`QUIET`]. Events that arrive during a rebuild
//! make the next one: an editor's save burst always ends in a build of
//! its final state.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::atomic::TEMP_PREFIX;
use crate::layout::SOURCE_DIRS;
use crate::pipeline::Changes;

/// How long to wait for more news once every changed file is complete:
/// the rest of one save (an editor removing its backup) lands in the same
/// rebuild.
pub const SETTLE: Duration = Duration::from_millis(2);
/// How long to wait for more news while some change may be unfinished.
pub const QUIET: Duration = Duration::from_millis(20);
/// Once more than [`BURST_SIZE`] changes were gathered, a bulk operation (a
/// checkout, a script touching 1,000 files) is under way: [`gather`] waits
/// for a gap of [`BURST_QUIET`], so a slow writer on a busy machine still
/// makes one rebuild.
pub const BURST_SIZE: usize = 20;
pub const BURST_QUIET: Duration = Duration::from_millis(300);
/// ... but never gathers for longer than this, so endless churn still rebuilds.
pub const MAX_GATHER: Duration = Duration::from_secs(3);

/// How long [`gather`] waits (the constants above; tests shorten them).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub settle: Duration,
    pub quiet: Duration,
    pub burst_quiet: Duration,
    pub max: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            settle: SETTLE,
            quiet: QUIET,
            burst_quiet: BURST_QUIET,
            max: MAX_GATHER,
        }
    }
}

pub type Events = mpsc::Receiver<notify::Result<Event>>;

pub struct Watcher {
    root: PathBuf,
    watcher: RecommendedWatcher,
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching `root`; events arrive on the returned channel.
    pub fn start(root: &Path) -> notify::Result<(Watcher, Events)> {
        let (tx, rx) = mpsc::channel();
        let watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
            let _ = tx.send(event);
        })?;
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            watcher,
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
            let _ = self.watcher.unwatch(&path);
            self.watched.remove(&path);
        }
        if !self.root.is_dir() {
            return Ok(());
        }
        if !self.watched.contains(&self.root) {
            self.watcher
                .watch(&self.root, RecursiveMode::NonRecursive)?;
            self.watched.insert(self.root.clone());
        }
        for dir in SOURCE_DIRS {
            let path = self.root.join(dir);
            if path.is_dir() && !self.watched.contains(&path) {
                self.watcher.watch(&path, RecursiveMode::Recursive)?;
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

/// Where a changed path stands after its last event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stand {
    /// Closed after writing, or renamed into place: complete.
    Written,
    /// Written to and not closed yet, or changed in a way that says
    /// nothing about being done.
    Open,
    /// Removed or renamed away: a save by rename brings it back at once.
    Gone,
}

/// One burst of changes, gathered for one rebuild.
#[derive(Debug, Default)]
pub struct Gathered {
    /// The source paths changed, deduplicated, in the order first seen.
    pub paths: Vec<PathBuf>,
    /// The watcher lost events (its queue overflowed): rebuild everything.
    pub rescan: bool,
    pub errors: Vec<notify::Error>,
    /// When the first change was seen.
    pub first_seen: Option<Instant>,
    stands: HashMap<PathBuf, Stand>,
    changes: usize,
}

impl Gathered {
    /// Takes in one event from the watcher.
    fn take(&mut self, root: &Path, event: notify::Result<Event>) {
        let event = match event {
            Ok(event) => event,
            Err(e) => {
                self.errors.push(e);
                return;
            }
        };
        if event.need_rescan() {
            self.rescan = true;
            self.first_seen.get_or_insert_with(Instant::now);
            return;
        }
        let stand = match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => Stand::Written,
            // Reads: every build reads every page.
            EventKind::Access(_) => return,
            EventKind::Modify(ModifyKind::Name(RenameMode::To)) => Stand::Written,
            EventKind::Modify(ModifyKind::Name(RenameMode::From)) | EventKind::Remove(_) => {
                Stand::Gone
            }
            EventKind::Create(CreateKind::Folder) => Stand::Written,
            _ => Stand::Open,
        };
        // `Both` names the old path, then the new one. A file renamed onto
        // a source (a temporary file saved into place) is settled where it
        // was; one renamed to a name that is no source (`a.md` to the
        // backup `a.md~`) is about to be written again.
        let renamed = matches!(
            event.kind,
            EventKind::Modify(ModifyKind::Name(RenameMode::Both))
        );
        let onto_source = renamed && event.paths.get(1).is_some_and(|to| is_source(root, to));
        let mut any = false;
        for (i, path) in event.paths.into_iter().enumerate() {
            if !is_source(root, &path) {
                continue;
            }
            any = true;
            let stand = match (renamed, i) {
                (true, 0) if onto_source => Stand::Written,
                (true, 0) => Stand::Gone,
                (true, _) => Stand::Written,
                _ => stand,
            };
            if self.stands.insert(path.clone(), stand).is_none() {
                self.paths.push(path);
            }
        }
        if any {
            self.changes += 1;
            self.first_seen.get_or_insert_with(Instant::now);
        }
    }

    /// How long to wait for more news before rebuilding.
    fn wait(&self, timing: &Timing) -> Duration {
        if self.changes > BURST_SIZE {
            timing.quiet.max(timing.burst_quiet)
        } else if self.stands.values().all(|s| *s == Stand::Written) {
            timing.settle
        } else {
            timing.quiet
        }
    }
}

/// `first` and every event that follows it before the burst is over (see
/// the module comment): one burst, one rebuild.
pub fn gather(
    events: &Events,
    root: &Path,
    first: notify::Result<Event>,
    timing: &Timing,
) -> Gathered {
    let started = Instant::now();
    let mut gathered = Gathered::default();
    gathered.take(root, first);
    loop {
        // What is queued already costs no wait.
        while let Ok(event) = events.try_recv() {
            gathered.take(root, event);
        }
        if started.elapsed() >= timing.max {
            break;
        }
        match events.recv_timeout(gathered.wait(timing)) {
            Ok(event) => gathered.take(root, event),
            Err(_) => break,
        }
    }
    gathered
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
    use notify::event::RemoveKind;
    use std::fs;

    const ROOT: &str = "/s";

    fn event(kind: EventKind, paths: &[&str]) -> notify::Result<Event> {
        let mut event = Event::new(kind);
        for p in paths {
            event = event.add_path(PathBuf::from(ROOT).join(p));
        }
        Ok(event)
    }

    fn closed(path: &str) -> notify::Result<Event> {
        event(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            &[path],
        )
    }

    fn written(path: &str) -> notify::Result<Event> {
        event(
            EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any)),
            &[path],
        )
    }

    fn gathered(events: Vec<notify::Result<Event>>) -> Gathered {
        let mut g = Gathered::default();
        for e in events {
            g.take(Path::new(ROOT), e);
        }
        g
    }

    const NO_WAIT: Timing = Timing {
        settle: Duration::ZERO,
        quiet: Duration::ZERO,
        burst_quiet: Duration::ZERO,
        max: Duration::from_secs(60),
    };

    #[test]
    fn a_burst_already_queued_is_gathered_into_one_rebuild() {
        let (tx, rx) = mpsc::channel();
        for i in 0..30 {
            tx.send(written(&format!("content/{i}.md"))).unwrap();
            tx.send(closed(&format!("content/{i}.md"))).unwrap();
        }
        let first = rx.recv().unwrap();
        let g = gather(&rx, Path::new(ROOT), first, &NO_WAIT);
        assert_eq!(g.paths.len(), 30);
        assert!(rx.try_recv().is_err(), "nothing left for a second rebuild");
        // The next change is a rebuild of its own.
        tx.send(closed("content/0.md")).unwrap();
        let next = rx.recv().unwrap();
        assert_eq!(gather(&rx, Path::new(ROOT), next, &NO_WAIT).paths.len(), 1);
    }

    #[test]
    fn a_file_closed_after_writing_rebuilds_at_once_and_an_unfinished_change_waits() {
        let t = Timing::default();
        // A save: written, then closed.
        let save = gathered(vec![written("content/a.md"), closed("content/a.md")]);
        assert_eq!(save.paths, [PathBuf::from("/s/content/a.md")]);
        assert_eq!(save.wait(&t), SETTLE);
        // Still being written: wait for the close (or a quiet spell, where
        // the platform reports no close).
        assert_eq!(gathered(vec![written("content/a.md")]).wait(&t), QUIET);
        // Saved by rename: the page is gone a moment, then back, complete.
        let away = || {
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                &["content/a.md"],
            )
        };
        assert_eq!(gathered(vec![away()]).wait(&t), QUIET);
        let into_place = event(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["content/.a.md.tmp", "content/a.md"],
        );
        assert_eq!(gathered(vec![away(), into_place]).wait(&t), SETTLE);
        // A page renamed to its backup is about to be written again.
        let to_backup = event(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["content/a.md", "content/a.md~"],
        );
        let g = gathered(vec![to_backup]);
        assert_eq!(g.paths, [PathBuf::from("/s/content/a.md")]);
        assert_eq!(g.wait(&t), QUIET);
        // Deleted: a save by rename would bring it back at once.
        let removed = event(EventKind::Remove(RemoveKind::File), &["content/a.md"]);
        assert_eq!(gathered(vec![removed]).wait(&t), QUIET);
        // One complete file and one still open: the open one decides.
        let both = gathered(vec![closed("content/a.md"), written("content/b.md")]);
        assert_eq!(both.wait(&t), QUIET);
    }

    #[test]
    fn reads_and_output_count_for_nothing_and_a_lost_queue_rebuilds_everything() {
        let read = event(
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            &["content/a.md"],
        );
        let output = closed("public/index.html");
        let g = gathered(vec![read, output]);
        assert!(g.paths.is_empty() && g.first_seen.is_none());
        assert_eq!(g.wait(&Timing::default()), SETTLE, "nothing to wait for");
        let overflow = Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        assert!(gathered(vec![Ok(overflow)]).rescan);
    }

    #[test]
    fn a_bulk_operation_waits_out_longer_gaps_than_a_single_save() {
        let t = Timing::default();
        let many: Vec<_> = (0..=BURST_SIZE)
            .map(|i| closed(&format!("content/{i}.md")))
            .collect();
        assert_eq!(gathered(many).wait(&t), BURST_QUIET);
        // A build reading every page is not a burst.
        let reads: Vec<_> = (0..10_000)
            .map(|i| {
                event(
                    EventKind::Access(AccessKind::Open(AccessMode::Any)),
                    &[&format!("content/{i}.md")],
                )
            })
            .collect();
        assert_eq!(gathered(reads).wait(&t), SETTLE);
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

    /// Collects gathered paths until some satisfy `done`, or 20 s pass.
    fn wait_for(
        events: &Events,
        root: &Path,
        done: impl Fn(&[PathBuf]) -> bool,
    ) -> Vec<Vec<PathBuf>> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut batches = Vec::new();
        while Instant::now() < deadline {
            if let Ok(first) = events.recv_timeout(Duration::from_millis(200)) {
                let paths = gather(events, root, first, &Timing::default()).paths;
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
