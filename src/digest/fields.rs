//! The small pieces every shape of dump shares: numbered lines, dates,
//! author counts, counters (`117`, `-`), and the page's own text (navigation,
//! header lines) that is never a paper.

use super::DumpDate;
use crate::months;

/// Lines quoted in messages are cut to this many characters.
pub const QUOTE_CHARS: usize = 60;

/// One non-blank line: its 1-based number and its trimmed text.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    pub number: usize,
    pub text: &'a str,
}

/// Non-blank lines with their 1-based numbers; CR and surrounding spaces go.
/// A file with only CR line ends (classic Mac) is split on CR.
pub fn non_blank_lines(text: &str) -> Vec<Line<'_>> {
    let end = if !text.contains('\n') && text.contains('\r') {
        '\r'
    } else {
        '\n'
    };
    text.split(end)
        .enumerate()
        .filter_map(|(i, raw)| {
            let text = raw.trim();
            (!text.is_empty()).then_some(Line {
                number: i + 1,
                text,
            })
        })
        .collect()
}

/// The page header's own lines, in the plain copy (case-insensitive).
const HEADER_PHRASES: &[&str] = &[
    "new",
    "get trending papers in your email inbox!",
    "get trending papers in your email inbox once a day!",
    "subscribe",
    "daily papers",
    "trending papers",
    "byak and the research community",
    "by ak and the research community",
];

/// The rest of the page around the listing: navigation, tabs, buttons and
/// footer links, as a copy of the page prints them (case-insensitive).
const PAGE_CHROME: &[&str] = &[
    "daily",
    "weekly",
    "monthly",
    "hugging face",
    "models",
    "datasets",
    "spaces",
    "buckets",
    "buckets new",
    "docs",
    "enterprise",
    "pricing",
    "log in",
    "sign up",
    "website",
    "community",
    "solutions",
    "tasks",
    "huggingchat",
    "collections",
    "languages",
    "organizations",
    "blog",
    "posts",
    "learn",
    "discord",
    "forum",
    "github",
    "papers",
    "previous",
    "next",
    "submitted by",
    "upvote",
    "arxiv page",
    "view arxiv page",
    "system theme",
    "company",
    "tos",
    "privacy",
    "about",
    "careers",
    "trending papers ranked by github stars activity",
    "search",
    "-",
    "[",
    "]",
];

/// A line of the page header (`Daily Papers`, `Subscribe`, ...).
pub fn is_header_phrase(text: &str) -> bool {
    let text = text.trim_start_matches('#').trim();
    HEADER_PHRASES.iter().any(|p| text.eq_ignore_ascii_case(p))
}

/// A header line or one of the page's own words: never a paper title.
pub fn is_page_chrome(text: &str) -> bool {
    let text = text.trim();
    is_header_phrase(text) || PAGE_CHROME.iter().any(|p| text.eq_ignore_ascii_case(p))
}

pub fn is_dot(text: &str) -> bool {
    text == "·"
}

/// A URL alone: `https://...` without spaces.
pub fn is_url(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !text.contains(char::is_whitespace)
}

/// Nothing but digits, signs and punctuation: a counter, not a title.
pub fn is_bare_number(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || ".,+-–k".contains(c))
}

/// Does a short line read like a paper title on its own (used only where no
/// abstract or details follow it to say so): some letters, two words or
/// more, and none of the page's own text, URLs, counters or dates.
pub fn reads_like_title(text: &str) -> bool {
    text.chars().any(char::is_alphabetic)
        && text.split_whitespace().count() >= 2
        && !is_page_chrome(text)
        && !is_url(text)
        && !is_bare_number(text)
        && !looks_like_date(text)
        && parse_authors(text).is_none()
        && author_count(text).is_none()
}

/// `• 6 authors` (the bullet may be `•`, `*` or `-`), also `1 author`.
pub fn parse_authors(text: &str) -> Option<u32> {
    let rest = text
        .strip_prefix('•')
        .or_else(|| text.strip_prefix('*'))
        .or_else(|| text.strip_prefix('-'))?;
    author_count(rest)
}

/// `6 authors`, `1 author`, with or without a bullet before it.
pub fn author_count(text: &str) -> Option<u32> {
    let text = text.trim_start_matches(['•', '*', '-', ' ', '\u{A0}']);
    let mut words = text.split_whitespace();
    let (count, word) = (words.next()?, words.next()?);
    let is_author_word =
        word.eq_ignore_ascii_case("authors") || word.eq_ignore_ascii_case("author");
    if !is_author_word || words.next().is_some() {
        return None;
    }
    parse_small(count, 9)
}

/// A counter as the page shows it: `117`, `1,024` → a number; `-` (none yet)
/// → `Some(None)`; anything else → `None`. `Upvote 117` and `[-] 3` too.
pub fn parse_counter(text: &str) -> Option<Option<u32>> {
    let mut text = text.trim();
    for prefix in ["[-]", "Upvote", "upvote"] {
        text = text.strip_prefix(prefix).unwrap_or(text).trim();
    }
    if text == "-" || text == "–" {
        return Some(None);
    }
    let digits: String = text.chars().filter(|c| *c != ',').collect();
    parse_small(&digits, 9).map(Some)
}

/// A month abbreviation then a number: date-shaped, valid or not.
pub fn looks_like_date(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let month = words.next().and_then(months::from_abbreviation);
    let day = words.next().map(|d| d.trim_end_matches(','));
    month.is_some() && day.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// `Apr 28`, `Jun 18 1`, `May 4, 2022`, `May 4, 2022 1` → date and upvotes.
pub fn parse_date(text: &str) -> Option<(DumpDate, Option<u32>)> {
    let words: Vec<&str> = text.split_whitespace().take(5).collect();
    let month = months::from_abbreviation(words.first()?)?;
    let day_word = words.get(1)?;
    let (day_digits, has_comma) = match day_word.strip_suffix(',') {
        Some(d) => (d, true),
        None => (*day_word, false),
    };
    let day: u32 = parse_small(day_digits, 2)?;
    let (year, rest) = if has_comma {
        let year: i32 = parse_small(words.get(2)?, 4)?;
        (Some(year), &words[3..])
    } else {
        (None, &words[2..])
    };
    let upvotes = match rest {
        [] => None,
        [n] => Some(parse_small(n, 9)?),
        _ => return None,
    };
    // Validate month/day; a year-less date is checked against a leap year.
    chrono::NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, day)?;
    Some((DumpDate { year, month, day }, upvotes))
}

/// A paper's date line in the shapes with links, which may say
/// `· Published on Oct 4, 2026`: the date, without upvotes.
pub fn parse_published(text: &str) -> Option<DumpDate> {
    let text = text.trim().trim_start_matches('·').trim();
    let text = text.strip_prefix("Published on").unwrap_or(text).trim();
    match parse_date(text) {
        Some((date, None)) => Some(date),
        _ => None,
    }
}

/// Digits only, at most `max_len` of them.
pub fn parse_small<T: std::str::FromStr>(s: &str, max_len: usize) -> Option<T> {
    if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A line cut short for messages (char-boundary safe).
pub fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_as_the_page_shows_them() {
        assert_eq!(parse_counter("117"), Some(Some(117)));
        assert_eq!(parse_counter("[-] 1"), Some(Some(1)));
        assert_eq!(parse_counter("[-] -"), Some(None));
        assert_eq!(parse_counter("Upvote 25"), Some(Some(25)));
        assert_eq!(parse_counter("1,024"), Some(Some(1024)));
        assert_eq!(parse_counter("-"), Some(None));
        assert_eq!(parse_counter("3.29k"), None);
        assert_eq!(parse_counter("Models"), None);
    }

    #[test]
    fn author_counts_with_and_without_a_bullet() {
        assert_eq!(author_count("3 authors"), Some(3));
        assert_eq!(author_count("- 10 authors"), Some(10));
        assert_eq!(author_count("* 1 author"), Some(1));
        assert_eq!(author_count("3 authors and more"), None);
        assert_eq!(
            parse_authors("6 authors"),
            None,
            "the plain copy has a bullet"
        );
    }

    #[test]
    fn published_dates_in_their_spellings() {
        let d = |year, month, day| Some(DumpDate { year, month, day });
        assert_eq!(
            parse_published("· Published on Oct 4, 2026"),
            d(Some(2026), 10, 4)
        );
        assert_eq!(parse_published("Published on Sep 4"), d(None, 9, 4));
        assert_eq!(parse_published("Mar 11, 2025"), d(Some(2025), 3, 11));
        assert_eq!(parse_published("Published on"), None);
    }

    #[test]
    fn what_reads_like_a_title_on_its_own() {
        assert!(reads_like_title("No Abstract Here"));
        assert!(reads_like_title("Mamba: Linear-Time Sequence Modeling"));
        for junk in [
            "Daily",
            "Trending Papers",
            "Log In",
            "https://huggingface.co/login",
            "2048",
            "1.5k",
            "Oct 2",
            "- 3 authors",
            "vvasilev",
            "Get trending papers in your email inbox once a day!",
        ] {
            assert!(!reads_like_title(junk), "{junk}");
        }
    }
}
