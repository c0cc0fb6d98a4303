//! What the last `gazette build` read and wrote, so the next one can tell
//! "nothing changed" in a few milliseconds and, after an edit, re-render
//! only the files that depend on it. Kept in [`BUILD_RECORD`].
//!
//! - **Inputs**: every file a build reads (config.toml, content/, the
//!   theme, templates/, static/) with its [`Stamp`]. When every stamp, the
//!   settings and the output folder are as recorded (and import has
//!   nothing to do), the build is done without loading a page.
//! - **Outputs**: each file's render key (the hash of everything the file
//!   shows: the job and the site key, so this is also what each output
//!   depends on), the hash of its bytes and its stamp in the output folder.
//!   A build keeps a file whose key is unchanged without rendering it.
//!
//! Any doubt means a full build, never a wrong site: another Gazette
//! version or binary, another base URL or output folder, a record that
//! does not read back whole (a checksum ends it), a clock earlier than the
//! last build's. A file whose stamp cannot be trusted (changed less than a
//! clock tick before the build looked, see [`Stamp::trusted`]) is compared
//! by its content instead (pages), or counts as changed.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::atomic;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::fingerprint::{self, Stamp};
use crate::layout::{self, BUILD_RECORD, CONFIG_FILE, CONTENT_DIR, STATIC_DIR, TEMPLATES_DIR};
use crate::output::FileRecord;

/// The record's format and the meaning of its hashes: 2 since page
/// fingerprints are XXH3 ([`fingerprint::content`]), not FNV.
const MAGIC: &str = "gazette build record 2";

/// What a build's output depends on besides its input files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub version: String,
    /// The running executable's stamp: a rebuilt `gazette` may render
    /// differently under the same version number.
    pub binary: Stamp,
    /// The effective base URL (config or `--base-url`).
    pub base_url: String,
    /// The output folder, absolute.
    pub output: PathBuf,
}

impl Settings {
    pub fn new(base_url: &str, output: &Path) -> Settings {
        // Without its change time: tools that hard-link the binary (perf's
        // build-id cache) change it, a new build of it gets a new file.
        let binary = std::env::current_exe()
            .and_then(fs::metadata)
            .map(|m| Stamp {
                ctime: 0,
                ..Stamp::of(&m)
            })
            .unwrap_or_default();
        Settings {
            version: env!("CARGO_PKG_VERSION").to_string(),
            binary,
            base_url: base_url.to_string(),
            output: output.to_path_buf(),
        }
    }
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Relative to the site root, with `/`.
    pub path: String,
    pub stamp: Stamp,
    /// The fingerprint ([`fingerprint::content`]) of the bytes the build read, kept for a page
    /// whose stamp was not trusted, so the next build can compare content.
    pub fingerprint: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub settings: Settings,
    /// When the inputs were stamped (ns since the epoch).
    pub time: i128,
    /// The output folder's device and inode after the build.
    pub folder: (u64, u64),
    /// Sorted by path.
    pub inputs: Vec<Input>,
    pub files: HashMap<String, FileRecord>,
}

/// The input files of a site, stamped, sorted by path, and when.
pub struct Scan {
    pub time: i128,
    pub inputs: Vec<(String, Stamp)>,
}

/// Stamps every file a build reads. The time is taken first, so a file
/// changed while the scan runs is never trusted.
pub fn scan_inputs(root: &Path, config: &Config) -> io::Result<Scan> {
    let time = fingerprint::now_ns();
    let mut inputs = Vec::new();
    let config_file = root.join(CONFIG_FILE);
    match fs::metadata(&config_file) {
        Ok(meta) => inputs.push((CONFIG_FILE.to_string(), Stamp::of(&meta))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    for dir in [
        CONTENT_DIR.to_string(),
        layout::theme_dir(&config.theme),
        TEMPLATES_DIR.to_string(),
        STATIC_DIR.to_string(),
    ] {
        if !root.join(&dir).exists() {
            continue;
        }
        // Followed links, as the loaders read through them. Listed first,
        // then stamped in parallel: at 10,000 pages the stamps are most
        // of a build with nothing to do.
        let mut paths = Vec::new();
        for entry in walkdir::WalkDir::new(root.join(&dir)).follow_links(true) {
            let entry = entry.map_err(io::Error::from)?;
            if !entry.file_type().is_dir() {
                paths.push(entry.into_path());
            }
        }
        let stamped: Vec<(String, Stamp)> = paths
            .par_iter()
            .map(|path| {
                let rel = path.strip_prefix(root).unwrap_or(path);
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                Ok((rel.join("/"), Stamp::of(&fs::metadata(path)?)))
            })
            .collect::<io::Result<_>>()?;
        inputs.extend(stamped);
    }
    inputs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Scan { time, inputs })
}

/// Why the last build's output cannot be taken as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// Settings, binary, clock: nothing of the record may be used.
    Unusable(String),
    /// An input or output file changed: its keys still help.
    Changed(String),
}

impl Record {
    /// The record in `root`, if there is a readable one. A record that
    /// does not read back whole is a warning (and a full build).
    pub fn read(root: &Path) -> Result<Option<Record>, Diagnostic> {
        let path = root.join(BUILD_RECORD);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Diagnostic::warning(
                    BUILD_RECORD,
                    0,
                    format!("cannot read the last build's record ({e}); building everything"),
                ));
            }
        };
        parse(&text).map(Some).map_err(|(line, why)| {
            Diagnostic::warning(
                BUILD_RECORD,
                line,
                format!("the last build's record is damaged ({why}); building everything"),
            )
        })
    }

    /// Writes the record atomically. A site with a file name holding a
    /// line break gets none (and full builds).
    pub fn write(&self, root: &Path) -> io::Result<()> {
        let path = root.join(BUILD_RECORD);
        let broken = |p: &str| p.contains(['\n', '\r']);
        if self.inputs.iter().any(|i| broken(&i.path)) || self.files.keys().any(|p| broken(p)) {
            return Record::remove(root);
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        atomic::write(&path, self.to_text().as_bytes())
    }

    /// Removes the record: the output folder is about to change in a way a
    /// kill could leave half done, and the next build must not trust it.
    pub fn remove(root: &Path) -> io::Result<()> {
        match fs::remove_file(root.join(BUILD_RECORD)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Whether the output folder is exactly what a build with `settings`
    /// over `scan` would make. Reads page files only where a stamp cannot
    /// be trusted. Returns whether the inputs were verified by content
    /// (then a fresh record, [`Record::rescanned`], makes the next check
    /// cheaper).
    pub fn up_to_date(&self, root: &Path, settings: &Settings, scan: &Scan) -> Result<bool, Stale> {
        self.usable(settings, scan.time)?;
        if scan.inputs.len() != self.inputs.len() {
            return Err(Stale::Changed("files were added or removed".into()));
        }
        let mut by_content = false;
        for ((path, stamp), input) in scan.inputs.iter().zip(&self.inputs) {
            if *path != input.path || *stamp != input.stamp {
                return Err(Stale::Changed(format!("{path} changed")));
            }
            if !input.stamp.trusted(self.time) {
                let same = input.fingerprint.is_some_and(|fp| {
                    fs::read(root.join(path)).is_ok_and(|bytes| fingerprint::content(&bytes) == fp)
                });
                if !same {
                    return Err(Stale::Changed(format!("{path} may have changed")));
                }
                by_content = true;
            }
        }
        let out = &settings.output;
        if folder_id(out).ok() != Some(self.folder) {
            return Err(Stale::Changed(format!("{} was replaced", out.display())));
        }
        let changed = self.files.par_iter().find_any(|(path, file)| {
            !fs::symlink_metadata(out.join(path))
                .is_ok_and(|m| m.is_file() && file.stamp_matches(&Stamp::of(&m)))
        });
        if let Some((path, _)) = changed {
            return Err(Stale::Changed(format!("{path} in the output changed")));
        }
        Ok(by_content)
    }

    /// Whether anything of the record may be used by a build with
    /// `settings` at `now`.
    pub fn usable(&self, settings: &Settings, now: i128) -> Result<(), Stale> {
        if self.settings.version != settings.version {
            return Err(Stale::Unusable("another Gazette version".into()));
        }
        if self.settings.binary != settings.binary {
            return Err(Stale::Unusable("another gazette binary".into()));
        }
        if self.settings.base_url != settings.base_url || self.settings.output != settings.output {
            return Err(Stale::Unusable("another base URL or output folder".into()));
        }
        if now < self.time {
            return Err(Stale::Unusable(
                "the clock is earlier than at the last build".into(),
            ));
        }
        Ok(())
    }

    /// This record with the inputs as stamped by `scan`, the same files.
    pub fn rescanned(&self, scan: &Scan) -> Record {
        let mut record = self.clone();
        record.time = scan.time;
        record
    }

    fn to_text(&self) -> String {
        let mut t = String::with_capacity(64 * (self.inputs.len() + self.files.len()) + 256);
        let s = &self.settings;
        let _ = writeln!(t, "{MAGIC}");
        let _ = writeln!(t, "version {}", s.version);
        let _ = writeln!(t, "binary {}", stamp_text(&s.binary));
        let _ = writeln!(t, "base_url {}", s.base_url);
        let _ = writeln!(t, "output {}", s.output.display());
        let _ = writeln!(t, "time {}", self.time);
        let _ = writeln!(t, "folder {} {}", self.folder.0, self.folder.1);
        for i in &self.inputs {
            let fp = i.fingerprint.map_or("-".to_string(), fingerprint::hex);
            let _ = writeln!(t, "in {} {fp} {}", stamp_text(&i.stamp), i.path);
        }
        let mut files: Vec<(&String, &FileRecord)> = self.files.iter().collect();
        files.sort_by(|a, b| a.0.cmp(b.0));
        for (path, f) in files {
            let _ = writeln!(
                t,
                "out {:016x} {:016x} {} {path}",
                f.key,
                f.hash,
                stamp_text(&f.stamp)
            );
        }
        let sum = fingerprint::content(t.as_bytes());
        let _ = writeln!(t, "end {sum:016x}");
        t
    }
}

fn stamp_text(s: &Stamp) -> String {
    format!("{} {} {} {}", s.size, s.mtime, s.ctime, s.ino)
}

/// The output folder's device and inode: a swap makes a new one.
pub fn folder_id(dir: &Path) -> io::Result<(u64, u64)> {
    let meta = fs::metadata(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Ok((0, 0))
    }
}

type ParseError = (usize, String);

fn parse(text: &str) -> Result<Record, ParseError> {
    // The checksum first: a truncated or edited record is not read at all.
    let body_end = text
        .trim_end_matches('\n')
        .rfind('\n')
        .map(|i| i + 1)
        .ok_or((0, "empty".to_string()))?;
    let (body, last) = text.split_at(body_end);
    let sum = last
        .strip_prefix("end ")
        .map(str::trim)
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .ok_or((0, "it does not end with its checksum".to_string()))?;
    if sum != fingerprint::content(body.as_bytes()) {
        return Err((0, "its checksum does not match".to_string()));
    }
    let mut lines = body.lines().enumerate().map(|(i, l)| (i + 1, l));
    let mut next = |name: &str| -> Result<(usize, String), ParseError> {
        let (n, line) = lines.next().ok_or((0, format!("no {name} line")))?;
        match line.strip_prefix(name) {
            Some(rest) => Ok((n, rest.strip_prefix(' ').unwrap_or(rest).to_string())),
            None => Err((n, format!("expected {name}"))),
        }
    };
    next(MAGIC)?;
    let version = next("version")?.1;
    let (n, binary) = next("binary")?;
    let binary = stamp(&mut binary.split(' ')).ok_or((n, "bad binary".to_string()))?;
    let base_url = next("base_url")?.1;
    let output = PathBuf::from(next("output")?.1);
    let (n, time) = next("time")?;
    let time = time.parse().map_err(|_| (n, "bad time".to_string()))?;
    let (n, folder) = next("folder")?;
    let mut parts = folder.split(' ').map(str::parse);
    let folder = match (parts.next(), parts.next()) {
        (Some(Ok(dev)), Some(Ok(ino))) => (dev, ino),
        _ => return Err((n, "bad folder".to_string())),
    };
    let mut record = Record {
        settings: Settings {
            version,
            binary,
            base_url,
            output,
        },
        time,
        folder,
        inputs: Vec::new(),
        files: HashMap::new(),
    };
    for (n, line) in lines {
        let bad = |what: &str| (n, format!("bad {what} line"));
        if let Some(rest) = line.strip_prefix("in ") {
            let mut parts = rest.splitn(6, ' ');
            let stamp = stamp(&mut parts).ok_or_else(|| bad("input"))?;
            let fingerprint = match parts.next() {
                Some("-") => None,
                Some(h) => Some(u64::from_str_radix(h, 16).map_err(|_| bad("input"))?),
                None => return Err(bad("input")),
            };
            let path = parts.next().ok_or_else(|| bad("input"))?.to_string();
            record.inputs.push(Input {
                path,
                stamp,
                fingerprint,
            });
        } else if let Some(rest) = line.strip_prefix("out ") {
            let mut parts = rest.splitn(7, ' ');
            let mut hex = || {
                parts
                    .next()
                    .and_then(|h| u64::from_str_radix(h, 16).ok())
                    .ok_or_else(|| bad("output"))
            };
            let (key, hash) = (hex()?, hex()?);
            let stamp = stamp(&mut parts).ok_or_else(|| bad("output"))?;
            let path = parts.next().ok_or_else(|| bad("output"))?.to_string();
            record.files.insert(path, FileRecord { key, hash, stamp });
        } else {
            return Err(bad("unknown"));
        }
    }
    if !record.inputs.is_sorted_by(|a, b| a.path < b.path) {
        return Err((0, "inputs out of order".to_string()));
    }
    Ok(record)
}

fn stamp<'a>(parts: &mut impl Iterator<Item = &'a str>) -> Option<Stamp> {
    Some(Stamp {
        size: parts.next()?.parse().ok()?,
        mtime: parts.next()?.parse().ok()?,
        ctime: parts.next()?.parse().ok()?,
        ino: parts.next()?.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site with a config, two pages and a theme file, stamped long ago
    /// (so the stamps are trusted), an output folder and its record.
    fn site() -> (tempfile::TempDir, Config, Settings) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("content/papers")).unwrap();
        fs::create_dir_all(root.join("themes/default/templates")).unwrap();
        fs::create_dir_all(root.join("public")).unwrap();
        fs::write(root.join(CONFIG_FILE), "title = \"T\"\n").unwrap();
        fs::write(
            root.join("content/papers/a.md"),
            "+++\ntitle = \"A\"\n+++\n",
        )
        .unwrap();
        fs::write(
            root.join("content/about.md"),
            "+++\ntitle = \"About\"\n+++\n",
        )
        .unwrap();
        fs::write(root.join("themes/default/templates/base.html"), "x").unwrap();
        fs::write(root.join("public/index.html"), "home").unwrap();
        let settings = Settings::new("https://example.org/", &root.join("public"));
        (dir, Config::default(), settings)
    }

    fn record_of(root: &Path, config: &Config, settings: &Settings, scan: Scan) -> Record {
        let meta = fs::metadata(root.join("public/index.html")).unwrap();
        let file = FileRecord {
            key: 1,
            hash: fingerprint::content(b"home"),
            stamp: Stamp::of(&meta),
        };
        let _ = config;
        Record {
            settings: settings.clone(),
            time: scan.time,
            folder: folder_id(&root.join("public")).unwrap(),
            inputs: scan
                .inputs
                .into_iter()
                .map(|(path, stamp)| Input {
                    fingerprint: fs::read(root.join(&path))
                        .ok()
                        .map(|b| fingerprint::content(&b)),
                    path,
                    stamp,
                })
                .collect(),
            files: [("index.html".to_string(), file)].into_iter().collect(),
        }
    }

    /// A scan as if taken `later` seconds after the files were written.
    fn scan_later(root: &Path, config: &Config, later: i128) -> Scan {
        let mut scan = scan_inputs(root, config).unwrap();
        scan.time += later * 1_000_000_000;
        scan
    }

    #[test]
    fn a_record_reads_back_as_written_and_an_unchanged_site_is_up_to_date() {
        let (dir, config, settings) = site();
        let root = dir.path();
        let record = record_of(root, &config, &settings, scan_later(root, &config, 5));
        assert_eq!(
            record
                .inputs
                .iter()
                .map(|i| i.path.as_str())
                .collect::<Vec<_>>(),
            [
                "config.toml",
                "content/about.md",
                "content/papers/a.md",
                "themes/default/templates/base.html"
            ]
        );
        record.write(root).unwrap();
        let read = Record::read(root).unwrap().unwrap();
        assert_eq!(read, record);
        let scan = scan_later(root, &config, 6);
        assert_eq!(read.up_to_date(root, &settings, &scan), Ok(false));
    }

    #[test]
    fn a_damaged_or_foreign_record_is_a_warning_never_trusted() {
        let (dir, config, settings) = site();
        let root = dir.path();
        let record = record_of(root, &config, &settings, scan_later(root, &config, 5));
        record.write(root).unwrap();
        let text = fs::read_to_string(root.join(BUILD_RECORD)).unwrap();
        let cut = &text[..text.len() / 2];
        let flipped = text.replacen("index.html", "indey.html", 1);
        for bad in [
            cut,
            flipped.as_str(),
            "",
            "something else\nend 0\n",
            "\u{0}\u{1}",
        ] {
            fs::write(root.join(BUILD_RECORD), bad).unwrap();
            let warning = Record::read(root).unwrap_err();
            assert_eq!(warning.level, crate::diagnostic::Level::Warning);
            assert!(
                warning.to_string().starts_with(".gazette/build-record"),
                "{warning}"
            );
            assert!(warning.message.contains("building everything"), "{warning}");
        }
        Record::remove(root).unwrap();
        assert_eq!(Record::read(root).unwrap(), None);
    }

    #[test]
    fn another_binary_base_url_or_an_earlier_clock_makes_the_record_unusable() {
        let (dir, config, settings) = site();
        let root = dir.path();
        let record = record_of(root, &config, &settings, scan_later(root, &config, 5));
        let scan = scan_later(root, &config, 6);
        let unusable = |s: &Settings, scan: &Scan| {
            matches!(record.up_to_date(root, s, scan), Err(Stale::Unusable(_)))
        };
        let mut other = settings.clone();
        other.version = "0.0.1".into();
        assert!(unusable(&other, &scan));
        let mut other = settings.clone();
        other.binary.mtime += 1;
        assert!(unusable(&other, &scan));
        let mut other = settings.clone();
        other.base_url = "https://elsewhere.org/".into();
        assert!(unusable(&other, &scan));
        let earlier = scan_later(root, &config, 4);
        assert!(unusable(&settings, &earlier), "the clock went back");
        assert!(!unusable(&settings, &scan));
    }

    #[test]
    fn an_edit_a_new_file_or_a_changed_output_is_a_change() {
        let (dir, config, settings) = site();
        let root = dir.path();
        let record = record_of(root, &config, &settings, scan_later(root, &config, 5));
        let changed = |scan: &Scan| {
            matches!(
                record.up_to_date(root, &settings, scan),
                Err(Stale::Changed(_))
            )
        };
        // Same size, same modification time: the change time still differs.
        let page = root.join("content/papers/a.md");
        let mtime = fs::metadata(&page).unwrap().modified().unwrap();
        fs::write(&page, "+++\ntitle = \"B\"\n+++\n").unwrap();
        fs::File::options()
            .write(true)
            .open(&page)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        assert!(changed(&scan_later(root, &config, 6)));

        let (dir, config, settings) = site();
        let root = dir.path();
        let record = record_of(root, &config, &settings, scan_later(root, &config, 5));
        fs::write(root.join("content/papers/b.md"), "new").unwrap();
        assert!(matches!(
            record.up_to_date(root, &settings, &scan_later(root, &config, 6)),
            Err(Stale::Changed(_))
        ));
        fs::remove_file(root.join("content/papers/b.md")).unwrap();
        fs::write(root.join("public/index.html"), "hand edit").unwrap();
        assert!(matches!(
            record.up_to_date(root, &settings, &scan_later(root, &config, 6)),
            Err(Stale::Changed(_))
        ));
    }

    #[test]
    fn a_page_changed_just_before_the_build_looked_is_compared_by_content() {
        let (dir, config, settings) = site();
        let root = dir.path();
        // Stamped right away: the stamps are too recent to trust.
        let record = record_of(root, &config, &settings, scan_later(root, &config, 0));
        let scan = scan_later(root, &config, 1);
        assert_eq!(record.up_to_date(root, &settings, &scan), Ok(true));
        // Were a page rewritten within the same clock tick, its stamp could
        // stay the same: the content is what is compared.
        let mut record = record;
        record.inputs[2].fingerprint = Some(1);
        assert!(matches!(
            record.up_to_date(root, &settings, &scan),
            Err(Stale::Changed(_))
        ));
        // A theme file too recent to trust has no fingerprint: a change.
        record.inputs[2].fingerprint = None;
        assert!(matches!(
            record.up_to_date(root, &settings, &scan),
            Err(Stale::Changed(_))
        ));
    }
}
