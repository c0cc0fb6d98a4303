//! `content/` → [`Site`]: read every page, build the indexes.
//!
//! Pages are read in parallel. Parsed pages are cached by path and content
//! fingerprint, so a rebuild after one edit parses one file; the cache can
//! be seeded with the pages import just read or wrote ([`LoadCache::seed`]),
//! so a build parses each page once.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Datelike;
use rayon::prelude::*;
use serde::Deserialize;

use super::{FreePage, Indexes, Paper, Site, listings, related, urls};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::fingerprint;
use crate::layout::{CONTENT_DIR, PAPERS_DIR};
use crate::page;
use crate::trace;

/// What loading kept between runs: parsed pages keyed by path, valid while
/// the file's fingerprint is the same.
#[derive(Default)]
pub struct LoadCache {
    papers: HashMap<PathBuf, Paper>,
    pages: HashMap<PathBuf, FreePage>,
    /// The cache holds the whole of `content/` as of the last good load.
    complete: bool,
    /// How long the last load spent finding related papers; `None` when it
    /// reused the previous lists (no title, abstract or tag changed).
    related_time: Option<Duration>,
    /// Keep nothing after a load (`gazette build` loads once).
    once: bool,
    /// The last load changed the notes of some papers and nothing else.
    notes_only: bool,
}

impl LoadCache {
    /// A cache for a single load, seeded with `pages` (see [`Self::seed`]);
    /// it keeps nothing afterwards, saving a copy of every page.
    pub fn once(pages: Vec<page::Parsed>) -> LoadCache {
        let mut cache = LoadCache {
            once: true,
            ..LoadCache::default()
        };
        cache.seed(pages);
        cache
    }

    /// Takes the pages import read or wrote, parsed: the next load uses
    /// each one whose file still has the same fingerprint instead of
    /// parsing the file (a page edited since is read as usual).
    pub fn seed(&mut self, pages: Vec<page::Parsed>) {
        self.complete = false;
        for parsed in pages {
            if let Some(PageKind::Paper) = page_kind(&parsed.path)
                && let Some(paper) =
                    paper_from_parsed(parsed.page, &parsed.path, parsed.fingerprint)
            {
                self.papers.insert(parsed.path, paper);
            }
        }
    }

    /// How long the last load spent finding related papers, or `None` when
    /// it reused the lists of the load before (an edit to notes only).
    pub fn related_time(&self) -> Option<Duration> {
        self.related_time
    }

    /// Whether the last load found only the notes of some papers changed
    /// since the load before: every other field of every page, and so
    /// every index, is as it was.
    pub fn notes_only(&self) -> bool {
        self.notes_only
    }
}

/// Like [`load`], but when the cache is complete and every changed path is
/// a page file, only those files are read again: what `serve` does after a
/// save, so an edit costs one file read, not one per page. Anything else
/// (a folder event, a file outside the page folders) loads everything.
pub fn reload(
    root: &Path,
    config: Config,
    cache: &mut LoadCache,
    changed: &[PathBuf],
    previous: Option<Site>,
) -> Result<Site, Vec<Diagnostic>> {
    let rels: Option<Vec<PathBuf>> = changed
        .iter()
        .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
        .filter(|rel| rel.starts_with(CONTENT_DIR))
        .map(|rel| page_kind(&rel).map(|_| rel))
        .collect();
    cache.notes_only = false;
    let Some(rels) = rels.filter(|_| cache.complete) else {
        return load(root, config, cache);
    };
    let t = Instant::now();
    let mut errors = Vec::new();
    let touched: Vec<PathBuf> = rels.clone();
    // What each touched page said before, to tell a notes edit from one
    // that moves related papers.
    let before: Vec<Option<Paper>> = touched
        .iter()
        .map(|rel| cache.papers.get(rel).cloned())
        .collect();
    for rel in rels {
        let bytes = match fs::read(root.join(&rel)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                cache.papers.remove(&rel);
                cache.pages.remove(&rel);
                continue;
            }
            Err(e) => {
                errors.push(Diagnostic::error(
                    rel.display().to_string(),
                    0,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        let fp = fingerprint::content(&bytes);
        let result = match page_kind(&rel) {
            Some(PageKind::Paper) => paper_from(&rel, &bytes, fp).map(|p| {
                cache.papers.insert(rel.clone(), p);
            }),
            _ => free_page_from(&rel, &bytes, fp).map(|p| {
                cache.pages.insert(rel.clone(), p);
            }),
        };
        if let Err(e) = result {
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        // The cache now holds a page that did not load: start over next time.
        cache.complete = false;
        return Err(errors);
    }
    // The related lists stand while every touched paper is still there with
    // the same slug, title, abstract and tags (and the settings are the same).
    let same_text =
        touched
            .iter()
            .zip(&before)
            .all(|(rel, old)| match (old, cache.papers.get(rel)) {
                (Some(old), Some(new)) => old.same_text(new),
                (None, None) => true,
                _ => false,
            });
    let t = trace::mark("read", t);
    let mut previous = previous;
    if let Some(site) = previous.as_mut()
        && notes_only(site, &config, &cache.papers, &touched, &before)
    {
        trace::mark("swap notes", t);
        cache.related_time = None;
        cache.notes_only = true;
        return Ok(previous.expect("matched above"));
    }
    // Patch the previous site rather than copy every page out of the cache:
    // at 10,000 papers the copy alone costs more than the edit.
    let (papers, pages, kept) = match previous {
        Some(site) => {
            let kept =
                (same_text && site.config.related == config.related).then_some(site.index.related);
            (
                patch(site.papers, &cache.papers, &touched),
                patch(site.pages, &cache.pages, &touched),
                kept,
            )
        }
        None => (
            cache.papers.values().cloned().collect(),
            cache.pages.values().cloned().collect(),
            None,
        ),
    };
    trace::mark("patch", t);
    assemble(config, papers, pages, Vec::new(), kept, cache).inspect_err(|_| cache.complete = false)
}

/// Swaps the touched papers into the previous `site` in place when what
/// changed is the notes of papers it had, nothing else: the order of the
/// papers and every index stand, so there is nothing to sort or index
/// again (an edit of notes in `serve` costs a file read). Returns whether
/// it did; otherwise `site` is untouched.
fn notes_only(
    site: &mut Site,
    config: &Config,
    cached: &HashMap<PathBuf, Paper>,
    touched: &[PathBuf],
    before: &[Option<Paper>],
) -> bool {
    let swaps: Option<Vec<(usize, &Paper)>> = (touched.iter().zip(before))
        .map(|(rel, old)| {
            let (old, new) = (old.as_ref()?, cached.get(rel)?);
            if !only_notes_differ(old, new) {
                return None;
            }
            let at = (site.papers)
                .binary_search_by(|p| (&p.slug, &p.source).cmp(&(&old.slug, &old.source)))
                .ok()?;
            (site.papers[at] == *old).then_some((at, new))
        })
        .collect();
    match swaps {
        Some(swaps) if site.config == *config => {
            for (at, new) in swaps {
                site.papers[at] = new.clone();
            }
            true
        }
        _ => false,
    }
}

/// Whether two versions of a paper differ in their notes at most (and so
/// in their fingerprint): every other field, a new one included, is
/// compared by `Paper`'s own equality.
fn only_notes_differ(old: &Paper, new: &Paper) -> bool {
    let with_old_notes = Paper {
        body: old.body.clone(),
        fingerprint: old.fingerprint,
        ..new.clone()
    };
    with_old_notes == *old
}

/// Pages with a `source` path, so [`patch`] can work on papers and free pages.
trait Sourced: Clone {
    fn source(&self) -> &Path;
}

impl Sourced for Paper {
    fn source(&self) -> &Path {
        &self.source
    }
}

impl Sourced for FreePage {
    fn source(&self) -> &Path {
        &self.source
    }
}

/// The previous pages with the touched paths replaced by what the cache
/// now holds for them (or dropped, when the file is gone).
fn patch<T: Sourced>(
    mut pages: Vec<T>,
    cached: &HashMap<PathBuf, T>,
    touched: &[PathBuf],
) -> Vec<T> {
    pages.retain(|p| !touched.iter().any(|t| t == p.source()));
    pages.extend(touched.iter().filter_map(|t| cached.get(t)).cloned());
    pages
}

enum PageKind {
    Paper,
    Free,
}

/// Which kind of page a root-relative path is, if it is one.
fn page_kind(rel: &Path) -> Option<PageKind> {
    let name = rel.file_name()?.to_string_lossy();
    if !name.ends_with(".md") || name.starts_with('.') {
        return None;
    }
    let parent = rel.parent()?;
    if parent == Path::new(PAPERS_DIR) {
        Some(PageKind::Paper)
    } else if parent == Path::new(CONTENT_DIR) {
        Some(PageKind::Free)
    } else {
        None
    }
}

/// Loads `content/papers/*.md` and `content/*.md`. Every bad page is an
/// error naming its file and line; all of them are reported at once.
pub fn load(root: &Path, config: Config, cache: &mut LoadCache) -> Result<Site, Vec<Diagnostic>> {
    cache.notes_only = false;
    let mut errors = Vec::new();
    let paper_files = markdown_files(root, PAPERS_DIR, &mut errors);
    let page_files = markdown_files(root, CONTENT_DIR, &mut errors);

    // `None`: the cached paper stands (taken out of the cache below, not copied).
    let mut cached = std::mem::take(&mut cache.papers);
    let papers: Vec<Result<Option<Paper>, Diagnostic>> = paper_files
        .par_iter()
        .map(|rel| {
            let bytes = read(root, rel)?;
            let fp = fingerprint::content(&bytes);
            match cached.get(rel) {
                Some(p) if p.fingerprint == fp => Ok(None),
                _ => paper_from(rel, &bytes, fp).map(Some),
            }
        })
        .collect();
    let pages: Vec<Result<FreePage, Diagnostic>> = page_files
        .par_iter()
        .map(|rel| {
            let bytes = read(root, rel)?;
            let fp = fingerprint::content(&bytes);
            match cache.pages.get(rel) {
                Some(p) if p.fingerprint == fp => Ok(p.clone()),
                _ => free_page_from(rel, &bytes, fp),
            }
        })
        .collect();

    let mut site_papers = Vec::with_capacity(papers.len());
    for (rel, result) in paper_files.iter().zip(papers) {
        match result {
            Ok(Some(p)) => site_papers.push(p),
            Ok(None) => site_papers.extend(cached.remove(rel)),
            Err(e) => errors.push(e),
        }
    }
    drop(cached);
    let mut site_pages = Vec::new();
    for result in pages {
        match result {
            Ok(p) => site_pages.push(p),
            Err(e) => errors.push(e),
        }
    }
    if !cache.once {
        cache.papers = site_papers
            .iter()
            .map(|p| (p.source.clone(), p.clone()))
            .collect();
        cache.pages = site_pages
            .iter()
            .map(|p| (p.source.clone(), p.clone()))
            .collect();
    }
    let site = assemble(config, site_papers, site_pages, errors, None, cache);
    cache.complete = site.is_ok() && !cache.once;
    site
}

/// Sorts the pages, checks slugs and builds the indexes; `related` are the
/// previous related lists when nothing they depend on changed.
fn assemble(
    config: Config,
    mut site_papers: Vec<Paper>,
    mut site_pages: Vec<FreePage>,
    mut errors: Vec<Diagnostic>,
    related: Option<Vec<Vec<usize>>>,
    cache: &mut LoadCache,
) -> Result<Site, Vec<Diagnostic>> {
    let t = Instant::now();
    site_papers.sort_by(|a, b| a.slug.cmp(&b.slug).then_with(|| a.source.cmp(&b.source)));
    site_pages.sort_by(|a, b| a.slug.cmp(&b.slug).then_with(|| a.source.cmp(&b.source)));
    duplicate_slugs(
        site_papers.iter().map(|p| (p.slug.as_str(), &p.source)),
        "paper",
        &mut errors,
    );
    duplicate_slugs(
        site_pages.iter().map(|p| (p.slug.as_str(), &p.source)),
        "page",
        &mut errors,
    );
    duplicate_papers(&site_papers, &mut errors);
    if !errors.is_empty() {
        errors.sort();
        return Err(errors);
    }
    let t = trace::mark("sort and check", t);
    let mut index = build_indexes(&site_papers, &config);
    trace::mark("indexes", t);
    cache.related_time = None;
    index.related = match related {
        Some(kept) if kept.len() == site_papers.len() => kept,
        _ => {
            let started = Instant::now();
            let lists = related::related(&site_papers, config.related.count);
            cache.related_time = Some(started.elapsed());
            lists
        }
    };
    Ok(Site {
        config,
        papers: site_papers,
        pages: site_pages,
        index,
    })
}

/// `*.md` directly inside `root/dir`, relative to root, sorted. A missing
/// folder is an empty one.
fn markdown_files(root: &Path, dir: &str, errors: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let entries = match fs::read_dir(root.join(dir)) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            errors.push(Diagnostic::error(
                dir,
                0,
                format!("cannot read folder: {e}"),
            ));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(std::result::Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md") && !name.starts_with('.'))
        .map(|name| Path::new(dir).join(name))
        .collect();
    files.sort();
    files
}

fn read(root: &Path, rel: &Path) -> Result<Vec<u8>, Diagnostic> {
    fs::read(root.join(rel))
        .map_err(|e| Diagnostic::error(rel.display().to_string(), 0, format!("cannot read: {e}")))
}

fn text<'a>(rel: &Path, bytes: &'a [u8]) -> Result<&'a str, Diagnostic> {
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Diagnostic::error(rel.display().to_string(), line, "not valid UTF-8")
    })
}

/// The slug from the front matter, else the file stem; must be URL-safe.
fn slug_for(rel: &Path, given: Option<&str>) -> Result<String, Diagnostic> {
    let slug = match given {
        Some(s) => s.to_string(),
        None => rel
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let ok = !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(slug)
    } else {
        Err(Diagnostic::error(
            rel.display().to_string(),
            1,
            format!(
                "slug {slug:?} is not URL-safe: use lowercase letters, digits and `-` \
                 (set `slug = \"...\"` in the front matter or rename the file)"
            ),
        ))
    }
}

/// A paper from a page import parsed, when it loads without a message
/// (a bad slug or arXiv id is left to [`paper_from`], which says where).
fn paper_from_parsed(page: page::PageFile, rel: &Path, fingerprint: u64) -> Option<Paper> {
    let slug = slug_for(rel, page.front.slug.as_deref()).ok()?;
    let mut paper = Paper::from_page(page, slug, rel.to_path_buf(), fingerprint);
    if let Some(given) = paper.arxiv.take() {
        paper.arxiv = Some(crate::digest::arxiv::normalize(&given)?);
    }
    Some(paper)
}

fn paper_from(rel: &Path, bytes: &[u8], fingerprint: u64) -> Result<Paper, Diagnostic> {
    let origin = rel.display().to_string();
    let text = text(rel, bytes)?;
    let page = page::read(text, &origin)?;
    let slug = slug_for(rel, page.front.slug.as_deref())?;
    let mut paper = Paper::from_page(page, slug, rel.to_path_buf(), fingerprint);
    if let Some(given) = paper.arxiv.take() {
        paper.arxiv = crate::digest::arxiv::normalize(&given);
        if paper.arxiv.is_none() {
            let line = page::split(text, &origin)
                .ok()
                .and_then(|(front, _, _)| page::front_matter::key_line(&front, "arxiv"))
                .unwrap_or(1);
            paper.warnings.push(Diagnostic::warning(
                origin,
                line,
                format!(
                    "`arxiv = {given:?}` is not an arXiv id (like 2510.12345 or hep-th/9901001): \
                     the page links to arXiv and Hugging Face by title search instead"
                ),
            ));
        }
    }
    Ok(paper)
}

/// A free page's front matter: a title, optionally a slug and a template.
#[derive(Debug, Deserialize)]
struct FreeFront {
    title: String,
    slug: Option<String>,
    template: Option<String>,
    #[serde(flatten)]
    extra: toml::Table,
}

fn free_page_from(rel: &Path, bytes: &[u8], fingerprint: u64) -> Result<FreePage, Diagnostic> {
    let origin = rel.display().to_string();
    let (front_text, body, body_line) = page::split(text(rel, bytes)?, &origin)?;
    let front: FreeFront = toml::from_str(&front_text)
        .map_err(|e| page::front_matter::error(&e, &front_text, &origin))?;
    Ok(FreePage {
        slug: slug_for(rel, front.slug.as_deref())?,
        source: rel.to_path_buf(),
        body_line,
        title: front.title,
        template: front.template.unwrap_or_else(|| "page.html".to_string()),
        body,
        extra: front.extra,
        fingerprint,
    })
}

fn duplicate_slugs<'a>(
    items: impl Iterator<Item = (&'a str, &'a PathBuf)>,
    what: &str,
    errors: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<&str, &PathBuf> = BTreeMap::new();
    for (slug, source) in items {
        if let Some(first) = seen.get(slug) {
            errors.push(Diagnostic::error(
                source.display().to_string(),
                1,
                format!(
                    "{what} slug `{slug}` is already used by {}: give one of them another `slug`",
                    first.display()
                ),
            ));
        } else {
            seen.insert(slug, source);
        }
    }
}

/// Two imported pages about one paper (the same arXiv id, or the same
/// `[imported] key` and no id on either: say a page copied by hand) would
/// publish it twice: an error on each later file by name, naming the first,
/// as import updates only the first.
fn duplicate_papers(papers: &[Paper], errors: &mut Vec<Diagnostic>) {
    let mut groups: BTreeMap<(bool, &str), Vec<&Paper>> = BTreeMap::new();
    for paper in papers {
        let Some(key) = &paper.key else { continue };
        let identity = match &paper.arxiv {
            Some(id) => (true, id.as_str()),
            None => (false, key.as_str()),
        };
        groups.entry(identity).or_default().push(paper);
    }
    for mut same in groups.into_values().filter(|same| same.len() > 1) {
        same.sort_by(|a, b| a.source.cmp(&b.source));
        for later in &same[1..] {
            errors.push(Diagnostic::error(
                later.source.display().to_string(),
                1,
                format!(
                    "this page and {} are about one paper (the same `[imported] key` or \
                     arXiv id), which would be published twice: delete one, or remove \
                     `[imported]` from the one you keep as a page of your own",
                    same[0].source.display()
                ),
            ));
        }
    }
}

/// The listings, computed once; every page of every listing reuses them.
/// (Related papers, the costly part, are [`related::related`]'s, which
/// `load` runs only when some paper's text changed.)
pub fn build_indexes(papers: &[Paper], config: &Config) -> Indexes {
    let mut latest: Vec<usize> = (0..papers.len()).collect();
    latest.sort_by(|&a, &b| {
        let (pa, pb) = (&papers[a], &papers[b]);
        // Newest first, undated (None) last.
        pb.date
            .cmp(&pa.date)
            .then_with(|| pa.title.cmp(&pb.title))
            .then_with(|| pa.slug.cmp(&pb.slug))
    });
    let rank: Vec<usize> = {
        let mut rank = vec![0; papers.len()];
        for (r, &i) in latest.iter().enumerate() {
            rank[i] = r;
        }
        rank
    };
    let mut top = latest.clone();
    top.sort_by(|&a, &b| {
        papers[b]
            .upvotes
            .cmp(&papers[a].upvotes)
            .then(rank[a].cmp(&rank[b]))
    });

    let mut index = Indexes {
        top,
        ..Indexes::default()
    };
    // Tags that slugify alike (`LLM`, `llm`) share a page under the first name seen.
    let mut tag_names: BTreeMap<String, String> = BTreeMap::new();
    // So do organizations.
    let mut org_names: BTreeMap<String, String> = BTreeMap::new();
    for &i in &latest {
        let paper = &papers[i];
        let mut seen_here = Vec::new();
        for tag in &paper.tags {
            let key = urls::tag_slug(tag);
            if key.is_empty() || seen_here.contains(&key) {
                continue;
            }
            let name = tag_names.entry(key.clone()).or_insert_with(|| tag.clone());
            index.by_tag.entry(name.clone()).or_default().push(i);
            seen_here.push(key);
        }
        match paper.date {
            Some(date) => {
                index
                    .by_month
                    .entry((date.year(), date.month()))
                    .or_default()
                    .push(i);
                index.by_day.entry(date).or_default().push(i);
                index
                    .by_week
                    .entry(urls::iso_week(date))
                    .or_default()
                    .push(i);
            }
            None => index.undated.push(i),
        }
        if let Some(org) = paper.organization.as_ref().filter(|o| !o.trim().is_empty()) {
            let name = org_names
                .entry(urls::org_slug(org))
                .or_insert_with(|| org.clone());
            index
                .by_organization
                .entry(name.clone())
                .or_default()
                .push(i);
        }
    }
    (index.listings, index.listed_in) = listings::build(papers, &rank);
    index.trending = listings::trending(papers, &index.listings, config.trending.listings, &rank);
    index.related = vec![Vec::new(); papers.len()];
    index.latest = latest;
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        dir
    }

    fn page(title: &str, extra: &str) -> String {
        format!("+++\ntitle = {title:?}\n{extra}+++\nNotes.\n")
    }

    #[test]
    fn loads_papers_and_free_pages_with_indexes() {
        let dir = site_with(&[
            (
                "content/papers/a.md",
                &page("A", "date = 2025-04-28\nupvotes = 3\ntags = [\"speech\"]\n"),
            ),
            (
                "content/papers/b.md",
                &page(
                    "B",
                    "date = 2025-05-01\nupvotes = 9\norganization = \"Kyutai\"\n",
                ),
            ),
            ("content/papers/c.md", &page("C", "tags = [\"speech\"]\n")),
            ("content/about.md", &page("About", "")),
        ]);
        let site = load(dir.path(), Config::default(), &mut LoadCache::default()).unwrap();
        let slugs = |ix: &[usize]| -> Vec<&str> {
            ix.iter().map(|&i| site.papers[i].slug.as_str()).collect()
        };
        assert_eq!(slugs(&site.index.latest), ["b", "a", "c"], "undated last");
        assert_eq!(slugs(&site.index.top), ["b", "a", "c"]);
        assert_eq!(slugs(&site.index.by_tag["speech"]), ["a", "c"]);
        assert_eq!(slugs(&site.index.undated), ["c"]);
        assert_eq!(slugs(&site.index.by_organization["Kyutai"]), ["b"]);
        assert_eq!(site.index.by_month.len(), 2);
        assert_eq!(site.pages[0].slug, "about");
        assert_eq!(site.pages[0].template, "page.html");
        assert_eq!(site.papers[0].body, "Notes.\n");
    }

    #[test]
    fn every_bad_page_is_reported_with_file_and_line() {
        let dir = site_with(&[
            ("content/papers/a.md", &page("A", "upvotes = \"lots\"\n")),
            ("content/papers/b.md", "no front matter\n"),
            ("content/papers/c.md", &page("C", "")),
        ]);
        let errors = load(dir.path(), Config::default(), &mut LoadCache::default()).unwrap_err();
        let text: Vec<String> = errors
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        assert_eq!(errors.len(), 2, "{text:?}");
        assert!(
            text[0].starts_with("content/papers/a.md:3: error:"),
            "{text:?}"
        );
        assert!(
            text[1].starts_with("content/papers/b.md:1: error:"),
            "{text:?}"
        );
    }

    #[test]
    fn two_pages_claiming_one_slug_is_an_error_naming_both() {
        let dir = site_with(&[
            ("content/papers/a.md", &page("A", "")),
            ("content/papers/b.md", &page("B", "slug = \"a\"\n")),
        ]);
        let errors = load(dir.path(), Config::default(), &mut LoadCache::default()).unwrap_err();
        assert_eq!(errors.len(), 1);
        let msg = errors[0].to_string();
        assert!(
            msg.contains("content/papers/a.md") && msg.contains("content/papers/b.md"),
            "{msg}"
        );
    }

    #[test]
    fn two_pages_about_one_paper_are_an_error_naming_both() {
        let imported = |title: &str, key: &str| {
            page(title, &format!("[imported]\nkey = {key:?}\nhash = \"x\"\n"))
        };
        let dir = site_with(&[
            ("content/papers/a.md", &imported("A", "a paper")),
            ("content/papers/b.md", &imported("A, again", "a paper")),
            ("content/papers/c.md", &imported("C", "c")),
            ("content/papers/d.md", &page("A", "")),
            // One title, two arXiv ids: two papers.
            (
                "content/papers/e.md",
                &imported("E", "e").replace("title", "arxiv = \"2601.00001\"\ntitle"),
            ),
            (
                "content/papers/f.md",
                &imported("E", "e").replace("title", "arxiv = \"2601.00002\"\ntitle"),
            ),
        ]);
        let errors = load(dir.path(), Config::default(), &mut LoadCache::default()).unwrap_err();
        let text: Vec<String> = errors
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        assert_eq!(errors.len(), 1, "{text:?}");
        assert!(
            text[0].starts_with("content/papers/b.md:1: error:")
                && text[0].contains("content/papers/a.md"),
            "{text:?}"
        );
    }

    #[test]
    fn an_unsafe_slug_is_refused() {
        let dir = site_with(&[("content/papers/a.md", &page("A", "slug = \"../x\"\n"))]);
        let errors = load(dir.path(), Config::default(), &mut LoadCache::default()).unwrap_err();
        assert!(errors[0].message.contains("URL-safe"), "{}", errors[0]);
    }

    #[test]
    fn an_empty_site_is_valid() {
        let dir = tempfile::tempdir().unwrap();
        let site = load(dir.path(), Config::default(), &mut LoadCache::default()).unwrap();
        assert!(site.papers.is_empty() && site.pages.is_empty());
    }

    #[test]
    fn the_cache_follows_edits_and_deletions() {
        let dir = site_with(&[
            ("content/papers/a.md", &page("A", "")),
            ("content/papers/b.md", &page("B", "")),
        ]);
        let mut cache = LoadCache::default();
        load(dir.path(), Config::default(), &mut cache).unwrap();
        fs::write(dir.path().join("content/papers/a.md"), page("A2", "")).unwrap();
        fs::remove_file(dir.path().join("content/papers/b.md")).unwrap();
        let site = load(dir.path(), Config::default(), &mut cache).unwrap();
        assert_eq!(site.papers.len(), 1);
        assert_eq!(site.papers[0].title, "A2");
    }

    #[test]
    fn a_reload_of_changed_pages_equals_a_full_load() {
        let dir = site_with(&[
            ("content/papers/a.md", &page("A", "date = 2025-04-28\n")),
            ("content/papers/b.md", &page("B", "")),
            ("content/about.md", &page("About", "")),
        ]);
        let root = dir.path();
        let mut cache = LoadCache::default();
        load(root, Config::default(), &mut cache).unwrap();
        let mut patched_cache = LoadCache::default();
        let previous = load(root, Config::default(), &mut patched_cache).unwrap();
        fs::write(
            root.join("content/papers/a.md"),
            page("A2", "upvotes = 4\n"),
        )
        .unwrap();
        fs::remove_file(root.join("content/papers/b.md")).unwrap();
        fs::write(root.join("content/papers/c.md"), page("C", "")).unwrap();
        let changed = [
            root.join("content/papers/a.md"),
            root.join("content/papers/b.md"),
            root.join("content/papers/c.md"),
        ];
        let reloaded = reload(root, Config::default(), &mut cache, &changed, None).unwrap();
        let full = load(root, Config::default(), &mut LoadCache::default()).unwrap();
        assert_eq!(reloaded, full, "from the cache");
        let patched = reload(
            root,
            Config::default(),
            &mut patched_cache,
            &changed,
            Some(previous),
        )
        .unwrap();
        assert_eq!(patched, full, "patching the previous site");

        // A page broken by an edit is an error, and the next load starts over.
        fs::write(root.join("content/papers/a.md"), "broken").unwrap();
        assert!(reload(root, Config::default(), &mut cache, &changed[..1], None).is_err());
        assert!(!cache.complete);
    }

    #[test]
    fn tags_told_apart_by_plus_or_sharp_signs_get_their_own_listings() {
        let dir = site_with(&[
            ("content/papers/a.md", &page("A", "tags = [\"C++\"]\n")),
            ("content/papers/b.md", &page("B", "tags = [\"C\"]\n")),
            (
                "content/papers/c.md",
                &page("C", "tags = [\"c#\", \"C#\"]\n"),
            ),
        ]);
        let site = load(dir.path(), Config::default(), &mut LoadCache::default()).unwrap();
        let slugs: Vec<String> = site
            .index
            .by_tag
            .keys()
            .map(|t| urls::tag_slug(t))
            .collect();
        assert_eq!(slugs.len(), 3, "{:?}", site.index.by_tag);
        let mut unique = slugs.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 3, "{slugs:?}");
        assert!(site.index.by_tag.values().all(|papers| papers.len() == 1));
    }

    #[test]
    fn tags_that_slugify_alike_share_one_listing() {
        let dir = site_with(&[
            ("content/papers/a.md", &page("A", "tags = [\"LLM\"]\n")),
            ("content/papers/b.md", &page("B", "tags = [\"llm\"]\n")),
        ]);
        let site = load(dir.path(), Config::default(), &mut LoadCache::default()).unwrap();
        assert_eq!(site.index.by_tag.len(), 1);
        assert_eq!(site.index.by_tag.values().next().unwrap().len(), 2);
    }

    #[test]
    fn a_handed_over_page_stands_while_its_file_has_the_same_bytes() {
        let text = "+++\ntitle = \"On disk\"\n+++\n";
        let dir = site_with(&[("content/papers/a.md", text)]);
        let rel = Path::new("content/papers/a.md");
        let handed = |fingerprint| {
            let mut page = page::read(text, "a.md").unwrap();
            page.front.facts.title = "As import had it".to_string();
            vec![page::Parsed {
                path: rel.to_path_buf(),
                fingerprint,
                page,
            }]
        };
        let title = |pages| {
            let site = load(dir.path(), Config::default(), &mut LoadCache::once(pages)).unwrap();
            site.papers[0].title.clone()
        };
        // Not parsed again: what import handed over is what loads.
        assert_eq!(
            title(handed(fingerprint::content(text.as_bytes()))),
            "As import had it"
        );
        // The file changed since: it is read.
        assert_eq!(
            title(handed(fingerprint::content(b"older bytes"))),
            "On disk"
        );
    }
}
