//! `gazette init`: a new site that builds at once.
//!
//! The default theme is embedded in the binary from the repository's
//! `themes/default/` (its single source), so an installed `gazette` can
//! create sites anywhere.

use std::fs;
use std::path::Path;

use include_dir::Dir;

use crate::render::theme::DEFAULT_THEME;

const CONFIG: &str = r#"# Gazette site settings. Every key is documented in Gazette's README.
title = "My paper digest"
description = "Papers we read, with our notes"
base_url = "https://example.org/"
theme = "default"
paginate = 30

[import]
# Year of the dumps whose file name carries no date (see "year rules").
# default_year = 2025

# [import.years]
# "monday.txt" = 2025

[tags]
max = 4
# Your own rules replace the built-in ones:
# [tags.rules]
# "speech" = ["speech", "audio", "asr"]
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
    write_dir(&DEFAULT_THEME, &dir.join("themes").join("default"))
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

/// Creates a site in `dir`, which must be empty or absent.
pub fn init_site(dir: &Path) -> anyhow::Result<()> {
    use anyhow::Context;
    if dir.exists() {
        let mut entries = fs::read_dir(dir).with_context(|| format!("{}", dir.display()))?;
        if entries.next().is_some() {
            anyhow::bail!(
                "{} is not empty; `gazette init` only creates new sites (pick an empty or new folder)",
                dir.display()
            );
        }
    }
    let write = |rel: &str, text: &str| -> anyhow::Result<()> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("{}", parent.display()))?;
        }
        fs::write(&path, text).with_context(|| format!("{}: cannot write", path.display()))
    };
    write(crate::config::CONFIG_FILE, CONFIG)?;
    write("content/about.md", ABOUT)?;
    fs::create_dir_all(dir.join("digests"))?;
    fs::create_dir_all(dir.join("content/papers"))?;
    write_default_theme(dir)
        .with_context(|| format!("{}: cannot write the theme", dir.display()))?;
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
        assert!(err.contains("not empty"), "{err}");
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
        crate::config::Config::load(&site).unwrap();
        assert!(site.join("themes/default/theme.toml").is_file());
        assert!(site.join("digests").is_dir());
    }
}
