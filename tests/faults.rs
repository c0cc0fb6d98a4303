//! A build stopped at any point leaves `public/` entirely as the last build
//! left it or entirely as the new build makes it, never a mix, never a torn
//! or empty file; the next build then completes the new one. Stopped how:
//! aborted after N steps of writing (`GAZETTE_FAULT=abort-after:N`, like
//! `kill -9` at an exact step), killed with SIGKILL while it traces its
//! steps to stderr (after reading K bytes of it: no sleeps), and out of
//! disk space (`enospc-after:N`). Trials are bounded and their points come
//! from fixed seeds, so a failure names a point that fails again.
//!
//! About 35 builds of a 60-paper site: about 20 s in a debug build.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use gazette::output::{MANIFEST, STAGING_INSIDE};

mod common;
use common::{copy_dir, gazette, snapshot, stderr};

/// Every file under `dir`, `/`-separated, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    (snapshot(dir).into_iter())
        .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), b))
        .collect()
}

/// A small site (one seed dump, the default theme), built with 7 papers a
/// page, and a person's files in `public/` (a git checkout, a CNAME).
fn old_site() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let config = fs::read_to_string(repo.join("config.toml")).unwrap();
    let config = config.replacen("paginate = 30", "paginate = 7", 1);
    assert!(config.contains("paginate = 7"), "config.toml sets paginate");
    fs::write(root.join("config.toml"), config).unwrap();
    fs::create_dir(root.join("digests")).unwrap();
    let dump = "000_bb9f3ca8e7c3113e.txt";
    fs::copy(
        repo.join("digests").join(dump),
        root.join("digests").join(dump),
    )
    .unwrap();
    copy_dir(&repo.join("themes"), &root.join("themes"));
    let out = gazette(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    fs::create_dir_all(root.join("public/.git/refs")).unwrap();
    fs::write(root.join("public/.git/HEAD"), "ref: refs/heads/main\n").unwrap();
    fs::write(root.join("public/CNAME"), "papers.example.org\n").unwrap();
    dir
}

/// Changes that touch every page and add and remove files: a template
/// edit, 30 papers a page (listing pages go), a new free page.
fn edit(root: &Path) {
    let config = root.join("config.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, text.replacen("paginate = 7", "paginate = 30", 1)).unwrap();
    let base = root.join("themes/default/templates/base.html");
    let text = fs::read_to_string(&base).unwrap();
    let edited = text.replacen("</footer>", "<p>new</p></footer>", 1);
    assert_ne!(edited, text);
    fs::write(&base, edited).unwrap();
    fs::write(
        root.join("content/colophon.md"),
        "+++\ntitle = \"Colophon\"\n+++\nSet in a new build.\n",
    )
    .unwrap();
}

/// A copy of `from` (sources, `.gazette/`, `public/`) in a new folder.
fn copy_site(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(from, dir.path());
    dir
}

/// The site before and after the edit, built without interruption.
struct Expected {
    old_site: tempfile::TempDir,
    old: BTreeMap<String, Vec<u8>>,
    new: BTreeMap<String, Vec<u8>>,
    /// Steps the new build takes, and the bytes of its trace.
    steps: usize,
    trace_bytes: usize,
}

fn expected() -> Expected {
    let old_site = old_site();
    let old = tree(&old_site.path().join("public"));
    let site = copy_site(old_site.path());
    edit(site.path());
    let out = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--root")
        .arg(site.path())
        .arg("build")
        .env("GAZETTE_FAULT", "trace")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let new = tree(&site.path().join("public"));
    assert_ne!(old, new);
    for person in [".git/HEAD", "CNAME"] {
        assert_eq!(old.get(person), new.get(person), "{person} is kept");
    }
    let trace = stderr(&out);
    let steps = trace.lines().filter(|l| l.contains("fault: step")).count();
    assert!(steps > 50, "the build traces its steps: {trace}");
    Expected {
        old_site,
        old,
        new,
        steps,
        trace_bytes: out.stderr.len(),
    }
}

/// A tiny deterministic generator, so a failing trial names its point.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// Which build `public/` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    Old,
    New,
}

fn held(public: &BTreeMap<String, Vec<u8>>, e: &Expected, what: &str) -> Held {
    if *public == e.old {
        return Held::Old;
    }
    if *public == e.new {
        return Held::New;
    }
    let mixed: Vec<&String> = (public.keys().chain(e.old.keys()).chain(e.new.keys()))
        .filter(|p| public.get(*p) != e.old.get(*p))
        .filter(|p| public.get(*p) != e.new.get(*p))
        .take(5)
        .collect();
    let new_files = public
        .iter()
        .filter(|(p, b)| e.new.get(*p) == Some(b))
        .count();
    panic!(
        "{what}: public/ is neither the old build nor the new one ({new_files} of {} files \
         as new; first files unlike both: {mixed:?})",
        public.len()
    );
}

/// The next build completes the new site and leaves nothing behind.
fn recovers(root: &Path, e: &Expected, what: &str) {
    let out = gazette(root, &["build"]);
    assert!(out.status.success(), "{what}: {}", stderr(&out));
    assert!(
        tree(&root.join("public")) == e.new,
        "{what}: the next build did not complete the new site"
    );
    let mut left: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            ".gazette",
            "config.toml",
            "content",
            "digests",
            "public",
            "themes"
        ],
        "{what}: a staging folder was left behind"
    );
}

/// Runs the edited build with `GAZETTE_FAULT=fault`; with `kill_after`,
/// kills it (SIGKILL) once that many bytes of its stderr have been read.
fn stopped_build(root: &Path, fault: &str, kill_after: Option<usize>) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--root")
        .arg(root)
        .arg("build")
        .env("GAZETTE_FAULT", fault)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = child.stderr.take().unwrap();
    let mut read = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        if kill_after.is_some_and(|k| read.len() >= k) {
            // The build is blocked writing its trace, or past that point:
            // either way it is somewhere in the middle of writing.
            child.kill().unwrap();
            break;
        }
        match err.read(&mut buf).unwrap() {
            0 => break,
            n => read.extend_from_slice(&buf[..n]),
        }
    }
    let status = child.wait().unwrap();
    (
        status.success(),
        String::from_utf8_lossy(&read).into_owned(),
    )
}

#[test]
fn a_build_stopped_at_any_step_leaves_the_old_site_or_the_new_one() {
    let e = expected();
    let mut rng = Rng(16);
    // The first and last steps, and points between from the seed.
    let mut points = vec![0, 1, e.steps - 1, e.steps];
    points.extend((0..8).map(|_| rng.below(e.steps)));
    let mut seen = Vec::new();
    for n in points {
        let site = copy_site(e.old_site.path());
        edit(site.path());
        let what = format!("aborted after step {n} of {}", e.steps);
        let (ok, _) = stopped_build(site.path(), &format!("abort-after:{n}"), None);
        let public = tree(&site.path().join("public"));
        let state = held(&public, &e, &what);
        assert_eq!(
            ok,
            n >= e.steps,
            "{what}: only a build that finished succeeds"
        );
        seen.push(state);
        recovers(site.path(), &e, &what);
    }
    assert!(
        seen.contains(&Held::Old) && seen.contains(&Held::New),
        "the points span the swap: {seen:?}"
    );

    // A real SIGKILL, at points of the trace.
    for _ in 0..6 {
        let k = rng.below(e.trace_bytes);
        let site = copy_site(e.old_site.path());
        edit(site.path());
        let what = format!("killed after {k} bytes of trace");
        stopped_build(site.path(), "trace", Some(k));
        held(&tree(&site.path().join("public")), &e, &what);
        recovers(site.path(), &e, &what);
    }
}

#[test]
fn a_full_disk_fails_the_build_and_leaves_the_old_site() {
    let e = expected();
    let mut rng = Rng(15);
    for n in [0, rng.below(e.steps / 2), rng.below(e.steps / 2)] {
        let site = copy_site(e.old_site.path());
        edit(site.path());
        let what = format!("disk full after step {n}");
        let (ok, err) = stopped_build(site.path(), &format!("enospc-after:{n}"), None);
        assert!(!ok, "{what}: the build fails");
        assert!(
            err.contains("no space left on device") && err.contains("was left as it was"),
            "{what}: {err}"
        );
        assert_eq!(
            held(&tree(&site.path().join("public")), &e, &what),
            Held::Old
        );
        recovers(site.path(), &e, &what);
    }
}

/// Where the swap is impossible, files are replaced one by one: each file
/// is whole (old or new) whenever the build stops, a stop during the
/// renames leaves a mix (the window docs/output.md describes), and the
/// next build completes the new site.
#[test]
fn without_the_swap_every_file_stays_whole_and_the_next_build_completes() {
    let e = expected();
    let mut rng = Rng(17);
    for _ in 0..5 {
        let n = rng.below(e.steps);
        let site = copy_site(e.old_site.path());
        edit(site.path());
        let what = format!("file by file, aborted after step {n}");
        stopped_build(site.path(), &format!("no-swap,abort-after:{n}"), None);
        let public = tree(&site.path().join("public"));
        // `.gazette-staging/` is where this build stages files inside the
        // folder; the next build removes whatever a stop left there.
        // The manifest lists the old and the new files while they are
        // replaced, so every file either build made stays Gazette's.
        let manifest = String::from_utf8(public[MANIFEST].clone()).unwrap();
        let listed: Vec<&str> = manifest.lines().collect();
        let site_files = public
            .iter()
            .filter(|(p, _)| !p.starts_with(STAGING_INSIDE) && p.as_str() != MANIFEST);
        for (path, bytes) in site_files {
            let persons = [".git/HEAD", "CNAME"].contains(&path.as_str());
            assert!(
                persons || listed.contains(&path.as_str()),
                "{what}: {path} is not in the manifest"
            );
            assert!(
                e.old.get(path) == Some(bytes) || e.new.get(path) == Some(bytes),
                "{what}: {path} is neither its old nor its new version"
            );
        }
        recovers(site.path(), &e, &what);
    }
}

#[test]
fn a_second_writer_is_refused_while_one_holds_the_site() {
    let site = old_site();
    let root = site.path();
    let before = tree(&root.join("public"));
    let lock = fs::OpenOptions::new()
        .write(true)
        .open(root.join(".gazette/lock"))
        .unwrap();
    lock.try_lock().unwrap();
    fs::write(root.join(".gazette/lock"), "gazette build (process 4242)\n").unwrap();
    edit(root);
    for command in ["build", "import"] {
        let out = gazette(root, &[command]);
        assert!(!out.status.success());
        assert!(
            stderr(&out).starts_with(
                ".gazette/lock: error: gazette build (process 4242) is writing this site"
            ),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(tree(&root.join("public")), before, "nothing was written");
    drop(lock);
    assert!(gazette(root, &["build"]).status.success());
}

#[test]
fn temporary_files_a_killed_import_or_build_left_are_removed() {
    let site = old_site();
    let root = site.path();
    let pages = root.join("content/papers");
    fs::write(pages.join(".gazette-Xy12Ab"), "").unwrap();
    fs::write(root.join("public/.gazette-Q9w8E7"), "").unwrap();
    fs::write(root.join(".gazette/.gazette-Zz00Zz"), "").unwrap();
    let out = gazette(root, &["import"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!pages.join(".gazette-Xy12Ab").exists());
    edit(root);
    // Not a file a person put there: the build goes on and removes it.
    let out = gazette(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!root.join("public/.gazette-Q9w8E7").exists());
    assert!(!root.join(".gazette/.gazette-Zz00Zz").exists());
}
