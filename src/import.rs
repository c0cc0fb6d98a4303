//! `gazette import`: digests → `content/papers/*.md`, merging and never
//! overwriting a hand edit.
//!
//! Every dump is parsed (in parallel), its year-less dates resolved, its
//! entries cleaned; entries naming the same paper (the same arXiv id when
//! both have one, else the same title up to case, spacing and punctuation)
//! merge into one record; each record is tagged and then written as a new
//! page or merged into its existing page, which is found by its `arxiv` id
//! or by the `[imported] key` it carries, whatever its file is called.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::atomic;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::digest::{self, DumpDate, LinkKind, Who, year};
use crate::layout::{
    CACHE_DIR, DIGESTS_DIR, IMPORT_STAMP, IMPORTED_PAGES, PAPERS_DIR, REMOVED_FILE, YEAR_GUESSES,
};
use crate::page::key::current_key;
pub use crate::page::key::title_key;
use crate::page::{self, Facts, facts::Listed};
use crate::removal;
use crate::tagging::Tagger;

/// The file name endings of dumps: plain or linked copies, Markdown exports.
pub const DUMP_EXTENSIONS: [&str; 3] = [".txt", ".md", ".markdown"];

/// Longest slug a new page gets (file names and URLs stay readable).
pub const MAX_SLUG: usize = 80;

/// What an import did, for the console and for `serve`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Pages where a hand edit was kept over a differing digest fact.
    pub kept_edits: usize,
    /// Bad digest lines, guessed years, kept edits, unreadable files, ...
    pub diagnostics: Vec<Diagnostic>,
    /// Nothing was read: the dumps, settings and page files are as the
    /// last import left them (see [`import_if_changed`]).
    pub skipped: bool,
    /// Dumps whose year is still a guess (warned about once, see
    /// [`warn_once_per_guess`]).
    pub guessed_years: usize,
    /// Papers of the digests kept out because `content/removed.toml` lists
    /// them (removed with `gazette remove`, or their page deleted by hand).
    pub kept_removed: usize,
    /// The pages import wrote, or read and left as they were, parsed: a
    /// build's `load` reuses them rather than parse every page again.
    pub pages: Vec<page::Parsed>,
}

/// What import's result depends on, cheaply: each dump's name, size and
/// modification time, the settings import reads, today's date (the year
/// rules), Gazette's version, and the names of the page files.
fn stamp(root: &Path, config: &Config) -> String {
    let mut h = crate::fingerprint::Fnv::default();
    h.field(env!("CARGO_PKG_VERSION").as_bytes());
    h.field(chrono::Local::now().date_naive().to_string().as_bytes());
    h.field(
        toml::to_string(&config.import)
            .unwrap_or_default()
            .as_bytes(),
    );
    h.field(toml::to_string(&config.tags).unwrap_or_default().as_bytes());
    // The tombstones: an entry taken out by hand brings its paper back.
    h.field(&fs::read(root.join(REMOVED_FILE)).unwrap_or_default());
    for sub in [DIGESTS_DIR, PAPERS_DIR] {
        let mut names: Vec<(String, u64, u128)> = fs::read_dir(root.join(sub))
            .into_iter()
            .flatten()
            .filter_map(std::result::Result::ok)
            .map(|e| {
                let meta = e.metadata().ok();
                let modified = meta
                    .as_ref()
                    .and_then(|m| m.modified().ok())
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                // Pages count by name only: import keeps what is in them.
                let (len, modified) = if sub == DIGESTS_DIR {
                    (meta.map_or(0, |m| m.len()), modified)
                } else {
                    (0, 0)
                };
                (e.file_name().to_string_lossy().into_owned(), len, modified)
            })
            .collect();
        names.sort();
        h.field(sub.as_bytes());
        for (name, len, modified) in names {
            h.field(name.as_bytes());
            h.write(&len.to_le_bytes());
            h.write(&modified.to_le_bytes());
        }
    }
    crate::fingerprint::hex(h.finish())
}

/// Whether nothing import reads changed since the last import that went
/// without errors (so [`import_if_changed`] would skip it).
pub fn up_to_date(root: &Path, config: &Config) -> bool {
    let now = stamp(root, config);
    fs::read_to_string(root.join(IMPORT_STAMP)).is_ok_and(|s| s.trim() == now)
}

/// What builds call: [`import_site`], unless nothing it reads changed since
/// the last import that went without errors. `gazette import` always runs
/// in full.
pub fn import_if_changed(root: &Path, config: &Config) -> Result<ImportReport, Diagnostic> {
    if up_to_date(root, config) {
        return Ok(ImportReport {
            skipped: true,
            ..ImportReport::default()
        });
    }
    let report = import_site(root, config)?;
    if !report
        .diagnostics
        .iter()
        .any(super::diagnostic::Diagnostic::is_error)
    {
        // Best effort: without a stamp the next build imports again.
        let path = root.join(IMPORT_STAMP);
        if let Some(dir) = path.parent()
            && fs::create_dir_all(dir).is_ok()
        {
            let _ = fs::write(&path, format!("{}\n", stamp(root, config)));
        }
    }
    Ok(report)
}

/// What the digests say about one paper: its facts, merged over every dump
/// listing it, and what merging and messages need besides.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestRecord {
    /// The merge key: the title without case, spacing or punctuation.
    pub key: String,
    /// The facts for the page. `digests` lists dump file names in the order
    /// they were read; `tags` stay empty until the merged record is tagged.
    pub facts: Facts,
    /// Whether `facts.date` is the paper's own (not its listing's).
    pub date_explicit: bool,
    /// Where the paper was first seen, for messages.
    pub origin: (String, usize),
}

/// Imports every dump in `<root>/digests/` into `<root>/content/papers/`.
/// Per-file problems are diagnostics and the rest goes on; `Err` only when
/// nothing can be written at all (e.g. content/papers/ not writable).
pub fn import_site(root: &Path, config: &Config) -> Result<ImportReport, Diagnostic> {
    let mut report = ImportReport::default();
    // Before anything is read: without its tombstones, import could bring
    // removed papers back.
    let tombstones = removal::read(root)?;
    let dumps = read_dumps(root, &mut report.diagnostics);
    let today = chrono::Local::now().date_naive();
    let parsed: Vec<DumpRecords> = dumps
        .par_iter()
        .map(|dump| records_of(dump, config, today))
        .collect();
    let mut all = Vec::new();
    let mut guesses = Vec::new();
    for (dump, parsed) in dumps.into_iter().zip(parsed) {
        all.extend(parsed.records);
        report.diagnostics.extend(parsed.diagnostics);
        if let Some((year, warning)) = parsed.year_guess {
            guesses.push((dump.name, year, warning));
        }
        // The records own their text: the dump's bytes go now, not after
        // every page is written (164 MB at 100,000 papers).
    }
    report.guessed_years = guesses.len();
    report
        .diagnostics
        .extend(warn_once_per_guess(root, guesses));
    let (mut records, merged) = merge(all);
    report.diagnostics.extend(merged);
    report.diagnostics.extend(undated_warnings(&records));
    let tagger = Tagger::from_config(&config.tags)?;
    records.par_iter_mut().for_each(|r| {
        r.facts.tags = tagger.tags(&r.facts.title, &r.facts.abstract_);
    });
    write_pages(root, &records, &tombstones, &mut report)?;
    report.diagnostics.sort();
    Ok(report)
}

/// One warning per dump for the papers that end up with no date at all
/// (none of their own, none from a listing), naming the first of them.
fn undated_warnings(records: &[DigestRecord]) -> Vec<Diagnostic> {
    let mut by_dump: Vec<(&str, usize, usize)> = Vec::new();
    for r in records.iter().filter(|r| r.facts.date.is_none()) {
        match by_dump.iter_mut().find(|(file, _, _)| *file == r.origin.0) {
            Some((_, _, count)) => *count += 1,
            None => by_dump.push((&r.origin.0, r.origin.1, 1)),
        }
    }
    by_dump
        .into_iter()
        .map(|(file, line, count)| {
            let what = if count == 1 {
                "this paper has no date and its listing has none: its page is undated".to_string()
            } else {
                format!(
                    "{count} papers, from this line on, have no date and the listing has none: \
                     their pages are undated (a listing date under the header would date them)"
                )
            };
            Diagnostic::warning(file, line, what)
        })
        .collect()
}

/// A dump read from disk.
struct Dump {
    /// `digests/<name>`, as messages name it.
    origin: String,
    name: String,
    bytes: Vec<u8>,
    modified_year: i32,
}

/// Every regular, non-hidden dump (`*.txt`, `*.md`) in digests/, by name. Unreadable
/// ones are reported and skipped.
fn read_dumps(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<Dump> {
    let dir = root.join(DIGESTS_DIR);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            diagnostics.push(Diagnostic::error(
                DIGESTS_DIR,
                0,
                format!("cannot read the digests folder: {e}"),
            ));
            return Vec::new();
        }
    };
    let mut names: Vec<String> = entries
        .filter_map(std::result::Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| DUMP_EXTENSIONS.iter().any(|x| n.ends_with(x)) && !n.starts_with('.'))
        .collect();
    names.sort();
    let mut dumps = Vec::new();
    for name in names {
        let origin = format!("{DIGESTS_DIR}/{name}");
        let path = dir.join(&name);
        let read = fs::metadata(&path).and_then(|meta| {
            if meta.is_dir() {
                return Err(std::io::Error::other("it is a folder, not a file"));
            }
            let modified = meta.modified().map_or_else(
                |_| chrono::Local::now().year(),
                |t| chrono::DateTime::<chrono::Local>::from(t).year(),
            );
            Ok((fs::read(&path)?, modified))
        });
        match read {
            Ok((bytes, modified_year)) => dumps.push(Dump {
                origin,
                name,
                bytes,
                modified_year,
            }),
            Err(e) => diagnostics.push(Diagnostic::error(
                origin,
                0,
                format!("cannot read this dump, skipped: {e}"),
            )),
        }
    }
    dumps
}

/// What one dump gave.
struct DumpRecords {
    records: Vec<DigestRecord>,
    diagnostics: Vec<Diagnostic>,
    /// The year assumed for its year-less dates when that is a guess, and
    /// the warning that says how to set it.
    year_guess: Option<(i32, Diagnostic)>,
}

/// The guessed-year warnings worth printing: each (dump, year) guess is
/// said once, then remembered in [`YEAR_GUESSES`] and kept quiet until the
/// person acts (sets the year, renames the file) or the guess changes. The
/// memory holds exactly the current guesses, so a guess that comes back
/// after being fixed is said again. Best effort: without the file, the
/// warnings are printed again.
fn warn_once_per_guess(root: &Path, guesses: Vec<(String, i32, Diagnostic)>) -> Vec<Diagnostic> {
    let path = root.join(YEAR_GUESSES);
    let said: HashSet<String> = fs::read_to_string(&path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    let mut now = String::new();
    let mut warnings = Vec::new();
    for (name, year, warning) in guesses {
        // A tab cannot be in a file name Gazette reads, nor a newline.
        let line = format!("{name}\t{year}");
        if !said.contains(&line) {
            warnings.push(warning);
        }
        now.push_str(&line);
        now.push('\n');
    }
    let unchanged = fs::read_to_string(&path).is_ok_and(|old| old == now);
    if !unchanged {
        if now.is_empty() {
            let _ = fs::remove_file(&path);
        } else if fs::create_dir_all(root.join(CACHE_DIR)).is_ok() {
            let _ = atomic::write(&path, now.as_bytes());
        }
    }
    warnings
}

/// Parses one dump, resolves its year and turns its entries into records.
fn records_of(dump: &Dump, config: &Config, today: NaiveDate) -> DumpRecords {
    let parsed = digest::parse(&dump.bytes, &dump.origin);
    let mut diagnostics = parsed.diagnostics;
    let resolved = year::resolve(&year::YearInputs {
        file_name: &dump.name,
        origin: &dump.origin,
        configured: config.import.years.get(&dump.name).copied(),
        entries: &parsed.entries,
        today,
        default_year: config.import.default_year,
        modified_year: dump.modified_year,
    });
    // A guessed year matters only to dates printed without one (a trending
    // page prints every year; a file that is not a digest has no dates).
    let year_less = |d: &Option<DumpDate>| d.is_some_and(|d| d.year.is_none());
    let year_guess = resolved.warning.filter(|_| {
        year_less(&parsed.listing_date) || parsed.entries.iter().any(|e| year_less(&e.date))
    });
    let mut bad_dates = Vec::new();
    let mut to_date = |d: DumpDate, line: usize| -> Option<NaiveDate> {
        let y = d.year.unwrap_or(resolved.year);
        let date = NaiveDate::from_ymd_opt(y, d.month, d.day);
        if date.is_none() {
            bad_dates.push(Diagnostic::warning(
                &dump.origin,
                line,
                format!(
                    "{y}-{:02}-{:02} is not a calendar date; ignored",
                    d.month, d.day
                ),
            ));
        }
        date
    };
    // A listing without a date under its header is dated by its file name
    // (`2025-04-28.txt`), when that has one.
    let listing = match parsed.listing_date {
        Some(d) => to_date(d, 0),
        None => year::file_name_date(&dump.name),
    };
    let mut records: Vec<DigestRecord> = Vec::with_capacity(parsed.entries.len());
    for entry in &parsed.entries {
        let own = entry.date.and_then(|d| to_date(d, entry.line));
        let cleaned = digest::clean_abstract(&entry.abstract_raw);
        let code = cleaned
            .links
            .iter()
            .find(|l| l.kind == LinkKind::Code)
            .map(|l| l.url.clone());
        let key = title_key(&entry.title);
        if key.is_empty() {
            diagnostics.push(Diagnostic::warning(
                &dump.origin,
                entry.line,
                "an entry whose title has no letters or digits; skipped",
            ));
            continue;
        }
        let (authors, organization) = match &entry.who {
            Some(Who::Authors(n)) => (Some(*n), None),
            Some(Who::Organization { name, .. }) => (None, Some(name.clone())),
            None => (None, None),
        };
        // The paper's place among the dump's papers, as its listing page shows it.
        let position = u32::try_from(records.len() + 1).ok();
        records.push(DigestRecord {
            key,
            facts: Facts {
                // The key stays the raw title's: pages imported before a
                // cleaning rule existed are still found by it.
                title: digest::clean_title(entry.title.trim()),
                arxiv: entry.arxiv.clone(),
                date: own.or(listing),
                authors,
                organization,
                upvotes: entry.upvotes,
                tags: Vec::new(),
                code,
                links: cleaned.links.into_iter().map(|l| l.url).collect(),
                digests: vec![dump.name.clone()],
                abstract_: cleaned.text,
                listed: vec![Listed {
                    digest: dump.name.clone(),
                    date: listing,
                    position,
                    upvotes: entry.upvotes,
                }],
            },
            date_explicit: own.is_some(),
            origin: (dump.origin.clone(), entry.line),
        });
    }
    diagnostics.extend(bad_dates);
    DumpRecords {
        records,
        diagnostics,
        year_guess: year_guess.map(|w| (resolved.year, w)),
    }
}

/// Merges records of the same paper, in order of first appearance: the
/// same arXiv id, or, when one of them has none, the same title key (two
/// records with the same title and different arXiv ids are two papers). The
/// merged record keeps the richest facts: an explicit date over an inferred
/// one (and of inferred ones, the earliest listing's), the highest upvote
/// count, the longest abstract, every link and dump, and how each dump
/// listed it (the first time, when a dump lists it twice). Entries with the
/// same title whose abstracts share few words are merged all the same (the
/// title is the paper's identity in a dump) but reported at both places,
/// since they may be two papers.
pub fn merge(records: Vec<DigestRecord>) -> (Vec<DigestRecord>, Vec<Diagnostic>) {
    let mut merged: Vec<DigestRecord> = Vec::new();
    let mut diagnostics = Vec::new();
    // Per merged record, the abstracts of its entries until now (for the
    // few records seen more than once).
    let mut abstracts: FxHashMap<usize, Vec<String>> = FxHashMap::default();
    let mut by_arxiv: FxHashMap<String, usize> = FxHashMap::default();
    // Title key → the records with that title, in order.
    let mut by_key: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for r in records {
        let arxiv = r.facts.arxiv.clone();
        let same_arxiv = arxiv.as_ref().and_then(|a| by_arxiv.get(a)).copied();
        let same_title = || {
            by_key.get(&r.key).and_then(|found| {
                found.iter().copied().find(|&i| {
                    let theirs = &merged[i].facts.arxiv;
                    arxiv.is_none() || theirs.is_none() || *theirs == arxiv
                })
            })
        };
        let Some(i) = same_arxiv.or_else(same_title) else {
            if let Some(a) = arxiv {
                by_arxiv.insert(a, merged.len());
            }
            by_key.entry(r.key.clone()).or_default().push(merged.len());
            merged.push(r);
            continue;
        };
        if merged[i].facts.arxiv.is_none()
            && let Some(a) = arxiv
        {
            by_arxiv.insert(a.clone(), i);
            merged[i].facts.arxiv = Some(a);
        }
        let m = &mut merged[i];
        let seen = abstracts
            .entry(i)
            .or_insert_with(|| vec![m.facts.abstract_.clone()]);
        // An arXiv id says it is one paper; a title alone may be wrong.
        let by_title = same_arxiv.is_none();
        if by_title && seen.iter().all(|a| abstracts_differ(a, &r.facts.abstract_)) {
            diagnostics.push(Diagnostic::warning(
                &r.origin.0,
                r.origin.1,
                format!(
                    "merged with the entry of the same title at {}:{}, though their \
                     abstracts differ (the page keeps the longer one): check that the \
                     page is about one paper",
                    m.origin.0, m.origin.1
                ),
            ));
        }
        seen.push(r.facts.abstract_.clone());
        // A paper's own date wins; without one it is the earliest listing's.
        let better_date = match (m.facts.date, r.facts.date) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(old), Some(new)) => !m.date_explicit && (r.date_explicit || new < old),
        };
        if better_date {
            m.facts.date = r.facts.date;
            m.date_explicit = r.date_explicit;
        }
        let (m, r) = (&mut m.facts, r.facts);
        m.upvotes = m.upvotes.max(r.upvotes);
        if r.abstract_.chars().count() > m.abstract_.chars().count() {
            m.abstract_ = r.abstract_;
        }
        // Who wrote it: the first dump that says.
        if m.authors.is_none() && m.organization.is_none() {
            m.authors = r.authors;
            m.organization = r.organization;
        }
        if m.code.is_none() {
            m.code = r.code;
        }
        for link in r.links {
            if !m.links.contains(&link) {
                m.links.push(link);
            }
        }
        for d in r.digests {
            if !m.digests.contains(&d) {
                m.digests.push(d);
            }
        }
        for l in r.listed {
            if !m.listed.iter().any(|seen| seen.digest == l.digest) {
                m.listed.push(l);
            }
        }
    }
    (merged, diagnostics)
}

/// Whether two abstracts of one title look like two papers: fewer than
/// half the words of the shorter appear in the longer. A dump that cut an
/// abstract short, or fixed a typo, is the same paper.
fn abstracts_differ(a: &str, b: &str) -> bool {
    let words = |s: &str| -> HashSet<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return false;
    }
    let shared = short.iter().filter(|w| long.contains(*w)).count();
    shared * 2 < short.len()
}

/// An imported page found in content/papers/.
#[derive(Clone)]
struct ImportedPage {
    path: PathBuf,
    /// `[imported] hash`: the facts as last imported.
    hash: Option<String>,
    /// The arXiv id it has (`None` too when the person edited it: then it
    /// does not tell papers apart).
    arxiv: Option<String>,
    /// Rewrite the page even if the facts are as last imported: its
    /// `[imported] key` is the legacy one, or fields of the person's sit
    /// under `[imported]`.
    rewrite: bool,
}

/// A page already in content/papers/.
struct Existing {
    /// Imported pages by key (see [`current_key`]; several papers may
    /// share a title and differ by arXiv id), in file name order.
    by_key: FxHashMap<String, Vec<ImportedPage>>,
    /// Imported pages by their `arxiv` id.
    by_arxiv: FxHashMap<String, ImportedPage>,
    /// Title keys of pages written by hand (no `[imported]`): left alone.
    hand_written: FxHashSet<String>,
    /// arXiv ids of pages written by hand: left alone too.
    hand_written_arxiv: FxHashSet<String>,
    /// Keys of pages whose front matter does not parse, recovered from
    /// their text: reported, never replaced by a second page.
    broken: FxHashSet<String>,
    /// File stems of broken pages whose key cannot be recovered: a paper
    /// that would get that file name is held back rather than duplicated.
    broken_stems: FxHashSet<String>,
    /// File stems of every page, readable or not: taken slugs.
    stems: FxHashSet<String>,
    /// Every page that parsed, for `load` (see [`ImportReport::pages`]).
    parsed: Vec<page::Parsed>,
}

impl Existing {
    /// The imported page of a record: the one with its arXiv id, else one
    /// with its title key whose arXiv id does not say it is another paper,
    /// and that no other record of this import has taken.
    fn page_of(&self, r: &DigestRecord, taken: &FxHashSet<PathBuf>) -> Option<&ImportedPage> {
        let arxiv = &r.facts.arxiv;
        let free = |page: &&ImportedPage| !taken.contains(&page.path);
        if let Some(page) = arxiv
            .as_ref()
            .and_then(|a| self.by_arxiv.get(a))
            .filter(free)
        {
            return Some(page);
        }
        self.by_key
            .get(&r.key)?
            .iter()
            .filter(free)
            .find(|page| arxiv.is_none() || page.arxiv.is_none() || page.arxiv == *arxiv)
    }
}

/// A page file as import reads it: parsed, or why not and which paper it
/// seems to be about; and the line of its `[imported] key`.
struct Scanned {
    path: PathBuf,
    /// Of the bytes read ([`crate::fingerprint::content`]).
    fingerprint: u64,
    page: Result<page::PageFile, (Diagnostic, Option<String>)>,
    key_line: usize,
    /// Lines under `[imported]` set keys that are not import's.
    strays: bool,
}

fn scan_pages(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Existing {
    let mut files: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(std::result::Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    let read: Vec<Scanned> = files
        .into_par_iter()
        .map(|path| {
            let origin = page_origin(&path);
            let mut fingerprint = 0;
            let (page, key_line, strays) = match fs::read(&path) {
                Err(e) => (
                    Err((
                        Diagnostic::error(&origin, 0, format!("cannot read: {e}")),
                        None,
                    )),
                    0,
                    false,
                ),
                Ok(bytes) => {
                    fingerprint = crate::fingerprint::content(&bytes);
                    let text = String::from_utf8_lossy(&bytes);
                    let scan = scan_lines(&text);
                    let page = match std::str::from_utf8(&bytes) {
                        Err(_) => Err(Diagnostic::error(&origin, 0, "not valid UTF-8")),
                        Ok(text) => page::read(text, &origin),
                    }
                    .map_err(|e| (e, scan.paper_key()));
                    (page, scan.key.map_or(0, |(_, line)| line), scan.strays)
                }
            };
            Scanned {
                path,
                fingerprint,
                page,
                key_line,
                strays,
            }
        })
        .collect();
    let mut existing = Existing {
        by_key: FxHashMap::default(),
        by_arxiv: FxHashMap::default(),
        hand_written: FxHashSet::default(),
        hand_written_arxiv: FxHashSet::default(),
        broken: FxHashSet::default(),
        broken_stems: FxHashSet::default(),
        stems: FxHashSet::default(),
        parsed: Vec::new(),
    };
    for Scanned {
        path,
        fingerprint,
        page,
        key_line,
        strays,
    } in read
    {
        if let Some(stem) = path.file_stem() {
            existing.stems.insert(stem.to_string_lossy().into_owned());
        }
        // Kept whole for `load`, and read here in place.
        let page = match page {
            Ok(page) => {
                let name = path.file_name().unwrap_or_default();
                existing.parsed.push(page::Parsed {
                    path: Path::new(PAPERS_DIR).join(name),
                    fingerprint,
                    page,
                });
                Ok(&existing.parsed[existing.parsed.len() - 1].page)
            }
            Err(e) => Err(e),
        };
        match page {
            Ok(page) => match page.front.imported_key_and_hash() {
                Some((stored, hash)) => {
                    let key = current_key(&stored, &page.front.facts.title);
                    let arxiv = page.front.facts.arxiv.clone();
                    let edited = page.front.is_edited("arxiv");
                    let entry = ImportedPage {
                        path,
                        hash,
                        arxiv: arxiv.filter(|_| !edited),
                        rewrite: key != stored || strays,
                    };
                    // One paper in two files: the same arXiv id, or the same
                    // key and no id on either.
                    let first = match &entry.arxiv {
                        Some(a) => existing.by_arxiv.get(a),
                        None => (existing.by_key.get(&key))
                            .and_then(|pages| pages.iter().find(|p| p.arxiv.is_none())),
                    };
                    if let Some(first) = first {
                        let first = page_origin(&first.path);
                        diagnostics.push(Diagnostic::warning(
                            page_origin(&entry.path),
                            key_line,
                            format!(
                                "this page and {first} are about one paper (the same \
                                 `[imported] key`), which the site would publish twice; \
                                 import updates only {first} (the first by name). Delete \
                                 one, or remove `[imported]` from the one you keep as a \
                                 page of your own"
                            ),
                        ));
                        continue;
                    }
                    if let Some(a) = &entry.arxiv {
                        existing.by_arxiv.insert(a.clone(), entry.clone());
                    }
                    existing.by_key.entry(key).or_default().push(entry);
                }
                None => {
                    existing
                        .hand_written
                        .insert(title_key(&page.front.facts.title));
                    existing
                        .hand_written_arxiv
                        .extend(page.front.facts.arxiv.clone());
                }
            },
            Err((e, key)) => {
                match key {
                    Some(key) => existing.broken.insert(key),
                    None => existing.broken_stems.insert(
                        path.file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                    ),
                };
                diagnostics.push(Diagnostic::error(
                    e.file,
                    e.line,
                    format!("{}; this page was left untouched", e.message),
                ));
            }
        }
    }
    existing
}

/// What a line-by-line reading of a page's front matter finds, whether or
/// not it parses: the `[imported] key` with its line, and the `title`.
#[derive(Default)]
struct Lines {
    key: Option<(String, usize)>,
    title: Option<String>,
    /// A line under `[imported]` sets a key that is not import's.
    strays: bool,
}

impl Lines {
    /// Which paper a page whose front matter does not parse is about: its
    /// key, else the key of its title. Lets import leave the page alone
    /// without making a second one for the paper, whatever the file is called.
    fn paper_key(&self) -> Option<String> {
        match (&self.key, &self.title) {
            (Some((key, _)), Some(title)) => Some(current_key(key, title)),
            (Some((key, _)), None) => Some(key.clone()),
            (None, Some(title)) => Some(title_key(title)).filter(|t| !t.is_empty()),
            (None, None) => None,
        }
    }
}

fn scan_lines(text: &str) -> Lines {
    let string_of = |line: &str, name: &str| -> Option<String> {
        let rest = line
            .trim()
            .strip_prefix(name)?
            .trim_start()
            .strip_prefix('=')?;
        let value: toml::Value = toml::from_str(&format!("v = {}", rest.trim())).ok()?;
        value.get("v")?.as_str().map(str::to_string)
    };
    let mut found = Lines::default();
    let mut in_imported = false;
    for (i, line) in text.lines().enumerate().skip(1) {
        let trimmed = line.trim();
        if trimmed == page::DELIMITER {
            break;
        }
        if trimmed.starts_with('[') {
            in_imported = trimmed == format!("[{}]", page::IMPORTED);
            continue;
        }
        if in_imported {
            if found.key.is_none() {
                found.key = string_of(trimmed, "key").map(|key| (key, i + 1));
            }
            let name = trimmed.split('=').next().unwrap_or("").trim();
            found.strays |= trimmed.contains('=')
                && !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                && !page::IMPORTED_KEYS.contains(&name);
        } else if found.title.is_none() {
            found.title = string_of(trimmed, "title");
        }
    }
    found
}

fn page_origin(path: &Path) -> String {
    match path.file_name() {
        Some(name) => format!("{PAPERS_DIR}/{}", name.to_string_lossy()),
        None => path.display().to_string(),
    }
}

/// What to do with the page of one record.
enum PageAction {
    Create(PathBuf),
    Update(PathBuf),
    Unchanged,
    /// Removed: listed in `content/removed.toml`.
    KeptOut,
}

/// Whether a paper known by `key` and `arxiv` is the record's paper, as
/// merging decides: the same arXiv id, or the same key when one of them
/// has no id.
fn same_paper(key: &str, arxiv: Option<&str>, r: &DigestRecord) -> bool {
    same_ids((key, arxiv), (&r.key, r.facts.arxiv.as_deref()))
}

fn same_ids(a: (&str, Option<&str>), b: (&str, Option<&str>)) -> bool {
    match (a.1, b.1) {
        (Some(x), Some(y)) => x == y,
        _ => a.0 == b.0,
    }
}

/// A paper that had a page after the last import: (key, arXiv id, the
/// page's file stem). One that had and has none now was deleted by hand.
type HadPage = (String, Option<String>, String);

fn read_imported_pages(root: &Path) -> Vec<HadPage> {
    fs::read_to_string(root.join(IMPORTED_PAGES))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let mut parts = l.split('\t');
            let (key, arxiv, stem) = (parts.next()?, parts.next()?, parts.next()?);
            let arxiv = (!arxiv.is_empty()).then(|| arxiv.to_string());
            Some((key.to_string(), arxiv, stem.to_string()))
        })
        .collect()
}

/// The stem of the page the record's paper had, if it had one.
fn had_page_of<'a>(had: &'a [HadPage], r: &DigestRecord) -> Option<&'a str> {
    had.iter()
        .find(|(key, arxiv, _)| same_paper(key, arxiv.as_deref(), r))
        .map(|(_, _, stem)| stem.as_str())
}

/// Forgets that the paper known by `key` and `arxiv` had a page, for
/// `gazette remove`: its page is gone on purpose, so an undo before the
/// next import must not take it for deleted by hand.
pub fn forget_page(root: &Path, key: &str, arxiv: Option<&str>) {
    if !root.join(IMPORTED_PAGES).exists() {
        return;
    }
    let mut had = read_imported_pages(root);
    had.retain(|(k, a, _)| !same_ids((k, a.as_deref()), (key, arxiv)));
    write_imported_pages(root, &had);
}

/// Best effort, like the stamp: without it a page deleted by hand before
/// the next import comes back (as in a fresh clone).
fn write_imported_pages(root: &Path, pages: &[HadPage]) {
    let mut text = String::new();
    for (key, arxiv, stem) in pages {
        let arxiv = arxiv.as_deref().unwrap_or("");
        text.push_str(&format!("{key}\t{arxiv}\t{stem}\n"));
    }
    if fs::read_to_string(root.join(IMPORTED_PAGES)).is_ok_and(|old| old == text) {
        return;
    }
    if fs::create_dir_all(root.join(CACHE_DIR)).is_ok() {
        let _ = atomic::write(&root.join(IMPORTED_PAGES), text.as_bytes());
    }
}

fn write_pages(
    root: &Path,
    records: &[DigestRecord],
    tombstones: &[removal::Tombstone],
    report: &mut ImportReport,
) -> Result<(), Diagnostic> {
    let dir = root.join(PAPERS_DIR);
    if !records.is_empty() {
        fs::create_dir_all(&dir).map_err(|e| {
            Diagnostic::error(
                PAPERS_DIR,
                0,
                format!("cannot create the pages folder: {e}"),
            )
        })?;
    }
    remove_stale_temporaries(&dir, &mut report.diagnostics);
    let mut existing = scan_pages(&dir, &mut report.diagnostics);
    let had_page = read_imported_pages(root);
    let removed = |r: &DigestRecord| {
        tombstones
            .iter()
            .any(|t| same_paper(&t.key, t.arxiv.as_deref(), r))
    };
    // A page folder emptied by hand is a wish to import afresh, not to
    // remove every paper.
    let emptied = existing.stems.is_empty();
    let mut deleted_by_hand = Vec::new();

    // Slugs are handed out in order of first appearance, so they are
    // deterministic; an existing page keeps its file whatever its title.
    let mut actions = Vec::with_capacity(records.len());
    let mut taken = FxHashSet::default();
    for r in records {
        let page = existing.page_of(r, &taken);
        if let Some(page) = page {
            taken.insert(page.path.clone());
        }
        let action = match page {
            Some(page) if removed(r) => {
                report.diagnostics.push(Diagnostic::warning(
                    page_origin(&page.path),
                    0,
                    format!(
                        "this paper is listed in {REMOVED_FILE}, so import leaves its page alone; \
                         delete the page to remove it, or its entry there to have it imported"
                    ),
                ));
                PageAction::Unchanged
            }
            None if removed(r) => PageAction::KeptOut,
            Some(page)
                if !page.rewrite && page.hash.as_deref() == Some(r.facts.hash().as_str()) =>
            {
                PageAction::Unchanged
            }
            Some(page) => PageAction::Update(page.path.clone()),
            None if existing.hand_written.contains(&r.key) => PageAction::Unchanged,
            None if r
                .facts
                .arxiv
                .as_ref()
                .is_some_and(|a| existing.hand_written_arxiv.contains(a)) =>
            {
                PageAction::Unchanged
            }
            // A page of this paper whose front matter is broken: it is
            // reported (by `scan_pages`), not replaced by a second page.
            None if existing.broken.contains(&r.key) => PageAction::Unchanged,
            None if existing.broken_stems.contains(&base_slug(&r.facts.title)) => {
                PageAction::Unchanged
            }
            // Only now: a page that is broken or taken over by hand is
            // still there, not deleted.
            None if !emptied && had_page_of(&had_page, r).is_some() => {
                let stem = had_page_of(&had_page, r).unwrap_or_default();
                deleted_by_hand.push(removal::Tombstone {
                    slug: stem.to_string(),
                    title: r.facts.title.clone(),
                    key: r.key.clone(),
                    arxiv: r.facts.arxiv.clone(),
                    digests: r.facts.digests.clone(),
                });
                report.diagnostics.push(Diagnostic::warning(
                    format!("{PAPERS_DIR}/{stem}.md"),
                    0,
                    format!(
                        "was deleted, so the paper is now listed in {REMOVED_FILE} and import \
                         keeps it out (as `gazette remove {stem}` would); to have it back, run \
                         `gazette remove --undo {stem}`"
                    ),
                ));
                PageAction::KeptOut
            }
            None => {
                let slug = unique_slug(&r.facts.title, &existing.stems);
                existing.stems.insert(slug.clone());
                PageAction::Create(dir.join(format!("{slug}.md")))
            }
        };
        actions.push(action);
    }
    for tombstone in &deleted_by_hand {
        removal::record(root, tombstone)?;
    }

    enum Done {
        Added(Box<page::Parsed>),
        Updated(usize, PathBuf),
        Unchanged(usize),
        KeptOut,
    }
    let results: Vec<Result<(Done, Vec<Diagnostic>), Diagnostic>> = actions
        .par_iter()
        .zip(records.par_iter())
        .map(|(action, r)| match action {
            PageAction::Unchanged => Ok((Done::Unchanged(0), Vec::new())),
            PageAction::KeptOut => Ok((Done::KeptOut, Vec::new())),
            PageAction::Create(path) => {
                let (text, page) = page::created(&r.key, &r.facts);
                write_page(path, &text)?;
                let name = path.file_name().unwrap_or_default();
                let parsed = page::Parsed {
                    path: Path::new(PAPERS_DIR).join(name),
                    fingerprint: crate::fingerprint::content(text.as_bytes()),
                    page,
                };
                Ok((Done::Added(Box::new(parsed)), Vec::new()))
            }
            PageAction::Update(path) => {
                let origin = page_origin(path);
                let text = fs::read_to_string(path)
                    .map_err(|e| Diagnostic::error(&origin, 0, format!("cannot read: {e}")))?;
                let updated = page::update_page(&text, &origin, &r.key, &r.facts)?;
                let notes: Vec<Diagnostic> = updated
                    .kept
                    .iter()
                    .map(|(key, line)| {
                        Diagnostic::warning(
                            &origin,
                            *line,
                            format!(
                                "kept your edit of `{key}` over the digests' value \
                                 (remove \"{key}\" from `[imported] edited` to take theirs)"
                            ),
                        )
                    })
                    .collect();
                let kept = usize::from(!notes.is_empty());
                let mut notes = notes;
                notes.extend(updated.moved.iter().map(|(key, line)| {
                    Diagnostic::warning(
                        &origin,
                        *line,
                        format!(
                            "moved your `{key}` up out of `[imported]`: TOML files every \
                             line below `[imported]` under it, where templates never see it \
                             (add fields above `[imported]`)"
                        ),
                    )
                }));
                notes.extend(updated.stranded.iter().map(|(key, line)| {
                    Diagnostic::warning(
                        &origin,
                        *line,
                        format!(
                            "`{key}` below `[imported]` is filed under it by TOML and read by \
                             nothing, and the front matter already has a `{key}`: move or \
                             delete this line"
                        ),
                    )
                }));
                if updated.text == text {
                    Ok((Done::Unchanged(kept), notes))
                } else {
                    write_page(path, &updated.text)?;
                    Ok((Done::Updated(kept, path.clone()), notes))
                }
            }
        })
        .collect();
    let written: Vec<bool> = results.iter().map(Result::is_ok).collect();
    let mut rewritten = FxHashSet::default();
    for result in results {
        match result {
            Ok((done, notes)) => {
                match done {
                    Done::Added(parsed) => {
                        report.added += 1;
                        report.pages.push(*parsed);
                    }
                    Done::Updated(kept, path) => {
                        report.updated += 1;
                        report.kept_edits += kept;
                        rewritten.insert(path);
                    }
                    Done::Unchanged(kept) => {
                        report.unchanged += 1;
                        report.kept_edits += kept;
                    }
                    Done::KeptOut => report.kept_removed += 1,
                }
                report.diagnostics.extend(notes);
            }
            Err(e) => report.diagnostics.push(e),
        }
    }
    // Which papers have a page now; a page that could not be written is
    // not one, or the next import would take it for deleted by hand.
    let mut with_pages: Vec<HadPage> = Vec::new();
    for ((action, r), written) in actions.iter().zip(records).zip(&written) {
        let path = match action {
            PageAction::Create(path) | PageAction::Update(path) => Some(path),
            PageAction::Unchanged => existing.page_of(r, &FxHashSet::default()).map(|p| &p.path),
            PageAction::KeptOut => None,
        };
        let exists = *written || !matches!(action, PageAction::Create(_));
        if let Some(stem) = path.filter(|_| exists).and_then(|p| p.file_stem()) {
            with_pages.push((
                r.key.clone(),
                r.facts.arxiv.clone(),
                stem.to_string_lossy().into_owned(),
            ));
        }
    }
    write_imported_pages(root, &with_pages);
    // What import read stands for the pages it did not rewrite.
    let read = std::mem::take(&mut existing.parsed);
    report.pages.extend(
        read.into_iter()
            .filter(|p| !rewritten.contains(&root.join(&p.path))),
    );
    Ok(())
}

/// Removes the temporary files of page writes a killed import left
/// (`.gazette-XXXXXX`; the caller holds the site's lock, so no other
/// import is writing one now).
fn remove_stale_temporaries(dir: &Path, diagnostics: &mut Vec<Diagnostic>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !atomic::is_temp_name(&name.to_string_lossy()) {
            continue;
        }
        if let Err(e) = fs::remove_file(entry.path()) {
            diagnostics.push(Diagnostic::warning(
                format!("{PAPERS_DIR}/{}", name.to_string_lossy()),
                0,
                format!("cannot remove a temporary file a stopped import left: {e}"),
            ));
        }
    }
}

/// Writes a page atomically: a page is never half-written, whatever happens.
fn write_page(path: &Path, text: &str) -> Result<(), Diagnostic> {
    atomic::write(path, text.as_bytes())
        .map_err(|e| Diagnostic::error(page_origin(path), 0, format!("cannot write: {e}")))
}

/// The slug a title gets before collisions: the `slug` crate's, at most
/// [`MAX_SLUG`] bytes, cut at a word boundary.
pub fn base_slug(title: &str) -> String {
    let slug = slug::slugify(title);
    let slug = if slug.is_empty() {
        "paper".to_string()
    } else {
        slug
    };
    truncate_slug(&slug, MAX_SLUG)
}

fn truncate_slug(slug: &str, max: usize) -> String {
    if slug.len() <= max {
        return slug.to_string();
    }
    let cut = &slug[..max];
    match cut.rfind('-') {
        Some(i) if i > 0 => cut[..i].to_string(),
        _ => cut.to_string(),
    }
}

/// `base`, or `base-2`, `base-3`, ... whichever is free first.
pub fn unique_slug(title: &str, taken: &FxHashSet<String>) -> String {
    let base = base_slug(title);
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|n| {
            let suffix = format!("-{n}");
            format!("{}{suffix}", truncate_slug(&base, MAX_SLUG - suffix.len()))
        })
        .find(|s| !taken.contains(s))
        .expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(title: &str, digest: &str) -> DigestRecord {
        DigestRecord {
            key: title_key(title),
            facts: Facts {
                title: title.to_string(),
                digests: vec![digest.to_string()],
                ..Facts::default()
            },
            date_explicit: false,
            origin: (digest.to_string(), 1),
        }
    }

    #[test]
    fn an_arxiv_id_is_a_stronger_key_than_the_title() {
        let with = |title: &str, digest: &str, arxiv: Option<&str>| {
            let mut r = record(title, digest);
            r.facts.arxiv = arxiv.map(String::from);
            r
        };
        let (merged, _) = merge(vec![
            with("Paper X", "a.txt", None),
            with("Paper X", "b.md", Some("2601.00001")),
            // A retitled version of the same paper: the id says it is one.
            with("Paper X: Extended", "c.md", Some("2601.00001")),
            // The same title and another id: another paper.
            with("paper x", "d.md", Some("2601.00002")),
            // No id: the title decides, and the first such paper takes it.
            with("PAPER X", "e.txt", None),
        ]);
        let got: Vec<(&str, Option<&str>, Vec<&str>)> = merged
            .iter()
            .map(|r| {
                (
                    r.facts.title.as_str(),
                    r.facts.arxiv.as_deref(),
                    r.facts.digests.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Paper X",
                    Some("2601.00001"),
                    vec!["a.txt", "b.md", "c.md", "e.txt"]
                ),
                ("paper x", Some("2601.00002"), vec!["d.md"]),
            ]
        );
    }

    #[test]
    fn merging_keeps_the_richest_facts_and_every_dump() {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day);
        let mut a = record("Paper X", "a.txt");
        a.facts.date = d(4, 28);
        a.facts.upvotes = Some(3);
        a.facts.abstract_ = "short".to_string();
        let mut b = record("paper x.", "b.txt");
        b.facts.date = d(4, 20);
        b.date_explicit = true;
        b.facts.upvotes = Some(9);
        b.facts.abstract_ = "a longer abstract".to_string();
        b.facts.code = Some("https://github.com/a/b".to_string());
        b.facts.organization = Some("Kyutai".to_string());
        let mut c = record("PAPER X", "c.txt");
        c.facts.date = d(5, 1);
        c.facts.upvotes = None;
        c.facts.authors = Some(6);
        let (merged, _) = merge(vec![a, record("Other", "a.txt"), b, c]);
        assert_eq!(merged.len(), 2);
        let x = &merged[0].facts;
        assert_eq!(x.title, "Paper X", "first title seen");
        assert_eq!(x.date, d(4, 20), "explicit date over inferred ones");
        assert!(merged[0].date_explicit);
        assert_eq!(x.upvotes, Some(9));
        assert_eq!(x.abstract_, "a longer abstract");
        assert_eq!(x.code.as_deref(), Some("https://github.com/a/b"));
        assert_eq!(x.digests, ["a.txt", "b.txt", "c.txt"]);
        assert_eq!(
            (x.authors, x.organization.as_deref()),
            (None, Some("Kyutai")),
            "who wrote it: the first dump that says, never a mix"
        );
    }

    #[test]
    fn a_paper_without_a_date_of_its_own_takes_its_earliest_listing_date() {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day);
        let listed = |digest: &str, date, position| Listed {
            digest: digest.into(),
            date,
            position: Some(position),
            upvotes: None,
        };
        // Listed on Apr 28 in the dump first by file name, and on Mar 11 later.
        let mut apr = record("Paper X", "000.txt");
        apr.facts.date = d(4, 28);
        apr.facts.listed = vec![listed("000.txt", d(4, 28), 7)];
        let mut mar = record("Paper X", "001.txt");
        mar.facts.date = d(3, 11);
        mar.facts.listed = vec![listed("001.txt", d(3, 11), 2)];
        let (merged, _) = merge(vec![apr.clone(), mar.clone()]);
        assert_eq!(merged[0].facts.date, d(3, 11), "the earliest listing");
        assert_eq!(
            merged[0].facts.listed,
            [
                listed("000.txt", d(4, 28), 7),
                listed("001.txt", d(3, 11), 2)
            ],
            "every listing, in the order the dumps were read"
        );
        // A date the paper states itself still wins over any listing's.
        let mut own = record("Paper X", "002.txt");
        own.facts.date = d(5, 2);
        own.date_explicit = true;
        assert_eq!(merge(vec![apr, mar, own]).0.remove(0).facts.date, d(5, 2));
    }

    #[test]
    fn slugs_are_short_and_unique() {
        let long = "A ".repeat(10) + &"Verylongword ".repeat(20);
        let slug = base_slug(&long);
        assert!(slug.len() <= MAX_SLUG && !slug.ends_with('-'), "{slug}");
        let mut taken = FxHashSet::default();
        taken.insert(base_slug("Same Title"));
        assert_eq!(unique_slug("Same Title", &taken), "same-title-2");
        taken.insert("same-title-2".to_string());
        assert_eq!(unique_slug("Same title!", &taken), "same-title-3");
        taken.insert(slug.clone());
        let second = unique_slug(&long, &taken);
        assert!(
            second.ends_with("-2") && second.len() <= MAX_SLUG,
            "{second}"
        );
        assert_eq!(base_slug("!!!"), "paper");
    }
}
