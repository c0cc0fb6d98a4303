//! The site's URL layout: every URL Gazette writes or links to is made by
//! one of these functions, so pages, links, feeds and the sitemap cannot
//! drift apart. Paths are site-relative: no leading slash, a trailing slash
//! for pages (`tags/llm/`), a file name for files (`feed.xml`).

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Top-level folders the functions below put pages in. A free page may not
/// take one (its URL would collide with pages Gazette writes now or later).
pub const RESERVED: &[&str] = &[
    "page", "top", "papers", "tags", "dates", "search", "orgs", "listings", "trending",
];

/// The latest papers: the site's home page.
pub fn latest() -> &'static str {
    ""
}

pub fn top() -> &'static str {
    "top/"
}

pub fn paper(slug: &str) -> String {
    format!("papers/{slug}/")
}

/// The index of every tag.
pub fn tags() -> &'static str {
    "tags/"
}

/// The URL segment of a tag (`Speech LLM` → `speech-llm`); empty when the
/// tag has no letters or digits, and so no page. A `+` or `#` on a word is
/// spelt out, as it tells tags apart: `C++` → `c-plus-plus`, `C#` →
/// `c-sharp`, `C` → `c` (the merge key of titles keeps them for the same
/// reason). Tags with one slug are one tag (`LLM`, `llm`).
pub fn tag_slug(tag: &str) -> String {
    if !tag.contains(['+', '#']) {
        return slug::slugify(tag);
    }
    let mut spelt = String::with_capacity(tag.len() + 16);
    let mut on_word = false;
    for c in tag.chars() {
        match c {
            '+' if on_word => spelt.push_str(" plus "),
            '#' if on_word => spelt.push_str(" sharp "),
            c => {
                on_word = c.is_alphanumeric();
                spelt.push(c);
                continue;
            }
        }
    }
    slug::slugify(spelt)
}

pub fn tag(tag: &str) -> String {
    format!("tags/{}/", tag_slug(tag))
}

pub fn tag_feed(tag: &str) -> String {
    format!("tags/{}/feed.xml", tag_slug(tag))
}

/// The index of every organization.
pub fn orgs() -> &'static str {
    "orgs/"
}

/// The URL segment of an organization: its slug (`Kyutai` → `kyutai`,
/// `清华大学` → `qing-hua-da-xue`), or for a name with no letters or digits
/// (`···`) `org--` and a hash of the name, which no slug can be, so two
/// names never share a page unless they slugify alike.
pub fn org_slug(name: &str) -> String {
    let slug = slug::slugify(name);
    if slug.is_empty() {
        fallback_slug("org", name)
    } else {
        slug
    }
}

pub fn org(name: &str) -> String {
    format!("orgs/{}/", org_slug(name))
}

pub fn org_feed(name: &str) -> String {
    format!("orgs/{}/feed.xml", org_slug(name))
}

/// Papers by the day someone published them: the dumps, as listed.
pub fn listings() -> &'static str {
    "listings/"
}

/// The URL segment of a dump's listing: its date (`2025-11-03`), or for a
/// dump without one the slug of its file stem (`002_d703c93bb784ae8a`).
pub fn listing_slug(date: Option<NaiveDate>, digest: &str) -> String {
    if let Some(date) = date {
        return date.format("%Y-%m-%d").to_string();
    }
    let stem = digest.rsplit_once('.').map_or(digest, |(stem, _)| stem);
    let url_safe = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    };
    let slug = if url_safe(stem) && stem.bytes().any(|b| b.is_ascii_alphanumeric()) {
        stem.to_string()
    } else {
        slug::slugify(stem)
    };
    if slug.is_empty() {
        fallback_slug("dump", digest)
    } else {
        slug
    }
}

/// A listing, by its [`listing_slug`].
pub fn listing(slug: &str) -> String {
    format!("listings/{slug}/")
}

/// The papers of the latest listings, by upvotes.
pub fn trending() -> &'static str {
    "trending/"
}

/// `<prefix>--<hash>`: a URL segment for text with nothing to slugify.
/// `slug` never makes a double dash, so this never equals a real slug.
fn fallback_slug(prefix: &str, text: &str) -> String {
    let hash = crate::fingerprint::hash(text.trim().as_bytes());
    format!("{prefix}--{:08x}", hash as u32)
}

/// The archive: every year, month and day.
pub fn archive() -> &'static str {
    "dates/"
}

pub fn month(year: i32, month: u32) -> String {
    format!("dates/{year:04}/{month:02}/")
}

pub fn day(date: NaiveDate) -> String {
    format!(
        "dates/{:04}/{:02}/{:02}/",
        date.year(),
        date.month(),
        date.day()
    )
}

/// An ISO week (`week_year` is the ISO week-based year: Dec 29, 2025 is in
/// week 1 of 2026).
pub fn week(week_year: i32, week: u32) -> String {
    format!("dates/{week_year:04}/w{week:02}/")
}

/// The ISO week a date is in, as `(week-based year, week)`.
pub fn iso_week(date: NaiveDate) -> (i32, u32) {
    let w = date.iso_week();
    (w.year(), w.week())
}

/// The listing of papers with no date.
pub fn undated() -> &'static str {
    "dates/undated/"
}

/// The day's listing, or the undated one.
pub fn date(date: Option<NaiveDate>) -> Cow<'static, str> {
    match date {
        Some(d) => Cow::Owned(day(d)),
        None => Cow::Borrowed(undated()),
    }
}

/// The search page.
pub fn search() -> &'static str {
    "search/"
}

/// The search index's manifest; the shards it names sit beside it.
pub fn search_manifest() -> &'static str {
    "search/index.json"
}

/// The theme's search page script (an ES module).
pub fn search_script() -> &'static str {
    "search/page.mjs"
}

/// The theme's stylesheet.
pub fn stylesheet() -> &'static str {
    "style.css"
}

/// Code highlighting colours: the theme's, or the one Gazette writes.
pub fn syntax_css() -> &'static str {
    "syntax.css"
}

/// A free page, `content/<slug>.md`.
pub fn free_page(slug: &str) -> String {
    format!("{slug}/")
}

pub fn not_found() -> &'static str {
    "404.html"
}

/// The site's feed.
pub fn feed() -> &'static str {
    "feed.xml"
}

pub fn sitemap() -> &'static str {
    "sitemap.xml"
}

/// Part `n` (1-based) of a sitemap too large for one file, named by the
/// index at [`sitemap`]. At the root: a sitemap may only list URLs under
/// its own folder (sitemaps.org, "Sitemap file location").
pub fn sitemap_part(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

pub fn robots() -> &'static str {
    "robots.txt"
}

/// Every paper's facts, machine-readable: the index of the chunks.
pub fn papers_json() -> &'static str {
    "papers.json"
}

/// One chunk of `papers.json`: the papers of a month
/// (`papers/2025-04.json`), or the undated ones (`papers/undated.json`).
/// A slug never holds a `.`, so no paper's folder can take the name.
pub fn papers_chunk(month: Option<(i32, u32)>) -> String {
    match month {
        Some((year, month)) => format!("papers/{year:04}-{month:02}.json"),
        None => "papers/undated.json".to_string(),
    }
}

/// Page `n` (1-based) of a paginated listing at `base` (`""`, `top/`, `tags/x/`).
pub fn page(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The output file for a URL path: `papers/x/` → `papers/x/index.html`.
pub fn file_for(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// What [`encode_path`] leaves as it is: letters, digits and the URL
/// punctuation that may stand in a path and in a quoted HTML attribute.
const KEEP_IN_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b':')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b'%')
    .remove(b'#')
    .remove(b'?');

/// Percent-encodes what may not stand in a URL path or an HTML attribute
/// (spaces, quotes, `<`, `&`, non-ASCII as UTF-8 bytes), so internal URLs
/// can be printed unescaped (`| safe`) and stay valid. `%` is kept: a path
/// already encoded is not encoded twice.
pub fn encode_path(path: &str) -> Cow<'_, str> {
    utf8_percent_encode(path, KEEP_IN_PATH).into()
}

/// Decodes `%XX` escapes (invalid UTF-8 becomes U+FFFD; a `%` not followed
/// by two hex digits stays as it is).
pub fn decode_path(path: &str) -> Cow<'_, str> {
    percent_decode_str(path).decode_utf8_lossy()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_urls_are_safe_in_attributes() {
        assert_eq!(encode_path("papers/a\"b<c>/"), "papers/a%22b%3Cc%3E/");
        assert_eq!(encode_path("papers/é/"), "papers/%C3%A9/");
        assert_eq!(encode_path("a b&c'd"), "a%20b%26c%27d");
        assert!(matches!(encode_path("papers/x-1/"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_ascii_byte_is_kept_or_encoded_by_one_rule() {
        let kept = "-._~/:@!$()*+,;=%#?";
        for b in 0u8..128 {
            let c = char::from(b);
            let expected = if c.is_ascii_alphanumeric() || kept.contains(c) {
                c.to_string()
            } else {
                format!("%{b:02X}")
            };
            assert_eq!(encode_path(&c.to_string()), expected, "byte {b}");
        }
    }

    #[test]
    fn decoding_undoes_encoding_and_keeps_stray_percent_signs() {
        for path in ["papers/é/", "a b&c'd/<x>", "tags/c++/"] {
            assert_eq!(decode_path(&encode_path(path)), path);
        }
        assert_eq!(decode_path("%zz/%4/100%"), "%zz/%4/100%");
        assert_eq!(decode_path("%FF"), "\u{FFFD}");
    }

    #[test]
    fn every_organization_gets_a_slug_and_different_names_different_ones() {
        assert_eq!(org_slug("Kyutai"), "kyutai");
        assert_eq!(
            org_slug("kyutai"),
            org_slug("KYUTAI"),
            "alike names share one"
        );
        assert_eq!(org_slug("清华大学"), "qing-hua-da-xue");
        let dots = org_slug("···");
        let dashes = org_slug("— —");
        assert!(dots.starts_with("org--") && dashes.starts_with("org--"));
        assert_ne!(dots, dashes);
        assert_eq!(
            org_slug(" ··· "),
            dots,
            "surrounding space is no difference"
        );
        // A name spelling out a fallback slug still slugifies to a single dash.
        assert_ne!(org_slug(&dots), dots);
        assert_eq!(org("Kyutai"), "orgs/kyutai/");
        assert_eq!(org_feed("Kyutai"), "orgs/kyutai/feed.xml");
    }

    #[test]
    fn a_listing_is_at_its_date_or_its_dump_s_name() {
        let d = NaiveDate::from_ymd_opt(2025, 11, 3).unwrap();
        assert_eq!(
            listing(&listing_slug(Some(d), "004_x.txt")),
            "listings/2025-11-03/"
        );
        assert_eq!(
            listing_slug(None, "002_d703c93bb784ae8a.txt"),
            "002_d703c93bb784ae8a"
        );
        assert_eq!(listing_slug(None, "My Dump.md"), "my-dump");
        assert!(listing_slug(None, "....txt").starts_with("dump--"));
    }

    #[test]
    fn weeks_are_iso_weeks_of_the_week_based_year() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(iso_week(d(2025, 11, 3)), (2025, 45));
        assert_eq!(iso_week(d(2025, 12, 29)), (2026, 1));
        assert_eq!(iso_week(d(2021, 1, 3)), (2020, 53));
        assert_eq!(week(2026, 1), "dates/2026/w01/");
    }

    #[test]
    fn plus_and_sharp_signs_on_a_word_are_spelt_out_in_tag_slugs() {
        assert_eq!(tag_slug("C++"), "c-plus-plus");
        assert_eq!(tag_slug("c#"), "c-sharp");
        assert_eq!(tag_slug("C"), "c");
        assert_eq!(tag_slug("Speech LLM"), "speech-llm");
        assert_eq!(tag_slug("#1 + 2"), "1-2", "lone signs are punctuation");
    }

    #[test]
    fn pages_are_folders_and_files_are_files() {
        assert_eq!(file_for(latest()), "index.html");
        assert_eq!(file_for(&page(top(), 2)), "top/page/2/index.html");
        assert_eq!(file_for(&tag("Speech LLM")), "tags/speech-llm/index.html");
        assert_eq!(
            file_for(&tag_feed("Speech LLM")),
            "tags/speech-llm/feed.xml"
        );
        assert_eq!(file_for(not_found()), "404.html");
        let d = NaiveDate::from_ymd_opt(2025, 4, 8).unwrap();
        assert_eq!(date(Some(d)), "dates/2025/04/08/");
        assert_eq!(date(None), undated());
    }
}
