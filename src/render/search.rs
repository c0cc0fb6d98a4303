//! JSON outputs: `search.json` (what the client-side search looks in) and
//! `papers.json` (every paper's facts). serde_json escapes all text.

use serde::Serialize;

use super::context::{Globals, excerpt};
use crate::site::{Paper, urls};

/// One search record: short keys keep the index small at 10,000 papers.
#[derive(Serialize)]
struct Record<'a> {
    /// Title.
    t: &'a str,
    /// Root-relative URL.
    u: String,
    /// Date (`YYYY-MM-DD`) or empty.
    d: String,
    /// Tags.
    g: &'a [String],
    /// Organization or empty.
    o: &'a str,
    /// Upvotes.
    v: u32,
    /// The start of the abstract.
    a: String,
}

const SEARCH_ABSTRACT_CHARS: usize = 200;

/// One paper's search record, JSON, markup-safe: made once per change of
/// the paper and joined by [`search_index`].
pub fn search_record(globals: &Globals, p: &Paper) -> Box<[u8]> {
    let record = Record {
        t: &p.title,
        u: globals.url(&urls::paper(&p.slug)),
        d: p.date.map(|d| d.to_string()).unwrap_or_default(),
        g: &p.tags,
        o: p.organization.as_deref().unwrap_or(""),
        v: p.upvotes,
        a: excerpt(&p.abstract_, SEARCH_ABSTRACT_CHARS),
    };
    html_safe(serde_json::to_vec(&record).expect("plain records serialise")).into()
}

/// The records in `latest` order, so results come newest first.
pub fn search_index<'a>(records: impl ExactSizeIterator<Item = &'a [u8]>) -> Vec<u8> {
    join(records, b"[", b",", b"]\n")
}

fn join<'a>(
    parts: impl ExactSizeIterator<Item = &'a [u8]>,
    open: &[u8],
    between: &[u8],
    close: &[u8],
) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(open);
    for (i, part) in parts.enumerate() {
        if i > 0 {
            out.extend_from_slice(between);
        }
        out.extend_from_slice(part);
    }
    out.extend_from_slice(close);
    out
}

#[derive(Serialize)]
struct Facts<'a> {
    slug: &'a str,
    url: String,
    title: &'a str,
    date: Option<String>,
    authors: Option<u32>,
    organization: Option<&'a str>,
    upvotes: u32,
    tags: &'a [String],
    code: Option<&'a str>,
    links: &'a [String],
    digests: &'a [String],
    #[serde(rename = "abstract")]
    abstract_: &'a str,
}

/// One paper's facts for `papers.json`, JSON, markup-safe, made once per
/// change of the paper.
pub fn paper_facts(globals: &Globals, p: &Paper) -> Box<[u8]> {
    let facts = Facts {
        slug: &p.slug,
        url: globals.abs(&urls::paper(&p.slug)),
        title: &p.title,
        date: p.date.map(|d| d.to_string()),
        authors: p.authors,
        organization: p.organization.as_deref(),
        upvotes: p.upvotes,
        tags: &p.tags,
        code: p.code.as_deref(),
        links: &p.links,
        digests: &p.digests,
        abstract_: &p.abstract_,
    };
    html_safe(serde_json::to_vec(&facts).expect("plain records serialise")).into()
}

/// Every paper, in slug order, one JSON object per line inside the array
/// (diffable, still one JSON document).
pub fn papers_json<'a>(facts: impl ExactSizeIterator<Item = &'a [u8]>) -> Vec<u8> {
    if facts.len() == 0 {
        return b"[\n]\n".to_vec();
    }
    join(facts, b"[\n", b",\n", b"\n]\n")
}

/// Escapes `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`: still the same
/// JSON, but digest text can never read as markup, even if the file is
/// served as HTML or inlined into a page. serde_json puts these bytes only
/// inside strings, where the escapes mean the same characters.
fn html_safe(json: Vec<u8>) -> Vec<u8> {
    if !json.iter().any(|b| matches!(b, b'<' | b'>' | b'&')) {
        return json;
    }
    let mut out = Vec::with_capacity(json.len() + 64);
    for b in json {
        match b {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            b => out.push(b),
        }
    }
    out
}

#[cfg(test)]
mod html_safe_tests {
    #[test]
    fn markup_in_json_strings_is_escaped_and_still_parses() {
        let json = serde_json::to_vec(&serde_json::json!({"t": "<script>&</script>"})).unwrap();
        let safe = super::html_safe(json);
        let text = String::from_utf8(safe.clone()).unwrap();
        assert!(!text.contains('<') && !text.contains('&'), "{text}");
        let back: serde_json::Value = serde_json::from_slice(&safe).unwrap();
        assert_eq!(back["t"], "<script>&</script>");
    }
}
