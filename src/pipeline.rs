//! The pipeline end to end: import digests, load `content/`, render.
//!
//! [`Builder`] keeps what it loaded and rendered between runs, so `serve`
//! can hand it the paths that changed and get an up-to-date [`Output`] back
//! after redoing only the work those paths affect; `build` and `check` make
//! one and run it once.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::diagnostic::Diagnostic;
use crate::output::Output;

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
}

/// Why a run failed; the previous output stays as it was.
#[derive(Debug, Clone)]
pub struct BuildFailure {
    pub errors: Vec<Diagnostic>,
}

impl std::fmt::Display for BuildFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildFailure {}

pub struct Builder {
    options: BuildOptions,
    output: Arc<Output>,
}

impl Builder {
    pub fn new(options: BuildOptions) -> Builder {
        Builder {
            options,
            output: Arc::new(Output::default()),
        }
    }

    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// Brings the output up to date. `changed` lists the paths that changed
    /// since the last run (absolute or relative to the root); `None` means
    /// "assume everything changed". On failure the last good output stays.
    pub fn build(&mut self, changed: Option<&[PathBuf]>) -> Result<BuildReport, BuildFailure> {
        let _ = changed;
        Err(BuildFailure {
            errors: vec![Diagnostic::error(
                self.options.root.display().to_string(),
                0,
                "build is not implemented yet",
            )],
        })
    }

    /// The last good output.
    pub fn output(&self) -> Arc<Output> {
        Arc::clone(&self.output)
    }
}
