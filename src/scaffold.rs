//! `gazette init`: a new site that builds at once.
//!
//! The default theme is embedded in the binary from the repository's
//! `themes/default/` (its single source), so an installed `gazette` can
//! create sites anywhere.

use std::fs;
use std::path::Path;

use include_dir::Dir;

use crate::diagnostic::Diagnostic;
use crate::layout::{CONFIG_FILE, CONTENT_DIR, DIGESTS_DIR, PAPERS_DIR, theme_dir};
use crate::render::theme::DEFAULT_THEME;

/// The new site's config.toml; `{YEAR}` is this year.
const CONFIG: &str = r#"# Gazette site settings. Every key is documented in Gazette's guide,
# docs/configuration.md.
title = "My paper digest"
description = "Papers we read, with our notes"
base_url = "https://example.org/"
theme = "default"
paginate = 30

[import]
# Dumps print dates without a year ("Apr 28"). A dump whose year nothing
# else tells (no date in its file name, no year printed in it, no line
# under [import.years]) is taken to be from this year. Saving last year's
# dumps? Set their year below, file by file, or change this.
default_year = {YEAR}

# [import.years]
# "monday.txt" = 2025

[tags]
max = 4
# Your own rules replace the built-in ones:
# [tags.rules]
# "speech" = ["speech", "audio", "ASR"]
"#;

const ABOUT: &str = r#"+++
title = "About"
+++

This site is made with [Gazette](https://github.com/) from "Daily Papers"
digests. Drop a dump into `digests/`, run `gazette build`, and every paper
gets a page you can annotate in `content/papers/`.
"#;

/// Writes the default theme into `<dir>/themes/default/` (used by `init`
/// and by the benchmark's generated sites).
pub fn write_default_theme(dir: &Path) -> std::io::Result<()> {
    write_dir(&DEFAULT_THEME, &dir.join(theme_dir("default")))
}

fn write_dir(embedded: &Dir<'_>, target: &Path) -> std::io::Result<()> {
    fs::create_dir_all(target)?;
    for file in embedded.files() {
        let path = target.join(file.path().file_name().expect("embedded files have names"));
        fs::write(path, file.contents())?;
    }
    for sub in embedded.dirs() {
        let name = sub.path().file_name().expect("embedded dirs have names");
        write_dir(sub, &target.join(name))?;
    }
    Ok(())
}

/// Creates a site in `dir`, which must be empty or absent. An error names
/// the folder or file it is about.
pub fn init_site(dir: &Path) -> Result<(), Diagnostic> {
    let fail = |path: &Path, what: &str, e: std::io::Error| {
        Diagnostic::error(path.display().to_string(), 0, format!("{what}: {e}"))
    };
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(|e| fail(dir, "cannot read", e))?;
        if entries.next().is_some() {
            return Err(Diagnostic::error(
                dir.display().to_string(),
                0,
                "not empty; `gazette init` only creates new sites (pick an empty or new folder)",
            ));
        }
    }
    let write = |rel: &str, text: &str| -> Result<(), Diagnostic> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| fail(parent, "cannot create", e))?;
        }
        fs::write(&path, text).map_err(|e| fail(&path, "cannot write", e))
    };
    let folder = |rel: &str| -> Result<(), Diagnostic> {
        let path = dir.join(rel);
        fs::create_dir_all(&path).map_err(|e| fail(&path, "cannot create", e))
    };
    let year = chrono::Datelike::year(&chrono::Local::now().date_naive());
    write(CONFIG_FILE, &CONFIG.replace("{YEAR}", &year.to_string()))?;
    write(&format!("{CONTENT_DIR}/about.md"), ABOUT)?;
    folder(DIGESTS_DIR)?;
    folder(PAPERS_DIR)?;
    write_default_theme(dir).map_err(|e| fail(dir, "cannot write the theme", e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_refuses_a_folder_with_files_in_it() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let err = init_site(dir.path()).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}: error: not empty", dir.path().display())),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn init_writes_a_config_that_parses_and_the_theme() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        init_site(&site).unwrap();
        let config = crate::config::Config::load(&site).unwrap();
        let this_year = chrono::Datelike::year(&chrono::Local::now().date_naive());
        assert_eq!(
            config.import.default_year,
            Some(this_year),
            "dumps with no year are taken to be from this year, as config.toml says"
        );
        let text = fs::read_to_string(site.join("config.toml")).unwrap();
        assert!(
            text.contains(&format!("this year. Saving last year's\n# dumps? Set their year below, file by file, or change this.\ndefault_year = {this_year}\n")),
            "{text}"
        );
        assert!(site.join("themes/default/theme.toml").is_file());
        assert!(site.join("digests").is_dir());
    }
}
