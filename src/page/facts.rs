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

    /// Each fact as a TOML value, in [`Facts::KEYS`] order; `None` when the
    /// page should not have the key.
    pub(super) fn values(&self) -> [(&'static str, Option<toml_edit::Value>); 12] {
        use toml_edit::Value;
        let strings = |v: &[String]| Value::Array(v.iter().map(|s| string_value(s)).collect());
        let date_value = self.date.and_then(date_value);
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
            (title, Some(string_value(&self.title))),
            (arxiv, self.arxiv.as_deref().map(string_value)),
            (date, date_value),
            (authors, self.authors.map(|n| Value::from(i64::from(n)))),
            (organization, self.organization.as_deref().map(string_value)),
            (upvotes, self.upvotes.map(|n| Value::from(i64::from(n)))),
            (tags, Some(strings(&self.tags))),
            (code, self.code.as_deref().map(string_value)),
            (
                links,
                (!self.links.is_empty()).then(|| strings(&self.links)),
            ),
            (digests, Some(strings(&self.digests))),
            (
                abstract_,
                (!self.abstract_.is_empty()).then(|| string_value(&self.abstract_)),
            ),
            (
                listed,
                (!self.listed.is_empty()).then(|| listed_value(&self.listed)),
            ),
        ]
    }

    /// One hash over every fact: equal hashes mean the digests say nothing new.
    pub fn hash(&self) -> String {
        let mut h = crate::fingerprint::Fnv::default();
        for (key, value) in self.values() {
            if leaves_no_trace(key, value.as_ref()) {
                continue;
            }
            h.field(key.as_bytes());
            h.field(canonical(value.as_ref()).as_bytes());
        }
        crate::fingerprint::hex(h.finish())
    }
}

/// Facts added to the format after pages were first written: when absent
/// they leave no trace (no hash, no `[imported] facts` entry), so a page
/// written before them, or without them, stays byte for byte the same.
const LATER_FACTS: [&str; 2] = ["arxiv", "listed"];

pub(super) fn leaves_no_trace(key: &str, value: Option<&toml_edit::Value>) -> bool {
    value.is_none() && LATER_FACTS.contains(&key)
}

/// A calendar date as a TOML date (no time).
fn date_value(d: NaiveDate) -> Option<toml_edit::Value> {
    let date = toml_edit::Date {
        year: u16::try_from(d.year()).ok()?,
        month: u8::try_from(d.month()).ok()?,
        day: u8::try_from(d.day()).ok()?,
    };
    Some(toml_edit::Value::from(toml_edit::Datetime {
        date: Some(date),
        time: None,
        offset: None,
    }))
}

/// `listed` as an array with one inline table per line, so a paper listed
/// twenty times stays readable and a new listing is a one-line diff.
fn listed_value(listed: &[Listed]) -> toml_edit::Value {
    let mut array = toml_edit::Array::new();
    for l in listed {
        let mut table = toml_edit::InlineTable::new();
        table.insert("digest", string_value(&l.digest));
        if let Some(date) = l.date.and_then(date_value) {
            table.insert("date", date);
        }
        if let Some(position) = l.position {
            table.insert("position", i64::from(position).into());
        }
        if let Some(upvotes) = l.upvotes {
            table.insert("upvotes", i64::from(upvotes).into());
        }
        let mut value = toml_edit::Value::InlineTable(table);
        value.decor_mut().set_prefix("\n  ");
        array.push_formatted(value);
    }
    array.set_trailing("\n");
    array.set_trailing_comma(true);
    toml_edit::Value::Array(array)
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

/// A one-line basic string: a digest's text can never open a multi-line
/// string, so no line of it can ever read as the closing `+++`.
fn string_value(s: &str) -> toml_edit::Value {
    let mut repr = String::with_capacity(s.len() + 2);
    repr.push('"');
    for c in s.chars() {
        match c {
            '"' => repr.push_str("\\\""),
            '\\' => repr.push_str("\\\\"),
            '\n' => repr.push_str("\\n"),
            '\r' => repr.push_str("\\r"),
            '\t' => repr.push_str("\\t"),
            c if c.is_control() => repr.push_str(&format!("\\u{:04X}", c as u32)),
            c => repr.push(c),
        }
    }
    repr.push('"');
    repr.parse()
        .unwrap_or_else(|_| toml_edit::Value::from(s.replace(|c: char| c.is_control(), " ")))
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
