//! Zola, when `zola` is on PATH (it is not on crates.io; build it from
//! its repository: docs/performance.md says how): the same papers as a
//! Zola site, built and served side by side with Gazette.
//!
//! The pages are Gazette's papers with the facts under `[extra]` (Zola
//! allows no other front matter keys), tags, months and days as
//! taxonomies, and `weight` = the paper's rank by upvotes. Zola sorts a
//! section one way only, so the two sorted listings need two sections:
//! `content/papers/` is sorted by weight (the top listing, at
//! `/papers/page/N/`) and transparent, which hands its pages to the home
//! page, sorted by date (the latest listing, at `/page/N/`). Zola renders
//! each paper page once per section holding it, so twice: that is what two
//! orders cost in Zola. Zola leaves undated papers out of a date-sorted
//! listing (4 % of the corpus: the latest listing is that much shorter).
//! `papers.json` and `search.json` are made as feeds (Zola renders one
//! template per name in `feed_filenames`), so each tag also gets two
//! empty files beside its feed. The `default` templates show cards and
//! rows where Gazette's default theme does (see `hugo.rs`).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;
use gazette::site::Site;

use super::{Scenario, Step, Templates, Tool, args, toml_string, toml_strings};
use crate::live;

fn config(site: &Site) -> String {
    let config = &site.config;
    format!(
        r#"base_url = {base}
title = {title}
description = {description}
default_language = {language}
compile_sass = false
build_search_index = false
generate_sitemap = true
generate_robots_txt = true
generate_feeds = true
feed_filenames = ["feed.xml", "papers.json", "search.json"]
feed_limit = {feed_limit}
taxonomies = [
    {{ name = "tags", paginate_by = {paginate}, feed = true }},
    {{ name = "months" }},
    {{ name = "days" }},
]
"#,
        base = toml_string(config.base_url_slash().trim_end_matches('/')),
        title = toml_string(&config.title),
        description = toml_string(&config.description),
        language = toml_string(&config.language),
        paginate = config.paginate,
        feed_limit = config.feeds.limit,
    )
}

/// One paper as a Zola page, `weight` its rank in the top listing.
fn page(paper: &gazette::site::Paper, weight: usize) -> String {
    let mut page = String::from("+++\n");
    let mut line = |key: &str, value: String| {
        writeln!(page, "{key} = {value}").expect("writing to a String");
    };
    line("title", toml_string(&paper.title));
    if let Some(date) = paper.date {
        line("date", date.to_string());
    }
    line("weight", weight.to_string());
    page.push_str("[taxonomies]\n");
    let mut line = |key: &str, value: String| {
        writeln!(page, "{key} = {value}").expect("writing to a String");
    };
    line("tags", toml_strings(&paper.tags));
    match paper.date {
        Some(date) => {
            line("months", toml_strings(&[date.format("%Y-%m").to_string()]));
            line("days", toml_strings(&[date.to_string()]));
        }
        None => line("months", toml_strings(&["undated"])),
    }
    page.push_str("[extra]\n");
    let mut line = |key: &str, value: String| {
        writeln!(page, "{key} = {value}").expect("writing to a String");
    };
    // Every key on every page, empty when the paper has none: Zola 0.22's
    // templates fail on a missing key even inside `if`, and empty is false.
    line("authors", paper.authors.unwrap_or(0).to_string());
    line(
        "organization",
        toml_string(paper.organization.as_deref().unwrap_or("")),
    );
    line("upvotes", paper.upvotes.to_string());
    line("code", toml_string(paper.code.as_deref().unwrap_or("")));
    line("links", toml_strings(&paper.links));
    line("digests", toml_strings(&paper.digests));
    line("abstract", toml_string(&paper.abstract_));
    page.push_str("+++\n");
    page.push_str(&paper.body);
    page
}

/// Writes `site`'s papers as a Zola site in `dir` with the given
/// templates, and the Gazette theme's static files from `static_dir`.
pub fn write_site(
    site: &Site,
    dir: &Path,
    templates: Templates,
    static_dir: &Path,
) -> anyhow::Result<()> {
    let content = dir.join("content");
    let papers = content.join("papers");
    let search = content.join("search");
    for folder in [&papers, &search] {
        fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    let paginate = site.config.paginate;
    fs::write(dir.join("config.toml"), config(site))?;
    fs::write(
        content.join("_index.md"),
        format!(
            "+++\ntitle = \"Latest papers\"\nsort_by = \"date\"\npaginate_by = {paginate}\n\
             template = \"index.html\"\n+++\n"
        ),
    )?;
    fs::write(
        papers.join("_index.md"),
        format!(
            "+++\ntitle = \"Top papers\"\ntransparent = true\nsort_by = \"weight\"\n\
             paginate_by = {paginate}\ntemplate = \"top.html\"\npage_template = \"paper.html\"\n+++\n"
        ),
    )?;
    fs::write(
        search.join("_index.md"),
        "+++\ntitle = \"Search\"\ntemplate = \"search.html\"\n+++\n",
    )?;
    for (rank, &i) in site.index.top.iter().enumerate() {
        let paper = &site.papers[i];
        fs::write(
            papers.join(format!("{}.md", paper.slug)),
            page(paper, rank + 1),
        )?;
    }
    crate::sites::write(
        &format!("zola/{}/templates", templates.name()),
        &dir.join("templates"),
    )?;
    super::hugo::copy_dir(static_dir, &dir.join("static"))
}

/// The page of `slug` in a site written by [`write_site`].
pub fn paper_page(dir: &Path, slug: &str) -> PathBuf {
    dir.join("content")
        .join("papers")
        .join(format!("{slug}.md"))
}

/// The `zola` on PATH, if any.
pub fn find() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(if cfg!(windows) { "zola.exe" } else { "zola" }))
        .find(|candidate| candidate.is_file())
}

/// Zola's steps: a cold build (no `public/`), then the same build again
/// (Zola deletes its output folder first and writes everything).
pub fn steps(zola: &Path, dir: &Path, templates: Templates) -> Vec<Step> {
    let step = |scenario, clear: Vec<PathBuf>| Step {
        tool: Tool::Zola,
        templates,
        scenario,
        program: zola.to_path_buf(),
        args: args([
            "--root".into(),
            dir.as_os_str().to_os_string(),
            "build".into(),
        ]),
        clear,
        output: dir.join("public"),
        count_written: scenario == Scenario::Again,
    };
    vec![
        step(Scenario::Cold, vec![dir.join("public")]),
        step(Scenario::Again, vec![]),
    ]
}

/// `zola serve` on `port` with its defaults (a 1 s debounce; HTML kept in
/// memory), its static output in a folder of its own.
pub fn server(zola: &Path, dir: &Path, port: u16) -> live::ServerSpec {
    let mut command = Command::new(zola);
    command
        .arg("--root")
        .arg(dir)
        .arg("serve")
        .args(["--interface", "127.0.0.1", "--port", &port.to_string()])
        .arg("--output-dir")
        .arg(dir.join("public-serve"))
        .arg("--force")
        .stdin(Stdio::null());
    live::ServerSpec {
        tool: Tool::Zola,
        command,
        port,
        socket_path: "/livereload".to_string(),
        visit: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paper_page_keeps_zolas_front_matter_rules() {
        let paper = super::super::tests::paper(
            "title = 'T'\ndate = 2025-04-28\norganization = 'kyutai'\nupvotes = 7\n\
             tags = ['speech']\nabstract = 'An abstract.'\n",
            "My notes.\n",
        );
        let text = page(&paper, 12);
        let front = text.strip_prefix("+++\n").unwrap();
        let (front, body) = front.split_once("+++\n").unwrap();
        let parsed: toml::Table = toml::from_str(front).unwrap();
        // Only Zola's own keys at the top; the facts under [extra].
        let mut top: Vec<&str> = parsed.keys().map(String::as_str).collect();
        top.sort();
        assert_eq!(top, ["date", "extra", "taxonomies", "title", "weight"]);
        assert_eq!(parsed["weight"].as_integer(), Some(12));
        assert_eq!(parsed["taxonomies"]["days"][0].as_str(), Some("2025-04-28"));
        assert_eq!(parsed["extra"]["organization"].as_str(), Some("kyutai"));
        assert_eq!(parsed["extra"]["upvotes"].as_integer(), Some(7));
        assert_eq!(body, "My notes.\n");
    }
}
