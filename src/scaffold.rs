//! `gazette init`: a new site that builds at once, and with `--deploy HOST`
//! the files that publish it from CI (see [`deploy`]).
//!
//! The default theme is embedded in the binary from the repository's
//! `themes/default/` (its single source), so an installed `gazette` can
//! create sites anywhere. Nothing already on disk is ever overwritten.

mod deploy;

use std::fs;
use std::io::Write;
use std::path::Path;

use include_dir::Dir;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::layout::{
    CACHE_DIR, CONFIG_FILE, CONTENT_DIR, DIGESTS_DIR, OUTPUT_DIR, PAPERS_DIR, theme_dir,
};
use crate::render::theme::DEFAULT_THEME;

pub use deploy::{CI_TARGET, GITHUB_WORKFLOW, Host, HostFile, REPOSITORY, install_command};

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

/// `content/about.md`; `@GAZETTE_REPO@` is Gazette's repository.
const ABOUT: &str = r#"+++
title = "About"
+++

This site is made with [Gazette](@GAZETTE_REPO@) from "Daily Papers"
digests. Drop a dump into `digests/`, run `gazette build`, and every paper
gets a page you can annotate in `content/papers/`.
"#;

/// `.gitignore`: Gazette's output and cache folders, rebuilt, never committed.
fn gitignore() -> String {
    format!(
        "# Written by `gazette build`: rebuilt from the sources, never edited.\n\
         /{OUTPUT_DIR}/\n/{CACHE_DIR}/\n"
    )
}

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

/// What `gazette init` did.
#[derive(Debug, Default)]
pub struct InitReport {
    /// Whether it created a new site (else it added to an existing one).
    pub new_site: bool,
    /// Files it wrote, `/`-separated and relative to the site (the theme's
    /// files are not listed one by one).
    pub written: Vec<String>,
    /// Files it left alone because they exist, and `base_url` problems.
    pub diagnostics: Vec<Diagnostic>,
}

/// Creates a site in `dir`, which must be empty or absent, with the files
/// that publish it on `deploy`. In an existing site (a folder with
/// `config.toml`) `deploy` adds just those files, and `.gitignore`; a file
/// that exists is left as it is and reported. An error names the folder or
/// file it is about.
pub fn init(dir: &Path, deploy: Option<Host>) -> Result<InitReport, Diagnostic> {
    let mut report = InitReport::default();
    if dir.join(CONFIG_FILE).is_file() {
        let Some(host) = deploy else {
            return Err(Diagnostic::error(
                dir.display().to_string(),
                0,
                format!(
                    "already a site (it has {CONFIG_FILE}); `gazette init --deploy HOST` adds \
                     the files that publish it from CI"
                ),
            ));
        };
        add_deploy_files(dir, host, &mut report)?;
        return Ok(report);
    }
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(|e| fail(dir, "cannot read", e))?;
        if entries.next().is_some() {
            return Err(Diagnostic::error(
                dir.display().to_string(),
                0,
                "not empty; `gazette init` only creates new sites (pick an empty or new folder), \
                 or adds deploy files to a site with `--deploy HOST`",
            ));
        }
    }
    report.new_site = true;
    let again = "`gazette init`";
    let year = chrono::Datelike::year(&chrono::Local::now().date_naive());
    let config = CONFIG.replace("{YEAR}", &year.to_string());
    add_file(dir, CONFIG_FILE, &config, &mut report, again)?;
    let about = ABOUT.replace("@GAZETTE_REPO@", REPOSITORY);
    add_file(
        dir,
        &format!("{CONTENT_DIR}/about.md"),
        &about,
        &mut report,
        again,
    )?;
    for folder in [DIGESTS_DIR, PAPERS_DIR] {
        let path = dir.join(folder);
        fs::create_dir_all(&path).map_err(|e| fail(&path, "cannot create", e))?;
    }
    write_default_theme(dir).map_err(|e| fail(dir, "cannot write the theme", e))?;
    match deploy {
        Some(host) => add_deploy_files(dir, host, &mut report)?,
        None => add_file(dir, ".gitignore", &gitignore(), &mut report, again)?,
    }
    Ok(report)
}

fn fail(path: &Path, what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(path.display().to_string(), 0, format!("{what}: {e}"))
}

/// `.gitignore` and the host's files, checked against the site's base URL.
fn add_deploy_files(dir: &Path, host: Host, report: &mut InitReport) -> Result<(), Diagnostic> {
    let config = Config::load(dir)?;
    let config_text = fs::read_to_string(dir.join(CONFIG_FILE)).unwrap_or_default();
    let line = crate::toml_line::of_key(&config_text, &["base_url"]).unwrap_or(0);
    for problem in host.base_url_problems(&config.base_url) {
        report
            .diagnostics
            .push(Diagnostic::warning(shown(dir, CONFIG_FILE), line, problem));
    }
    let again = format!("`gazette init --deploy {}`", host.name());
    if !dir.join(".gitignore").exists() {
        add_file(dir, ".gitignore", &gitignore(), report, &again)?;
    } else if !ignores_output(&fs::read_to_string(dir.join(".gitignore")).unwrap_or_default()) {
        report.diagnostics.push(Diagnostic::warning(
            shown(dir, ".gitignore"),
            0,
            format!(
                "does not ignore {OUTPUT_DIR}/, where `gazette build` writes the site: add the \
                 lines `/{OUTPUT_DIR}/` and `/{CACHE_DIR}/` (its cache)"
            ),
        ));
    }
    for file in host.files(&config.base_url, &site_name(dir)) {
        add_file(dir, &file.path, &file.contents, report, &again)?;
    }
    Ok(())
}

/// Whether a `.gitignore` has a line for the output folder.
fn ignores_output(gitignore: &str) -> bool {
    gitignore.lines().any(|l| {
        let l = l.trim();
        let l = l.strip_prefix('/').unwrap_or(l);
        l.strip_suffix('/').unwrap_or(l) == OUTPUT_DIR
    })
}

/// Writes `rel` under `dir` unless something is there already, which is
/// kept and reported (`create_new`, so not even a race can overwrite it);
/// `again` is the command that would write it.
fn add_file(
    dir: &Path,
    rel: &str,
    text: &str,
    report: &mut InitReport,
    again: &str,
) -> Result<(), Diagnostic> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| fail(parent, "cannot create", e))?;
    }
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(mut file) => {
            file.write_all(text.as_bytes())
                .map_err(|e| fail(&path, "cannot write", e))?;
            report.written.push(rel.to_string());
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            report.diagnostics.push(Diagnostic::warning(
                shown(dir, rel),
                0,
                format!(
                    "exists, so it was left as it is (move it away and run {again} again for \
                     Gazette's version)"
                ),
            ));
        }
        Err(e) => return Err(fail(&path, "cannot write", e)),
    }
    Ok(())
}

/// `rel` as the person named the site folder (`my-digest/config.toml`).
fn shown(dir: &Path, rel: &str) -> String {
    if dir == Path::new(".") || dir.as_os_str().is_empty() {
        rel.to_string()
    } else {
        dir.join(rel).display().to_string()
    }
}

/// The site folder's own name, even when given as `.`.
fn site_name(dir: &Path) -> String {
    let absolute = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap()
    }

    #[test]
    fn init_refuses_a_folder_with_files_in_it() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        for deploy in [None, Some(Host::Github)] {
            let err = init(dir.path(), deploy).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("{}: error: not empty", dir.path().display())),
                "{err}"
            );
        }
        assert_eq!(read(&dir.path().join("notes.txt")), "mine");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn init_writes_a_config_that_parses_the_theme_and_a_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let report = init(&site, None).unwrap();
        assert!(report.new_site);
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        let config = Config::load(&site).unwrap();
        let this_year = chrono::Datelike::year(&chrono::Local::now().date_naive());
        assert_eq!(
            config.import.default_year,
            Some(this_year),
            "dumps with no year are taken to be from this year, as config.toml says"
        );
        let text = read(&site.join("config.toml"));
        assert!(
            text.contains(&format!("this year. Saving last year's\n# dumps? Set their year below, file by file, or change this.\ndefault_year = {this_year}\n")),
            "{text}"
        );
        assert!(site.join("themes/default/theme.toml").is_file());
        assert!(site.join("digests").is_dir());
        let ignored: Vec<String> = read(&site.join(".gitignore"))
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        assert_eq!(ignored, ["/public/", "/.gazette/"]);
        assert!(
            !site.join(GITHUB_WORKFLOW).exists(),
            "no host was asked for"
        );
    }

    #[test]
    fn the_about_page_links_to_gazettes_repository() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), None).unwrap();
        let about = read(&dir.path().join("content/about.md"));
        assert!(
            about.contains(&format!("[Gazette]({REPOSITORY})")),
            "{about}"
        );
        assert!(REPOSITORY.starts_with("https://github.com/") && REPOSITORY.len() > 20);
    }

    #[test]
    fn init_again_in_a_site_needs_a_host_and_then_adds_only_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path();
        init(site, None).unwrap();
        let config_before = read(&site.join(CONFIG_FILE));

        let err = init(site, None).unwrap_err().to_string();
        assert!(
            err.contains("already a site") && err.contains("--deploy"),
            "{err}"
        );

        fs::create_dir_all(site.join(".github/workflows")).unwrap();
        fs::write(site.join(GITHUB_WORKFLOW), "# my own workflow\n").unwrap();
        let report = init(site, Some(Host::Github)).unwrap();
        assert!(!report.new_site);
        assert_eq!(report.written, ["static/.nojekyll"]);
        assert_eq!(read(&site.join(GITHUB_WORKFLOW)), "# my own workflow\n");
        assert_eq!(read(&site.join(CONFIG_FILE)), config_before);
        let kept: Vec<String> = report
            .diagnostics
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        let expected_start = |path: &str| {
            format!(
                "{}: warning: exists, so it was left",
                site.join(path).display()
            )
        };
        // The .gitignore from the first init ignores public/: nothing to say.
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert!(
            kept[0].starts_with(&expected_start(GITHUB_WORKFLOW)),
            "{kept:?}"
        );
        assert!(
            kept[0].contains("`gazette init --deploy github` again"),
            "{kept:?}"
        );

        // Another host adds its own file beside the others.
        let report = init(site, Some(Host::Netlify)).unwrap();
        assert_eq!(report.written, ["netlify.toml"]);
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    }

    #[test]
    fn a_gitignore_that_lets_the_output_in_is_kept_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path();
        fs::write(site.join(CONFIG_FILE), "title = \"Papers\"\n").unwrap();
        fs::write(site.join(".gitignore"), "target/\n").unwrap();
        let report = init(site, Some(Host::Gitlab)).unwrap();
        assert_eq!(read(&site.join(".gitignore")), "target/\n");
        assert_eq!(report.written, [".gitlab-ci.yml"]);
        let warning = report.diagnostics[0].to_string();
        assert!(
            warning.contains(".gitignore: warning: does not ignore public/"),
            "{warning}"
        );

        fs::write(site.join(".gitignore"), "target/\n/public\n").unwrap();
        let report = init(site, Some(Host::Netlify)).unwrap();
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    }

    #[test]
    fn a_base_url_the_host_cannot_serve_is_a_warning_on_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path();
        fs::write(
            site.join(CONFIG_FILE),
            "title = \"Papers\"\n\nbase_url = \"https://papers.example.dev/reading/\"\n",
        )
        .unwrap();
        let report = init(site, Some(Host::Github)).unwrap();
        let warnings: Vec<String> = report
            .diagnostics
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        let prefix = format!(
            "{}:3: warning: GitHub Pages serves a custom domain",
            site.join(CONFIG_FILE).display()
        );
        assert!(
            warnings.iter().any(|w| w.starts_with(&prefix)),
            "{warnings:?}"
        );
        // The domain is the person's, so GitHub Pages gets its CNAME.
        assert_eq!(read(&site.join("static/CNAME")), "papers.example.dev\n");
    }

    #[test]
    fn a_site_with_a_broken_config_is_not_touched() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(CONFIG_FILE), "paginate = \"many\"\n").unwrap();
        let err = format!("{:#}", init(dir.path(), Some(Host::Gitlab)).unwrap_err());
        assert!(err.contains("paginate"), "{err}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
