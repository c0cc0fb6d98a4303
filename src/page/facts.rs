//! The facts a digest states about a paper, declared once, with their TOML
//! form both ways: read from a page's front matter (serde) and written into
//! it (`toml_edit` values, in [`Facts::KEYS`] order).

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

/// What the digests say about a paper. Import owns these keys of a page;
/// the person owns the body and anything they add or change.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct Facts {
    pub title: String,
    /// The paper's arXiv id (`2606.00683`), when a dump gave one.
    pub arxiv: Option<String>,
    #[serde(deserialize_with = "de_date")]
    pub date: Option<NaiveDate>,
    /// Number of authors.
    pub authors: Option<u32>,
    pub organization: Option<String>,
    pub upvotes: Option<u32>,
    pub tags: Vec<String>,
    /// The code repository link.
    pub code: Option<String>,
    /// Every link found in the abstract, repaired.
    pub links: Vec<String>,
    /// The dumps the paper was listed in (file names).
    pub digests: Vec<String>,
    #[serde(rename = "abstract")]
    pub abstract_: String,
    /// How each dump listed it: the listing's date, the paper's place in
    /// it and the upvotes it showed there, in the order of `digests`.
    pub listed: Vec<Listed>,
}

/// One dump's listing of a paper: `{ digest = "004.txt", date = 2025-11-03,
/// position = 12, upvotes = 5 }` in the page's `listed` array.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listed {
    /// The dump's file name, as in `digests`.
    pub digest: String,
    /// The listing's date; absent when the dump has none.
    #[serde(default, deserialize_with = "de_date")]
    pub date: Option<NaiveDate>,
    /// 1-based place of the paper in the dump.
    #[serde(default)]
    pub position: Option<u32>,
    /// The upvotes the dump showed, when it showed any.
    #[serde(default)]
    pub upvotes: Option<u32>,
}

impl Facts {
    /// The front matter keys of the facts, in the order pages list them.
    pub const KEYS: [&'static str; 12] = [
        "title",
        "arxiv",
        "date",
        "authors",
        "organization",
        "upvotes",
        "tags",
        "code",
        "links",
        "digests",
        "abstract",
        "listed",
    ];

    /// Each fact, borrowed, in [`Facts::KEYS`] order; `None` when the page
    /// should not have the key.
    pub(super) fn fields(&self) -> [(&'static str, Option<Fact<'_>>); 12] {
        let [
            title,
            arxiv,
            date,
            authors,
            organization,
            upvotes,
            tags,
            code,
            links,
            digests,
            abstract_,
            listed,
        ] = Self::KEYS;
        [
            (title, Some(Fact::Str(&self.title))),
            (arxiv, self.arxiv.as_deref().map(Fact::Str)),
            (date, self.date.and_then(toml_date).map(Fact::Date)),
            (authors, self.authors.map(Fact::Int)),
            (organization, self.organization.as_deref().map(Fact::Str)),
            (upvotes, self.upvotes.map(Fact::Int)),
            (tags, Some(Fact::Strings(&self.tags))),
            (code, self.code.as_deref().map(Fact::Str)),
            (
                links,
                (!self.links.is_empty()).then_some(Fact::Strings(&self.links)),
            ),
            (digests, Some(Fact::Strings(&self.digests))),
            (
                abstract_,
                (!self.abstract_.is_empty()).then_some(Fact::Str(&self.abstract_)),
            ),
            (
                listed,
                (!self.listed.is_empty()).then_some(Fact::Listed(&self.listed)),
            ),
        ]
    }

    /// One hash over every fact: equal hashes mean the digests say nothing new.
    pub fn hash(&self) -> String {
        let mut h = crate::fingerprint::Fnv::default();
        let mut canon = String::new();
        for (key, fact) in self.fields() {
            if leaves_no_trace(key, fact.is_some()) {
                continue;
            }
            canon.clear();
            write_canonical(fact.as_ref(), &mut canon);
            h.field(key.as_bytes());
            h.field(canon.as_bytes());
        }
        crate::fingerprint::hex(h.finish())
    }
}

/// One fact's value, borrowed from [`Facts`]: written as TOML text for a
/// new page, as canonical text for the hashes, as a `toml_edit` value for
/// an update. The three agree (tests in page::write check them against
/// each other and against the `toml` parser).
#[derive(Debug, Clone, Copy)]
pub(super) enum Fact<'a> {
    Str(&'a str),
    Int(u32),
    Date(toml_edit::Datetime),
    Strings(&'a [String]),
    Listed(&'a [Listed]),
}

impl Fact<'_> {
    /// The value as it is written in a page, after `key = `.
    pub(super) fn write_toml(&self, out: &mut String) {
        use std::fmt::Write;
        match self {
            Fact::Str(s) => write_string(s, out),
            Fact::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Fact::Date(d) => {
                let _ = write!(out, "{d}");
            }
            Fact::Strings(items) => {
                out.push('[');
                for (i, s) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_string(s, out);
                }
                out.push(']');
            }
            // One inline table per line, so a paper listed twenty times stays
            // readable and a new listing is a one-line diff.
            Fact::Listed(listed) => {
                out.push('[');
                for l in *listed {
                    out.push_str("\n  { digest = ");
                    write_string(&l.digest, out);
                    if let Some(date) = l.date.and_then(toml_date) {
                        let _ = write!(out, ", date = {date}");
                    }
                    if let Some(position) = l.position {
                        let _ = write!(out, ", position = {position}");
                    }
                    if let Some(upvotes) = l.upvotes {
                        let _ = write!(out, ", upvotes = {upvotes}");
                    }
                    out.push_str(" },");
                }
                out.push_str("\n]");
            }
        }
    }

    /// The value as a `toml_edit` value, formatted as [`Fact::write_toml`]
    /// writes it (parsed from that text, which is import's own).
    pub(super) fn into_value(self) -> toml_edit::Value {
        let mut text = String::new();
        self.write_toml(&mut text);
        let mut value: toml_edit::Value = text
            .parse()
            .expect("a fact written by write_toml is a TOML value");
        value.decor_mut().clear();
        value
    }
}

/// Facts added to the format after pages were first written: when absent
/// they leave no trace (no hash, no `[imported] facts` entry), so a page
/// written before them, or without them, stays byte for byte the same.
const LATER_FACTS: [&str; 2] = ["arxiv", "listed"];

pub(super) fn leaves_no_trace(key: &str, present: bool) -> bool {
    !present && LATER_FACTS.contains(&key)
}

/// A calendar date as a TOML date (no time); `None` for a year TOML
/// cannot hold.
fn toml_date(d: NaiveDate) -> Option<toml_edit::Datetime> {
    let date = toml_edit::Date {
        year: u16::try_from(d.year()).ok()?,
        month: u8::try_from(d.month()).ok()?,
        day: u8::try_from(d.day()).ok()?,
    };
    Some(toml_edit::Datetime {
        date: Some(date),
        time: None,
        offset: None,
    })
}

/// A TOML date (no time) as a calendar date.
fn de_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    use serde::de::Error;
    let value = Option::<toml::value::Datetime>::deserialize(d)?;
    let Some(value) = value else { return Ok(None) };
    match (value.date, value.time) {
        (Some(date), None) => NaiveDate::from_ymd_opt(
            i32::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        )
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("`date` {value} is not a calendar date"))),
        _ => Err(D::Error::custom(format!(
            "`date` must be a plain date like 2025-04-28, found {value}"
        ))),
    }
}

/// Writes `s` as a one-line TOML basic string, the one escaping Gazette
/// writes strings with: a digest's text can never open a multi-line
/// string, so no line of it can ever read as the closing `+++`. Reads back
/// as `s` exactly (tests in page::write).
pub fn write_string(s: &str, out: &mut String) {
    use std::fmt::Write;
    out.reserve(s.len() + 2);
    out.push('"');
    // Scanned by byte: what needs escaping is ASCII, or U+0080..U+009F
    // (`\xC2` then `\x80..=\x9F` in UTF-8); both start on a character.
    let bytes = s.as_bytes();
    let mut plain = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (escaped, len): (Option<&str>, usize) = match b {
            b'"' => (Some("\\\""), 1),
            b'\\' => (Some("\\\\"), 1),
            b'\n' => (Some("\\n"), 1),
            b'\r' => (Some("\\r"), 1),
            b'\t' => (Some("\\t"), 1),
            0..0x20 | 0x7f => (None, 1),
            0xc2 if bytes.get(i + 1).is_some_and(|&n| (0x80..0xa0).contains(&n)) => (None, 2),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[plain..i]);
        match escaped {
            Some(escaped) => out.push_str(escaped),
            None => {
                let c = s[i..].chars().next().unwrap_or_default();
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
        i += len;
        plain = i;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// A fact's meaning without its formatting (spaces, comments, quoting), as
/// the hashes take it: the same text as [`canonical`] gives for the value
/// the fact is written as.
pub(super) fn write_canonical(fact: Option<&Fact>, out: &mut String) {
    use std::fmt::Write;
    let Some(fact) = fact else {
        out.push_str("absent");
        return;
    };
    match fact {
        Fact::Str(s) => {
            out.push_str("s:");
            out.push_str(s);
        }
        Fact::Int(n) => {
            let _ = write!(out, "i:{n}");
        }
        Fact::Date(d) => {
            let _ = write!(out, "d:{d}");
        }
        Fact::Strings(items) => {
            out.push('[');
            for (i, s) in items.iter().enumerate() {
                if i > 0 {
                    out.push('\u{1f}');
                }
                out.push_str("s:");
                out.push_str(s);
            }
            out.push(']');
        }
        Fact::Listed(listed) => {
            out.push('[');
            for (i, l) in listed.iter().enumerate() {
                if i > 0 {
                    out.push('\u{1f}');
                }
                out.push_str("{digest=s:");
                out.push_str(&l.digest);
                if let Some(date) = l.date.and_then(toml_date) {
                    let _ = write!(out, "\u{1f}date=d:{date}");
                }
                if let Some(position) = l.position {
                    let _ = write!(out, "\u{1f}position=i:{position}");
                }
                if let Some(upvotes) = l.upvotes {
                    let _ = write!(out, "\u{1f}upvotes=i:{upvotes}");
                }
                out.push('}');
            }
            out.push(']');
        }
    }
}

/// A value's meaning without its formatting (spaces, comments, quoting), so
/// reformatting a value by hand is not an edit but changing it is.
pub(super) fn canonical(value: Option<&toml_edit::Value>) -> String {
    use toml_edit::Value;
    let Some(value) = value else {
        return "absent".to_string();
    };
    match value {
        Value::String(s) => format!("s:{}", s.value()),
        Value::Integer(i) => format!("i:{}", i.value()),
        Value::Float(f) => format!("f:{}", f.value()),
        Value::Boolean(b) => format!("b:{}", b.value()),
        Value::Datetime(d) => format!("d:{}", d.value()),
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(|v| canonical(Some(v))).collect();
            format!("[{}]", items.join("\u{1f}"))
        }
        Value::InlineTable(t) => {
            let items: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{k}={}", canonical(Some(v))))
                .collect();
            format!("{{{}}}", items.join("\u{1f}"))
        }
    }
}
