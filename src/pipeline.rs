//! The pipeline end to end: import digests, load `content/`, render.
//!
//! [`Builder`] keeps what it loaded and rendered between runs, so `serve`
//! can hand it the paths that changed and get an up-to-date [`Output`] back
//! after redoing only the work those paths affect; `build` and `check` make
//! one and run it once.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Level};
use crate::import;
use crate::layout::{self, Source};
use crate::output::Output;
use crate::render::{self, RenderCache, Theme};
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
    /// Time per stage, in pipeline order (`import`, `load`, `theme`, `render`).
    pub stages: Vec<(&'static str, Duration)>,
}

/// Why a run failed; the previous output stays as it was.
#[derive(Debug, Clone)]
pub enum BuildFailure {
    /// The sources have errors, each naming its file and line: fixing them
    /// fixes the build.
    Sources(Vec<Diagnostic>),
    /// Gazette itself failed (a bug, caught as a panic by `serve`): what the
    /// builder had cached may be half updated, so it must start afresh.
    Internal(Diagnostic),
}

impl BuildFailure {
    /// Every message, to print or show.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            BuildFailure::Sources(errors) => errors,
            BuildFailure::Internal(error) => std::slice::from_ref(error),
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
    output: Arc<Output>,
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
            output: Arc::new(Output::default()),
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
            let stage = Instant::now();
            let imported = import::import_if_changed(&root, &config)?;
            // An import that ran may have written any page.
            pages_rewritten = !imported.skipped;
            report.import_summary = Some(import_summary(&imported));
            report.diagnostics.extend(imported.diagnostics);
            report.stages.push(("import", stage.elapsed()));
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
        let (output, stats) = render::render(&site, theme, &base_url, &mut self.render_cache)?;
        report.stages.push(("render", stage.elapsed()));

        self.output = Arc::new(output);
        self.site = Some(site);
        report.rendered = stats.rendered;
        report.reused = stats.reused;
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// The last good output.
    pub fn output(&self) -> Arc<Output> {
        Arc::clone(&self.output)
    }

    /// The site model the last good output was rendered from.
    pub fn site(&self) -> Option<&crate::site::Site> {
        self.site.as_ref()
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
