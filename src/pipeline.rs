//! The pipeline end to end: import digests, load `content/`, render.
//!
//! [`Builder`] keeps what it loaded and rendered between runs, so `serve`
//! can hand it the paths that changed and get an up-to-date [`Output`] back
//! after redoing only the work those paths affect; `check` makes one and
//! runs it once. [`build_dir`] is `gazette build`: it renders straight into
//! the output folder, holding no page in memory, and remembers across runs
//! (`record`) so a build with nothing changed does nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Level};
use crate::import;
use crate::layout::{self, CACHE_DIR, Source};
use crate::lock::SiteLock;
use crate::output::{self, DirWriter, Output, WriteError, WriteStats};
use crate::record::{self, Input, Record, Settings, Stale};
use crate::render::{self, Edit, Pass, RenderCache, RenderError, Theme};
use crate::site::Site;
use crate::site::load::{self, LoadCache};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site root (holds config.toml).
    pub root: PathBuf,
    /// Overrides `base_url` from config.toml (deploy previews, `serve`).
    pub base_url: Option<String>,
    /// Run `import` over `digests/` before loading.
    pub import: bool,
}

/// What one run did, for the console.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Warnings (bad digest lines, kept hand edits, ...). Errors fail the build instead.
    pub diagnostics: Vec<Diagnostic>,
    /// One line on what the import did, when it ran.
    pub import_summary: Option<String>,
    /// Output files rendered this run, and reused from the previous run.
    pub rendered: usize,
    pub reused: usize,
    pub elapsed: Duration,
    /// Time per stage, in pipeline order (`import`, `load`, `related`,
    /// `theme`, `render`, and `deferred` when the search index was made
    /// after the pages: [`Builder::build_pages_first`]).
    pub stages: Vec<(&'static str, Duration)>,
}

/// Why a run failed; the previous output stays as it was.
#[derive(Debug, Clone)]
pub enum BuildFailure {
    /// The sources have errors, each naming its file and line: fixing them
    /// fixes the build.
    Sources(Vec<Diagnostic>),
    /// The output folder could not be written (a full disk, permissions,
    /// a folder holding files Gazette did not write): it is as the last
    /// build left it.
    Output(Diagnostic),
    /// Writing failed while files were replaced one by one (where the
    /// folder cannot be swapped): it holds part of this build.
    Unfinished(Diagnostic),
    /// Gazette itself failed (a bug, caught as a panic by `serve`): what the
    /// builder had cached may be half updated, so it must start afresh.
    Internal(Diagnostic),
}

impl BuildFailure {
    /// Every message, to print or show.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            BuildFailure::Sources(errors) => errors,
            BuildFailure::Output(error)
            | BuildFailure::Unfinished(error)
            | BuildFailure::Internal(error) => std::slice::from_ref(error),
        }
    }
}

impl std::fmt::Display for BuildFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.diagnostics().iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildFailure {}

impl From<Vec<Diagnostic>> for BuildFailure {
    fn from(errors: Vec<Diagnostic>) -> Self {
        BuildFailure::Sources(errors)
    }
}

impl From<Diagnostic> for BuildFailure {
    fn from(error: Diagnostic) -> Self {
        BuildFailure::Sources(vec![error])
    }
}

impl From<WriteError> for BuildFailure {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Interrupted { .. } => BuildFailure::Unfinished(error.diagnostic()),
            _ => BuildFailure::Output(error.diagnostic()),
        }
    }
}

impl From<RenderError> for BuildFailure {
    fn from(error: RenderError) -> Self {
        match error {
            RenderError::Sources(errors) => BuildFailure::Sources(errors),
            RenderError::Output(error) => BuildFailure::Output(error),
        }
    }
}

/// Which sources a set of changed paths touches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    pub config: bool,
    pub digests: bool,
    pub content: bool,
    /// Templates or static files (the theme's or the site's).
    pub theme: bool,
}

impl Changes {
    pub const ALL: Changes = Changes {
        config: true,
        digests: true,
        content: true,
        theme: true,
    };

    /// Sorts changed paths (absolute, or relative to `root`) into sources.
    /// Paths outside the sources (public/, target/, editor files) count for nothing.
    pub fn classify(root: &Path, paths: &[PathBuf]) -> Changes {
        let mut changes = Changes::default();
        for path in paths {
            match layout::source_of(path.strip_prefix(root).unwrap_or(path)) {
                Some(Source::Config) => changes.config = true,
                Some(Source::Digests) => changes.digests = true,
                Some(Source::Content) => changes.content = true,
                Some(Source::Theme) => changes.theme = true,
                None => {}
            }
        }
        changes
    }

    pub fn any(&self) -> bool {
        self.config || self.digests || self.content || self.theme
    }
}

pub struct Builder {
    options: BuildOptions,
    config: Option<Config>,
    theme: Option<Theme>,
    load_cache: LoadCache,
    /// The last site rendered, patched by the next `serve` rebuild.
    site: Option<crate::site::Site>,
    render_cache: RenderCache,
}

impl Builder {
    pub fn new(options: BuildOptions) -> Builder {
        Builder {
            options,
            config: None,
            theme: None,
            load_cache: LoadCache::default(),
            site: None,
            render_cache: RenderCache::default(),
        }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// Brings the output up to date. `changed` lists the paths that changed
    /// since the last run (absolute or relative to the root); `None` means
    /// "assume everything changed". On failure the last good output stays.
    pub fn build(&mut self, changed: Option<&[PathBuf]>) -> Result<BuildReport, BuildFailure> {
        self.build_with(changed, None)
    }

    /// [`Builder::build`], handing `pages` the output as soon as every page
    /// is up to date, before the files made from the whole site at once
    /// (the search index) are made again; called only when some are. The
    /// output that `build` returns with is the complete one.
    pub fn build_pages_first(
        &mut self,
        changed: Option<&[PathBuf]>,
        pages: &mut dyn FnMut(Arc<Output>),
    ) -> Result<BuildReport, BuildFailure> {
        self.build_with(changed, Some(pages))
    }

    fn build_with(
        &mut self,
        changed: Option<&[PathBuf]>,
        pages: Option<&mut dyn FnMut(Arc<Output>)>,
    ) -> Result<BuildReport, BuildFailure> {
        let started = Instant::now();
        let mut changes = match changed {
            None => Changes::ALL,
            Some(paths) => Changes::classify(&self.options.root, paths),
        };
        // Nothing cached yet (first run, or the last one failed early): do it all.
        if self.config.is_none() || self.theme.is_none() {
            changes = Changes::ALL;
        }
        let mut report = BuildReport::default();
        let root = self.options.root.clone();

        if changes.config || self.config.is_none() {
            self.config = None;
            self.theme = None;
            self.config = Some(Config::load(&root)?);
        }
        let config = self.config.clone().expect("config loaded above");

        let mut pages_rewritten = false;
        if self.options.import && (changes.digests || changes.config) {
            let imported = import_stage(&root, &config, &mut report)?;
            pages_rewritten = imported.is_some();
            self.load_cache.seed(imported.unwrap_or_default());
        }

        let stage = Instant::now();
        let site = match changed {
            // Only page files changed (a save in serve): read just those.
            Some(paths) if !changes.config && !pages_rewritten => {
                let previous = self.site.take();
                load::reload(&root, config.clone(), &mut self.load_cache, paths, previous)?
            }
            _ => {
                self.site = None;
                load::load(&root, config.clone(), &mut self.load_cache)?
            }
        };
        report.stages.push(("load", stage.elapsed()));
        // Part of `load`, shown apart: it runs only when some paper's text changed.
        if let Some(related) = self.load_cache.related_time() {
            report.stages.push(("related", related));
        }
        report.diagnostics.extend(site.warnings().cloned());

        if changes.theme || self.theme.is_none() {
            let stage = Instant::now();
            self.theme = None;
            self.theme = Some(render::load_theme(&root, &config)?);
            report.stages.push(("theme", stage.elapsed()));
        }
        let theme = self.theme.as_ref().expect("theme loaded above");

        let stage = Instant::now();
        let base_url = self
            .options
            .base_url
            .clone()
            .unwrap_or_else(|| config.base_url.clone());
        let cache = &mut self.render_cache;
        let pass = match pages {
            Some(_) => Pass::PagesFirst,
            None => Pass::All,
        };
        // The theme and settings as last time, and only notes in the pages.
        let edit = match self.load_cache.notes_only() && !changes.theme && !changes.config {
            true => Edit::NotesOnly,
            false => Edit::Any,
        };
        let (first, mut stats) = render::render_pass(&site, theme, &base_url, cache, pass, edit)?;
        report.stages.push(("render", stage.elapsed()));
        if let Some(pages) = pages
            && stats.deferred > 0
        {
            pages(first);
            crate::trace::record("pages shown at", started.elapsed());
            let stage = Instant::now();
            let (_, rest) = render::render_pass(&site, theme, &base_url, cache, Pass::All, edit)?;
            report.stages.push(("deferred", stage.elapsed()));
            // The second pass reuses every file the first one made.
            stats.rendered += rest.rendered;
        }

        self.site = Some(site);
        report.rendered = stats.rendered;
        report.reused = stats.reused;
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// The last good output (the render cache's own: one copy of the bytes).
    pub fn output(&self) -> Arc<Output> {
        self.render_cache.output()
    }

    /// The site model the last good output was rendered from.
    pub fn site(&self) -> Option<&crate::site::Site> {
        self.site.as_ref()
    }
}

/// Runs import when anything it reads changed. When it ran (and so may
/// have rewritten any page), returns the pages it read or wrote, parsed,
/// for `load` to reuse.
fn import_stage(
    root: &Path,
    config: &Config,
    report: &mut BuildReport,
) -> Result<Option<Vec<crate::page::Parsed>>, BuildFailure> {
    let stage = Instant::now();
    let mut imported = import::import_if_changed(root, config)?;
    report.import_summary = Some(import_summary(&imported));
    report.diagnostics.append(&mut imported.diagnostics);
    report.stages.push(("import", stage.elapsed()));
    Ok((!imported.skipped).then_some(imported.pages))
}

/// What `gazette build` did.
#[derive(Debug, Clone, Default)]
pub struct DirReport {
    pub build: BuildReport,
    /// Nothing changed since the last build: nothing was loaded, rendered
    /// or written.
    pub up_to_date: bool,
    /// Files Gazette made in the output folder.
    pub files: usize,
    pub write: WriteStats,
    /// The output folder, absolute.
    pub out: PathBuf,
}

/// `gazette build`: imports, then makes `out` hold the site. Each file goes
/// to the output writer as soon as it is rendered and the writer swaps the
/// new tree in at once (`output`), so memory does not grow with the site's
/// output and a failed or killed build leaves the folder as it was. The
/// build record (`record`) lets a build with nothing changed stop after
/// stamping its inputs, and one after an edit re-render only what the edit
/// touches. Holds the site's lock throughout: one writer at a time.
pub fn build_dir(
    options: &BuildOptions,
    out: &Path,
    force: bool,
) -> Result<DirReport, BuildFailure> {
    let started = Instant::now();
    crate::trace::memory("start");
    let root = &options.root;
    let _lock = SiteLock::acquire(root, "build")?;
    remove_stale_temporaries(&root.join(CACHE_DIR));
    let mut report = DirReport::default();
    let config = Config::load(root)?;
    let base_url = options
        .base_url
        .clone()
        .unwrap_or_else(|| config.base_url.clone());
    report.out = output::resolve(out).map_err(|e| WriteError::Io {
        path: out.to_path_buf(),
        error: e,
    })?;
    let settings = Settings::new(&base_url, &report.out);
    let previous = Record::read(root).unwrap_or_else(|warning| {
        report.build.diagnostics.push(warning);
        None
    });

    // Nothing changed: stamp the inputs, compare, done.
    if let Some(previous) = &previous
        && import::up_to_date(root, &config)
        && let Ok(scan) = record::scan_inputs(root, &config)
        && let Ok(by_content) = previous.up_to_date(root, &settings, &scan)
    {
        if by_content {
            // Best effort: the next check then trusts the stamps.
            let _ = previous.rescanned(&scan).write(root);
        }
        report.up_to_date = true;
        report.files = previous.files.len();
        report.build.elapsed = started.elapsed();
        return Ok(report);
    }

    let mut imported = None;
    if options.import {
        imported = import_stage(root, &config, &mut report.build)?;
    }
    crate::trace::memory("import");
    // Stamped before the pages are read: a page edited from here on is
    // seen as changed by the next build.
    let scan = record::scan_inputs(root, &config).ok();
    let stage = Instant::now();
    let mut load_cache = LoadCache::once(imported.unwrap_or_default());
    let site = load::load(root, config.clone(), &mut load_cache)?;
    drop(load_cache);
    report.build.stages.push(("load", stage.elapsed()));
    crate::trace::memory("load");
    let stage = Instant::now();
    let theme = render::load_theme(root, &config)?;
    report.build.stages.push(("theme", stage.elapsed()));

    // The last build's files are worth keeping only when its record is
    // about this binary, these settings and a clock that did not go back.
    let now = scan.as_ref().map_or(0, |s| s.time);
    let kept = match previous {
        Some(previous) => match previous.usable(&settings, now) {
            Ok(()) => previous.files,
            Err(Stale::Unusable(_) | Stale::Changed(_)) => HashMap::new(),
        },
        None => HashMap::new(),
    };
    let stage = Instant::now();
    let writer = DirWriter::open(out, force, kept)?;
    let mut cache = RenderCache::once();
    let stats = render::render_into(&site, &theme, &base_url, &mut cache, &writer)?;
    report.build.stages.push(("render", stage.elapsed()));
    report.build.rendered = stats.rendered;
    report.build.reused = stats.reused;

    // From here the folder may change; a record describing the old one
    // must not survive a build stopped half way.
    let stage = Instant::now();
    Record::remove(root).map_err(|e| {
        BuildFailure::Output(Diagnostic::error(
            layout::BUILD_RECORD,
            0,
            format!("cannot remove the last build's record: {e}"),
        ))
    })?;
    let (write, files) = writer.commit()?;
    crate::trace::memory("commit");
    report.build.stages.push(("commit", stage.elapsed()));
    report.files = files.len();
    report.write = write;

    if let Some(scan) = scan {
        let record = Record {
            settings,
            time: scan.time,
            folder: record::folder_id(&report.out).unwrap_or_default(),
            inputs: inputs_of(scan, &site),
            files: files.into_iter().collect(),
        };
        if let Err(e) = record.write(root) {
            report.build.diagnostics.push(Diagnostic::warning(
                layout::BUILD_RECORD,
                0,
                format!("cannot remember this build ({e}); the next one builds everything"),
            ));
        }
    }
    // Freeing every page and its template data one by one costs a
    // noticeable share of a large build: it is done on the side, and a
    // `gazette build` process ends before it matters.
    std::thread::spawn(move || drop((site, theme, cache)));
    report.build.elapsed = started.elapsed();
    Ok(report)
}

/// The scanned inputs, with the fingerprint of what was loaded for each
/// page whose stamp cannot be trusted (compared by content next time).
fn inputs_of(scan: record::Scan, site: &Site) -> Vec<Input> {
    let loaded: HashMap<String, u64> = (site.papers.iter().map(|p| (&p.source, p.fingerprint)))
        .chain(site.pages.iter().map(|p| (&p.source, p.fingerprint)))
        .map(|(source, fp)| (source.to_string_lossy().replace('\\', "/"), fp))
        .collect();
    scan.inputs
        .into_iter()
        .map(|(path, stamp)| {
            let fingerprint = if stamp.trusted(scan.time) {
                None
            } else {
                loaded.get(&path).copied()
            };
            Input {
                path,
                stamp,
                fingerprint,
            }
        })
        .collect()
}

/// Temporary files a killed build left in `.gazette/` (its lock is held).
fn remove_stale_temporaries(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if crate::atomic::is_temp_name(&entry.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `280 pages: 3 added, 1 updated, 276 unchanged, 2 hand edits kept`.
pub fn import_summary(report: &import::ImportReport) -> String {
    if report.skipped {
        return "digests unchanged since the last import".to_string();
    }
    let total = report.added + report.updated + report.unchanged;
    let mut line = format!(
        "{total} pages: {} added, {} updated, {} unchanged",
        report.added, report.updated, report.unchanged
    );
    if report.kept_edits > 0 {
        line.push_str(&format!(", {} hand edits kept", report.kept_edits));
    }
    if report.kept_removed > 0 {
        line.push_str(&format!(
            ", {} removed kept out ({})",
            report.kept_removed,
            crate::layout::REMOVED_FILE
        ));
    }
    if report.guessed_years > 0 {
        let dumps = if report.guessed_years == 1 {
            "1 dump"
        } else {
            &format!("{} dumps", report.guessed_years)
        };
        line.push_str(&format!(
            ", the year of {dumps} guessed (set it under [import.years])"
        ));
    }
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    if errors > 0 {
        line.push_str(&format!(", {errors} errors"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_paths_are_sorted_into_sources() {
        let root = Path::new("/site");
        let changes = Changes::classify(
            root,
            &[
                PathBuf::from("/site/content/papers/a.md"),
                PathBuf::from("templates/index.html"),
            ],
        );
        assert_eq!(
            changes,
            Changes {
                content: true,
                theme: true,
                ..Changes::default()
            }
        );
        assert!(Changes::classify(root, &[PathBuf::from("/site/config.toml")]).config);
        assert!(Changes::classify(root, &[PathBuf::from("/site/digests/x.txt")]).digests);
        assert!(
            Changes::classify(root, &[PathBuf::from("/site/themes/default/static/s.css")]).theme
        );
    }

    #[test]
    fn output_and_editor_files_outside_the_sources_change_nothing() {
        let root = Path::new("/site");
        let changes = Changes::classify(
            root,
            &[
                PathBuf::from("/site/public/index.html"),
                PathBuf::from("/site/target/debug/x"),
            ],
        );
        assert!(!changes.any());
    }
}
