//! Whole-site render tests over hand-built sites and the default theme.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::*;
use crate::site::{FreePage, Indexes, Paper};

fn paper(
    slug: &str,
    title: &str,
    date: Option<(i32, u32, u32)>,
    upvotes: u32,
    tags: &[&str],
) -> Paper {
    Paper {
        slug: slug.to_string(),
        source: PathBuf::from(format!("content/papers/{slug}.md")),
        body_line: 10,
        title: title.to_string(),
        arxiv: None,
        date: date.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
        authors: Some(3),
        organization: None,
        upvotes,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        code: Some(format!("https://github.com/x/{slug}")),
        links: vec![
            format!("https://github.com/x/{slug}"),
            "https://example.org/data".into(),
        ],
        digests: vec!["000_a.txt".into()],
        abstract_: format!("Abstract of {title}. It has several sentences about the method."),
        body: String::new(),
        extra: toml::Table::new(),
        fingerprint: 0,
    }
}

fn free_page(slug: &str, title: &str, body: &str) -> FreePage {
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

/// The indexes as `load` defines them, built the slow obvious way.
fn indexes(papers: &[Paper]) -> Indexes {
    let mut latest: Vec<usize> = (0..papers.len()).collect();
    latest.sort_by(|&a, &b| {
        let (pa, pb) = (&papers[a], &papers[b]);
        match (pa.date, pb.date) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then(pa.title.cmp(&pb.title))
        .then(pa.slug.cmp(&pb.slug))
    });
    let mut top = latest.clone();
    top.sort_by_key(|&i| std::cmp::Reverse(papers[i].upvotes));
    let mut index = Indexes {
        latest: latest.clone(),
        top,
        ..Indexes::default()
    };
    for &i in &latest {
        let p = &papers[i];
        for t in &p.tags {
            index.by_tag.entry(t.clone()).or_default().push(i);
        }
        match p.date {
            Some(d) => {
                use chrono::Datelike;
                index
                    .by_month
                    .entry((d.year(), d.month()))
                    .or_default()
                    .push(i);
                index.by_day.entry(d).or_default().push(i);
            }
            None => index.undated.push(i),
        }
        if let Some(o) = &p.organization {
            index.by_organization.entry(o.clone()).or_default().push(i);
        }
    }
    index
}

fn site_of(mut papers: Vec<Paper>, pages: Vec<FreePage>) -> Site {
    papers.sort_by(|a, b| a.slug.cmp(&b.slug));
    let config = Config {
        title: "Test Digest".into(),
        base_url: "https://example.org/".into(),
        paginate: 2,
        ..Config::default()
    };
    Site {
        index: indexes(&papers),
        config,
        papers,
        pages,
    }
}

fn sample() -> Site {
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

fn default_theme() -> Theme {
    load_theme(Path::new(env!("CARGO_MANIFEST_DIR")), &Config::default())
        .expect("default theme loads")
}

fn build(site: &Site, base_url: &str) -> Output {
    render(
        site,
        &default_theme(),
        base_url,
        &mut RenderCache::default(),
    )
    .expect("renders")
    .0
}

fn text<'a>(out: &'a Output, path: &str) -> &'a str {
    let bytes = out
        .files
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in {:?}", out.files.keys().collect::<Vec<_>>()));
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn every_page_of_the_url_map_is_rendered() {
    let out = build(&sample(), "https://example.org/");
    for path in [
        "index.html",
        "page/2/index.html",
        "top/index.html",
        "top/page/2/index.html",
        "papers/alpha/index.html",
        "papers/delta/index.html",
        "tags/index.html",
        "tags/llm/index.html",
        "tags/llm/feed.xml",
        "dates/index.html",
        "dates/2025/04/index.html",
        "dates/2025/04/28/index.html",
        "dates/2025/03/02/index.html",
        "dates/undated/index.html",
        "search/index.html",
        "search.json",
        "search.js",
        "style.css",
        "syntax.css",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "papers.json",
        "about/index.html",
    ] {
        assert!(out.files.contains_key(path), "missing {path}");
    }
    assert!(
        !out.files.contains_key("page/3/index.html"),
        "4 papers at 2 per page make 2 pages"
    );
}

#[test]
fn no_internal_link_is_broken_at_a_domain_root() {
    let out = build(&sample(), "https://example.org/");
    assert_eq!(links::broken_links(&out, "/"), Vec::<String>::new());
}

#[test]
fn a_sub_path_site_links_inside_its_sub_path() {
    let out = build(&sample(), "https://example.org/papers-site/");
    assert_eq!(
        links::broken_links(&out, "/papers-site/"),
        Vec::<String>::new()
    );
    for (path, bytes) in &out.files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = std::str::from_utf8(bytes).unwrap();
        for (i, _) in html.match_indices("href=\"/") {
            assert!(
                html[i..].starts_with("href=\"/papers-site/"),
                "{path}: root-relative link outside the sub-path: {}",
                &html[i..(i + 40).min(html.len())]
            );
        }
        assert!(!html.contains("src=\"/search.js"), "{path}");
    }
    assert!(text(&out, "feed.xml").contains("<link>https://example.org/papers-site/papers/"));
    assert!(
        text(&out, "sitemap.xml").contains("<loc>https://example.org/papers-site/tags/llm/</loc>")
    );
    assert!(text(&out, "robots.txt").contains("https://example.org/papers-site/sitemap.xml"));
    assert!(text(&out, "papers/alpha/index.html").contains(
        "<link rel=\"canonical\" href=\"https://example.org/papers-site/papers/alpha/\">"
    ));
}

const HOSTILE: &str = "<script>alert(\"x\")</script> & 'q' {{ config.title }} {% if true %}";

#[test]
fn hostile_digest_text_is_escaped_everywhere_and_never_evaluated() {
    let mut evil = paper("evil", HOSTILE, Some((2025, 4, 28)), 5, &["llm", HOSTILE]);
    evil.abstract_ = format!("{HOSTILE} abstract");
    evil.organization = Some(HOSTILE.to_string());
    evil.authors = None;
    evil.digests = vec![HOSTILE.to_string()];
    let mut site = sample();
    site.papers.push(evil);
    site.papers.sort_by(|a, b| a.slug.cmp(&b.slug));
    site.index = indexes(&site.papers);
    let out = build(&site, "https://example.org/");

    for (path, bytes) in &out.files {
        let text = String::from_utf8_lossy(bytes);
        if path.ends_with(".html") || path.ends_with(".xml") {
            assert!(!text.contains("<script>alert"), "{path} has a live script");
        }
        if path.ends_with(".html") {
            // Quotes escaped too: the text may sit in an attribute.
            assert!(
                !text.contains("alert(\"x\")"),
                "{path} has an unescaped quote"
            );
            assert!(!text.contains("'q'"), "{path} has an unescaped apostrophe");
            assert!(
                !text.contains("Test Digest {% if"),
                "{path} evaluated digest text as a template"
            );
        }
    }
    let page = text(&out, "papers/evil/index.html");
    assert!(
        page.contains("{{ config.title }} {% if true %}"),
        "the braces are shown as text"
    );
    assert!(page.contains("&lt;script&gt;alert(&quot;x&quot;)"));
    // The description meta tag holds the abstract in an attribute.
    assert!(page.contains("<meta name=\"description\" content=\"&lt;script&gt;"));

    let json: serde_json::Value = serde_json::from_str(text(&out, "papers.json")).unwrap();
    let evil_json = json
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "evil")
        .unwrap();
    assert_eq!(evil_json["title"], HOSTILE);
    assert_eq!(evil_json["organization"], HOSTILE);
    let search: serde_json::Value = serde_json::from_str(text(&out, "search.json")).unwrap();
    assert!(search.as_array().unwrap().iter().any(|r| r["t"] == HOSTILE));

    let feed = rss::Channel::read_from(out.files["feed.xml"].as_ref()).unwrap();
    let item = feed
        .items()
        .iter()
        .find(|i| i.title() == Some(HOSTILE))
        .expect("item");
    // The description is HTML for readers: the abstract arrives as text.
    assert!(
        item.description()
            .unwrap()
            .starts_with("&lt;script&gt;alert(&quot;x&quot;)")
    );
}

#[test]
fn a_script_url_in_a_paper_is_not_a_link() {
    let mut p = paper("x", "X", Some((2025, 1, 1)), 0, &[]);
    p.code = Some("javascript:alert(1)".into());
    p.links = vec!["javascript:alert(2)".into()];
    let out = build(&site_of(vec![p], vec![]), "https://example.org/");
    for (path, bytes) in &out.files {
        if path.ends_with(".html") {
            assert!(
                !String::from_utf8_lossy(bytes).contains("javascript:"),
                "{path}"
            );
        }
    }
}

#[test]
fn paper_page_shows_facts_notes_and_neighbours() {
    let out = build(&sample(), "https://example.org/");
    let page = text(&out, "papers/gamma/index.html");
    assert!(page.contains("<h1>Gamma rays</h1>"));
    assert!(page.contains("Apr 28, 2025"));
    assert!(page.contains("3 authors"));
    assert!(page.contains("▲ 7"));
    assert!(page.contains("href=\"/tags/physics/\""));
    assert!(
        page.contains("<h3 id=\"why\">Why</h3>"),
        "notes rendered from Markdown"
    );
    assert!(
        page.contains("class=\"hl-"),
        "code highlighted with classes"
    );
    assert!(page.contains("000_a.txt"), "digests listed");
    assert!(
        page.contains("href=\"https://github.com/x/gamma\""),
        "code link"
    );
    // latest order: alpha, gamma (Apr 28, by title), beta (Mar 2), delta (undated)
    assert!(
        page.contains("rel=\"prev\" href=\"/papers/alpha/\""),
        "{page}"
    );
    assert!(page.contains("rel=\"next\" href=\"/papers/beta/\""));
    let undated = text(&out, "papers/delta/index.html");
    assert!(undated.contains("undated"));
    assert!(
        !undated.contains("rel=\"next\""),
        "the last paper has no next"
    );
}

#[test]
fn listings_paginate_and_keep_index_order() {
    let out = build(&sample(), "https://example.org/");
    let home = text(&out, "index.html");
    let (a, g) = (
        home.find("Alpha model").unwrap(),
        home.find("Gamma rays").unwrap(),
    );
    assert!(a < g);
    assert!(!home.contains("Beta method"), "page 1 holds 2 papers");
    assert!(home.contains("href=\"/page/2/\""));
    let top = text(&out, "top/index.html");
    assert!(top.find("Beta method").unwrap() < top.find("Gamma rays").unwrap());
    let month = text(&out, "dates/2025/04/index.html");
    assert!(
        month.contains("Alpha model") && month.contains("Gamma rays") && !month.contains("Beta")
    );
    let tags = text(&out, "tags/index.html");
    assert!(
        tags.contains("href=\"/tags/llm/\">llm</a> <small>2</small>"),
        "{tags}"
    );
    let archive = text(&out, "dates/index.html");
    assert!(archive.contains("href=\"/dates/2025/03/\">March</a>"));
    assert!(archive.contains("href=\"/dates/undated/\""));
}

#[test]
fn about_is_in_the_navigation_only_when_the_page_exists() {
    let out = build(&sample(), "https://example.org/");
    assert!(text(&out, "index.html").contains("href=\"/about/\""));
    let mut site = sample();
    site.pages.clear();
    let out = build(&site, "https://example.org/");
    assert!(!text(&out, "index.html").contains("/about/"));
}

#[test]
fn no_undated_listing_without_undated_papers() {
    let mut site = sample();
    site.papers.retain(|p| p.date.is_some());
    site.index = indexes(&site.papers);
    let out = build(&site, "https://example.org/");
    assert!(!out.files.contains_key("dates/undated/index.html"));
    assert_eq!(links::broken_links(&out, "/"), Vec::<String>::new());
}

#[test]
fn feeds_hold_the_latest_papers_up_to_the_limit() {
    let mut site = sample();
    site.config.feeds.limit = 2;
    let out = build(&site, "https://example.org/");
    let feed = rss::Channel::read_from(out.files["feed.xml"].as_ref()).unwrap();
    let titles: Vec<_> = feed.items().iter().map(|i| i.title().unwrap()).collect();
    assert_eq!(titles, ["Alpha model", "Gamma rays"]);
    assert_eq!(
        feed.items()[0].pub_date(),
        Some("Mon, 28 Apr 2025 00:00:00 +0000")
    );
    let tag = rss::Channel::read_from(out.files["tags/llm/feed.xml"].as_ref()).unwrap();
    assert_eq!(tag.items().len(), 2);
}

#[test]
fn two_renders_are_byte_identical() {
    let site = sample();
    assert_eq!(
        build(&site, "https://example.org/"),
        build(&site, "https://example.org/")
    );
}

#[test]
fn an_incremental_render_equals_a_full_one_and_reuses_most_pages() {
    let mut papers = Vec::new();
    for i in 0..40 {
        let tag = ["llm", "vision", "audio"][i % 3];
        papers.push(paper(
            &format!("p{i:02}"),
            &format!("Paper {i}"),
            Some((2025, 1 + (i % 4) as u32, 1 + (i % 20) as u32)),
            i as u32,
            &[tag],
        ));
    }
    let mut site = site_of(papers, vec![free_page("about", "About", "x")]);
    site.config.paginate = 5;
    let theme = default_theme();
    let mut cache = RenderCache::default();
    let (_, first) = render(&site, &theme, "https://example.org/", &mut cache).unwrap();
    assert_eq!(first.reused, 0);

    let i = site.papers.iter().position(|p| p.slug == "p17").unwrap();
    site.papers[i].title = "Paper 17, revised".into();
    site.papers[i].body = "New *notes*.".into();
    site.index = indexes(&site.papers);
    let (incremental, stats) = render(&site, &theme, "https://example.org/", &mut cache).unwrap();
    let full = build(&site, "https://example.org/");
    assert_eq!(
        incremental, full,
        "an incremental render must equal a full one"
    );
    assert!(text(&incremental, "papers/p17/index.html").contains("Paper 17, revised"));
    assert!(stats.reused > 3 * stats.rendered, "{stats:?}");
    assert!(stats.rendered > 0);

    // Nothing changed: everything reused.
    let (_, again) = render(&site, &theme, "https://example.org/", &mut cache).unwrap();
    assert_eq!(again.rendered, 0, "{again:?}");
}

fn theme_with(overrides: &[(&str, &str)]) -> Theme {
    let mut theme = default_theme();
    for (name, source) in overrides {
        theme.templates.insert(name.to_string(), source.to_string());
        theme
            .sources
            .insert(name.to_string(), format!("templates/{name}"));
    }
    theme
}

#[test]
fn a_missing_variable_names_the_template() {
    let theme = theme_with(&[(
        "tags.html",
        "{% extends \"base.html\" %}{% block content %}{{ nope.nothing }}{% endblock content %}",
    )]);
    let err = render(
        &sample(),
        &theme,
        "https://example.org/",
        &mut RenderCache::default(),
    )
    .unwrap_err();
    assert_eq!(err.len(), 1, "{err:?}");
    assert_eq!(err[0].file, "templates/tags.html");
    assert!(err[0].message.contains("nope.nothing"), "{}", err[0]);
    assert!(
        err[0].message.contains("/tags/"),
        "names the page: {}",
        err[0]
    );
}

#[test]
fn a_broken_card_template_is_one_error_not_one_per_paper() {
    let theme = theme_with(&[("partials/card.html", "{{ paper.missing }}")]);
    let err = render(
        &sample(),
        &theme,
        "https://example.org/",
        &mut RenderCache::default(),
    )
    .unwrap_err();
    assert_eq!(err.len(), 1, "{err:?}");
    assert_eq!(err[0].file, "templates/partials/card.html");
    assert!(err[0].message.contains("and 3 more"), "{}", err[0]);
}

#[test]
fn a_template_syntax_error_names_file_and_line() {
    let theme = theme_with(&[("page.html", "ok\n{% if %}\n")]);
    let err = render(
        &sample(),
        &theme,
        "https://example.org/",
        &mut RenderCache::default(),
    )
    .unwrap_err();
    assert_eq!(err[0].file, "templates/page.html", "{:?}", err);
    assert_eq!(err[0].line, 2, "{}", err[0]);
}

#[test]
fn a_free_page_may_not_take_a_gazette_url() {
    let mut site = sample();
    site.pages.push(free_page("tags", "Tags", "mine"));
    let err = render(
        &site,
        &default_theme(),
        "https://example.org/",
        &mut RenderCache::default(),
    )
    .unwrap_err();
    assert_eq!(err[0].file, "content/tags.md");
    assert!(err[0].message.contains("/tags/"), "{}", err[0]);
}

#[test]
fn free_pages_render_markdown_in_their_template() {
    let out = build(&sample(), "https://example.org/");
    let about = text(&out, "about/index.html");
    assert!(about.contains("<h1>About</h1>"));
    assert!(about.contains("We read <em>papers</em>."));
    assert!(about.contains("aria-current=\"page\">About"));
}

#[test]
fn search_page_is_useful_without_javascript() {
    let out = build(&sample(), "https://example.org/");
    let page = text(&out, "search/index.html");
    assert!(page.contains("<noscript>"));
    assert!(
        page.contains("href=\"/tags/llm/\""),
        "tags are listed for browsing"
    );
    assert!(page.contains("data-index=\"/search.json\""));
    let index: Vec<serde_json::Value> = serde_json::from_str(text(&out, "search.json")).unwrap();
    assert_eq!(index.len(), 4);
    assert_eq!(index[0]["u"], "/papers/alpha/");
}

#[test]
fn tags_sharing_a_slug_share_one_page() {
    let site = site_of(
        vec![
            paper("a", "A", Some((2025, 1, 2)), 0, &["LLM"]),
            paper("b", "B", Some((2025, 1, 1)), 0, &["llm"]),
        ],
        vec![],
    );
    let out = build(&site, "https://example.org/");
    let page = text(&out, "tags/llm/index.html");
    assert!(page.contains(">A</a>") && page.contains(">B</a>"));
    let _ = BTreeMap::<u8, u8>::new();
}

#[test]
fn a_theme_that_loops_over_papers_gets_them() {
    let theme = theme_with(&[(
        "list.html",
        "{% for p in papers %}[{{ p.title }}|{{ p.upvotes }}]{% endfor %}",
    )]);
    let (out, _) = render(
        &sample(),
        &theme,
        "https://example.org/",
        &mut RenderCache::default(),
    )
    .unwrap();
    assert_eq!(
        text(&out, "top/index.html"),
        "[Beta method|12][Gamma rays|7]"
    );
}
