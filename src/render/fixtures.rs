//! Hand-made sites and render helpers for the render tests.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use std::sync::Arc;

use super::{RenderCache, Theme, load_theme, render};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::output::Output;
use crate::page::facts::Listed;
use crate::site::{FreePage, Paper, Site, load, related};

pub fn paper(
    slug: &str,
    title: &str,
    date: Option<(i32, u32, u32)>,
    upvotes: u32,
    tags: &[&str],
) -> Paper {
    let day = date.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
    let dump = day.map_or("undated.txt".to_string(), |d| format!("{d}.txt"));
    Paper {
        slug: slug.to_string(),
        source: PathBuf::from(format!("content/papers/{slug}.md")),
        body_line: 10,
        title: title.to_string(),
        date: day,
        authors: Some(3),
        organization: None,
        upvotes,
        tags: tags.iter().map(std::string::ToString::to_string).collect(),
        code: Some(format!("https://github.com/x/{slug}")),
        links: vec![
            format!("https://github.com/x/{slug}"),
            "https://example.org/data".into(),
        ],
        // One dump per day, named after it; undated papers come from an undated dump.
        digests: vec![dump.clone()],
        listed: vec![Listed {
            digest: dump,
            date: day,
            position: Some(1),
            upvotes: Some(upvotes),
        }],
        arxiv: None,
        abstract_: format!("Abstract of {title}. It has several sentences about the method."),
        body: String::new(),
        extra: toml::Table::new(),
        key: None,
        fingerprint: 0,
        warnings: Vec::new(),
    }
}

pub fn free_page(slug: &str, title: &str, body: &str) -> FreePage {
    FreePage {
        slug: slug.to_string(),
        source: PathBuf::from(format!("content/{slug}.md")),
        body_line: 4,
        title: title.to_string(),
        template: "page.html".to_string(),
        body: body.to_string(),
        extra: toml::Table::new(),
        fingerprint: 0,
    }
}

/// What `load` does with pages: papers sorted by slug, each page's
/// fingerprint standing for all its fields (as a file's hash does), and
/// the indexes built by `load` itself.
pub fn site_of(mut papers: Vec<Paper>, mut pages: Vec<FreePage>) -> Site {
    papers.sort_by(|a, b| a.slug.cmp(&b.slug));
    for p in &mut papers {
        p.fingerprint = 0;
        p.fingerprint = crate::fingerprint::hash(format!("{p:?}").as_bytes());
    }
    for p in &mut pages {
        p.fingerprint = 0;
        p.fingerprint = crate::fingerprint::hash(format!("{p:?}").as_bytes());
    }
    let config = Config {
        title: "Test Digest".into(),
        base_url: "https://example.org/".into(),
        paginate: 2,
        ..Config::default()
    };
    reindexed(Site {
        index: Default::default(),
        config,
        papers,
        pages,
    })
}

/// The site with its indexes made again, as `load` makes them from its
/// config (after a test changed a setting the indexes follow).
pub fn reindexed(mut site: Site) -> Site {
    site.index = load::build_indexes(&site.papers, &site.config);
    site.index.related = related::related(&site.papers, site.config.related.count);
    site
}

/// Four papers (two on one day, one undated, one with notes) and an about page.
pub fn sample() -> Site {
    let mut notes = paper("gamma", "Gamma rays", Some((2025, 4, 28)), 7, &["physics"]);
    notes.body = "## Why\n\nIt is *good*.\n\n```rust\nfn main() {}\n```\n".into();
    site_of(
        vec![
            paper(
                "alpha",
                "Alpha model",
                Some((2025, 4, 28)),
                3,
                &["llm", "vision"],
            ),
            paper("beta", "Beta method", Some((2025, 3, 2)), 12, &["llm"]),
            notes,
            paper("delta", "Delta undated", None, 0, &[]),
        ],
        vec![free_page("about", "About", "We read *papers*.")],
    )
}

pub fn default_theme() -> Theme {
    load_theme(Path::new(env!("CARGO_MANIFEST_DIR")), &Config::default())
        .expect("default theme loads")
}

/// The default theme with some templates replaced.
pub fn theme_with(overrides: &[(&str, &str)]) -> Theme {
    let mut theme = default_theme();
    for (name, source) in overrides {
        theme.templates.insert(name.to_string(), source.to_string());
        theme
            .sources
            .insert(name.to_string(), format!("templates/{name}"));
    }
    theme
}

/// A full render with the default theme.
pub fn build(site: &Site, base_url: &str) -> Output {
    let output = render(
        site,
        &default_theme(),
        base_url,
        &mut RenderCache::default(),
    )
    .expect("renders")
    .0;
    Arc::unwrap_or_clone(output)
}

/// A full render with `theme`, at `https://example.org/`.
pub fn build_with(site: &Site, theme: &Theme) -> Output {
    render_with(site, theme, &mut RenderCache::default())
}

/// A render at `https://example.org/` that keeps `cache`.
pub fn render_with(site: &Site, theme: &Theme, cache: &mut RenderCache) -> Output {
    let output = render(site, theme, "https://example.org/", cache)
        .expect("renders")
        .0;
    Arc::unwrap_or_clone(output)
}

/// The errors of a render that must fail.
pub fn render_err(site: &Site, theme: &Theme) -> Vec<Diagnostic> {
    render(
        site,
        theme,
        "https://example.org/",
        &mut RenderCache::default(),
    )
    .expect_err("the render fails")
}

pub fn text<'a>(out: &'a Output, path: &str) -> &'a str {
    let bytes = out
        .files
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in {:?}", out.files.keys().collect::<Vec<_>>()));
    std::str::from_utf8(bytes).unwrap()
}
