//! Every kind of output Gazette renders, one module each, and [`KINDS`],
//! the one table the engine reads. A kind lists its jobs (one per output
//! file) and, in the same file, renders them; see docs/dev/render.md.

mod dates;
mod feeds;
mod free;
mod latest;
mod listing;
mod listings;
mod not_found;
mod orgs;
mod paper;
pub mod papers_json;
mod robots;
pub mod search;
pub mod sitemap;
mod statics;
mod syntax_css;
mod tags;
mod top;
mod trending;

use super::engine::Kind;

/// Every kind, in the order the sitemap lists their pages.
pub const KINDS: &[Kind] = &[
    Kind::Site(latest::jobs),
    Kind::Site(top::jobs),
    Kind::Site(trending::jobs),
    Kind::Site(tags::listings),
    Kind::Site(orgs::listings),
    Kind::Site(dates::listings),
    Kind::Site(listings::days),
    Kind::Site(paper::jobs),
    Kind::Site(tags::index),
    Kind::Site(orgs::index),
    Kind::Site(dates::archive),
    Kind::Site(listings::index),
    Kind::Site(search::page),
    Kind::Site(not_found::jobs),
    Kind::Site(free::jobs),
    Kind::Site(feeds::jobs),
    Kind::Pages(sitemap::jobs),
    Kind::Site(robots::jobs),
    Kind::Site(papers_json::jobs),
    Kind::Site(search::index),
    Kind::Site(syntax_css::jobs),
    Kind::Site(statics::jobs),
];

/// The site as a whole: every kind together.
#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;
    use crate::render::links;
    use crate::site::urls;

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
            "dates/2025/w18/index.html",
            "listings/index.html",
            "listings/2025-04-28/index.html",
            "trending/index.html",
            "orgs/index.html",
            "search/index.html",
            "search/index.json",
            "search/page.mjs",
            "style.css",
            "syntax.css",
            "feed.xml",
            "sitemap.xml",
            "robots.txt",
            "404.html",
            "papers.json",
            "papers/2025-04.json",
            "papers/undated.json",
            "about/index.html",
        ] {
            assert!(out.files.contains_key(path), "missing {path}");
        }
        assert!(
            !out.files.contains_key("page/3/index.html"),
            "4 papers at 2 per page make 2 pages"
        );
    }

    /// A kind that writes into a new top-level folder must reserve it, or
    /// a free page could take its URL.
    #[test]
    fn every_folder_gazette_writes_is_reserved_from_free_pages() {
        let mut site = sample();
        site.pages.clear();
        let out = build(&site, "https://example.org/");
        for path in out.files.keys() {
            if let Some((top, _)) = path.split_once('/') {
                assert!(
                    urls::RESERVED.contains(&top),
                    "{path}: /{top}/ is not reserved"
                );
            }
        }
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
            assert!(!html.contains("src=\"/search/"), "{path}");
        }
        assert!(text(&out, "feed.xml").contains("<link>https://example.org/papers-site/papers/"));
        assert!(
            text(&out, "sitemap.xml")
                .contains("<loc>https://example.org/papers-site/tags/llm/</loc>")
        );
        assert!(text(&out, "robots.txt").contains("https://example.org/papers-site/sitemap.xml"));
        assert!(text(&out, "papers/alpha/index.html").contains(
            "<link rel=\"canonical\" href=\"https://example.org/papers-site/papers/alpha/\">"
        ));
    }

    #[test]
    fn characters_xml_forbids_never_reach_an_xml_file() {
        let nasty = "A\u{1}B\u{b}C\u{1b}[2JD\u{0}E\u{fffe}F\u{ffff}G\u{7}";
        let mut evil = paper(
            "evil",
            &format!("Title {nasty}"),
            Some((2025, 4, 28)),
            5,
            &["llm", nasty],
        );
        evil.abstract_ = format!("Abstract {nasty}");
        let sample = sample();
        let mut papers = sample.papers;
        papers.push(evil);
        let mut site = site_of(papers, sample.pages);
        site.config.title = format!("Site {nasty}");
        site.config.description = format!("About {nasty}");
        let out = build(&site, "https://example.org/");
        let mut xml_files = 0;
        for (path, bytes) in &out.files {
            if !path.ends_with(".xml") {
                continue;
            }
            xml_files += 1;
            let text = std::str::from_utf8(bytes).unwrap();
            if let Some(c) = text
                .chars()
                .find(|&c| !crate::render::escape::xml_allows(c))
            {
                panic!("{path} holds U+{:04X}, which XML 1.0 forbids", c as u32);
            }
        }
        assert!(xml_files >= 3, "feed, a tag feed and the sitemap");
        let feed = rss::Channel::read_from(out.files["feed.xml"].as_ref()).unwrap();
        assert_eq!(
            feed.title(),
            "Site ABC[2JDEFG",
            "the rest of the text stays"
        );
        assert!(
            feed.items()
                .iter()
                .any(|i| i.title() == Some("Title ABC[2JDEFG"))
        );
    }

    const HOSTILE: &str = "<script>alert(\"x\")</script> & 'q' {{ config.title }} {% if true %}";

    #[test]
    fn hostile_digest_text_is_escaped_everywhere_and_never_evaluated() {
        let mut evil = paper("evil", HOSTILE, Some((2025, 4, 28)), 5, &["llm", HOSTILE]);
        evil.abstract_ = format!("{HOSTILE} abstract");
        evil.organization = Some(HOSTILE.to_string());
        evil.authors = None;
        evil.digests = vec![HOSTILE.to_string()];
        let site = sample();
        let mut papers = site.papers;
        papers.push(evil);
        let out = build(&site_of(papers, site.pages), "https://example.org/");

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

        // Its date puts it in April's chunk of papers.json.
        let json: serde_json::Value =
            serde_json::from_str(text(&out, "papers/2025-04.json")).unwrap();
        let evil_json = json
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["slug"] == "evil")
            .unwrap();
        assert_eq!(evil_json["title"], HOSTILE);
        assert_eq!(evil_json["organization"], HOSTILE);
        let records: Vec<serde_json::Value> = (out.files.iter())
            .filter(|(path, _)| path.starts_with("search/r/"))
            .flat_map(|(_, bytes)| serde_json::from_slice::<Vec<serde_json::Value>>(bytes).unwrap())
            .collect();
        assert!(records.iter().any(|r| r[0] == HOSTILE && r[3] == HOSTILE));
        for (path, bytes) in &out.files {
            if path.starts_with("search/") && path.ends_with(".json") {
                let text = String::from_utf8_lossy(bytes);
                assert!(
                    !text.contains('<') && !text.contains('&'),
                    "{path} has raw markup"
                );
            }
        }

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
}
