//! A paper page on disk: `+++` TOML front matter, then the person's Markdown.
//!
//! This module owns the front matter schema (documented in the README) and
//! reading a page. Writing and updating pages in place lives here too, so
//! that `import` never formats TOML itself.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::diagnostic::Diagnostic;

/// The line that opens and closes the front matter.
pub const DELIMITER: &str = "+++";

/// The front matter of a paper page. Fields the person adds are kept in
/// `extra` and handed to templates.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default)]
pub struct FrontMatter {
    pub title: String,
    /// The paper's arXiv id (`2606.00683`), when a dump gave one.
    pub arxiv: Option<String>,
    /// Overrides the slug taken from the file name.
    pub slug: Option<String>,
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
    /// Import's bookkeeping (`[imported]`): not shown, not for templates.
    pub imported: Option<toml::Table>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// A page read from disk: front matter plus the Markdown body, verbatim.
#[derive(Debug, Clone, PartialEq)]
pub struct PaperFile {
    pub front: FrontMatter,
    /// Everything after the closing `+++` line.
    pub body: String,
    /// 1-based line where the body starts, to point Markdown messages at.
    pub body_line: usize,
}

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

/// Splits `+++`-delimited front matter from the body. Returns the front
/// matter text, the body, and the body's first line number.
pub fn split(text: &str, origin: &str) -> Result<(String, String, usize), Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    match lines.next() {
        Some(first) if first.trim_end() == DELIMITER => {}
        _ => {
            return Err(Diagnostic::error(
                origin,
                1,
                "expected the front matter to open with a `+++` line",
            ));
        }
    }
    let mut front = String::new();
    let mut line_no = 1;
    for line in lines.by_ref() {
        line_no += 1;
        if line.trim_end() == DELIMITER {
            let body: String = lines.collect();
            return Ok((front, body, line_no + 1));
        }
        front.push_str(line);
    }
    Err(Diagnostic::error(
        origin,
        1,
        "the front matter opened here is never closed by a `+++` line",
    ))
}

/// A TOML error in front matter, at its line in the page file.
pub fn front_matter_error(e: &toml::de::Error, front_text: &str, origin: &str) -> Diagnostic {
    // Line inside the front matter, plus one for the opening `+++`.
    let line = e
        .span()
        .map(|s| {
            front_text[..s.start.min(front_text.len())]
                .matches('\n')
                .count()
                + 2
        })
        .unwrap_or(1);
    Diagnostic::error(
        origin,
        line,
        format!("bad front matter: {}", e.message().trim()),
    )
}

/// Reads a page. A front matter error names the file and the line in the file.
pub fn read(text: &str, origin: &str) -> Result<PaperFile, Diagnostic> {
    let (front_text, body, body_line) = split(text, origin)?;
    let front: FrontMatter =
        toml::from_str(&front_text).map_err(|e| front_matter_error(&e, &front_text, origin))?;
    if front.title.trim().is_empty() {
        return Err(Diagnostic::error(
            origin,
            1,
            "the front matter has no `title`",
        ));
    }
    Ok(PaperFile {
        front,
        body,
        body_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_front_matter_and_body() {
        let page = read(
            "+++\ntitle = \"T\"\ndate = 2025-04-28\ntags = [\"a\"]\nmine = 3\n+++\n# Notes\n",
            "p.md",
        )
        .unwrap();
        assert_eq!(page.front.title, "T");
        assert_eq!(page.front.date, NaiveDate::from_ymd_opt(2025, 4, 28));
        assert_eq!(page.front.tags, vec!["a"]);
        assert_eq!(page.front.extra["mine"].as_integer(), Some(3));
        assert_eq!(page.body, "# Notes\n");
        assert_eq!(page.body_line, 7);
    }

    #[test]
    fn bad_front_matter_names_the_file_line() {
        let err = read(
            "+++\ntitle = \"T\"\nupvotes = \"many\"\n+++\n",
            "content/papers/x.md",
        )
        .unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(
            err.to_string().starts_with("content/papers/x.md:3: error:"),
            "{err}"
        );
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert!(read("+++\ntitle = \"T\"\n", "x.md").is_err());
        assert!(read("title = \"T\"\n", "x.md").is_err());
    }

    #[test]
    fn datetime_is_not_a_date() {
        let err = read(
            "+++\ntitle = \"T\"\ndate = 2025-04-28T10:00:00\n+++\n",
            "x.md",
        )
        .unwrap_err();
        assert!(err.message.contains("plain date"), "{err}");
    }
}

// ---------------------------------------------------------------------------
// Writing pages (import's side of the contract).

/// The facts a digest states about a paper. Import owns these fields; the
/// person owns the body and anything they add or change.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    pub title: String,
    pub arxiv: Option<String>,
    pub date: Option<NaiveDate>,
    pub authors: Option<u32>,
    pub organization: Option<String>,
    pub upvotes: Option<u32>,
    pub tags: Vec<String>,
    pub code: Option<String>,
    pub links: Vec<String>,
    pub digests: Vec<String>,
    pub abstract_: String,
}

/// The front matter keys import writes, in the order it writes them.
pub const FACT_KEYS: [&str; 11] = [
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
];

/// The bookkeeping table: `key` (which paper), `hash` (all facts as last
/// imported), `facts` (one hash per fact), `edited` (facts the person owns).
pub const IMPORTED: &str = "imported";

/// Facts added to the format after pages were first written: when absent
/// they leave no trace (no hash, no `[imported] facts` entry), so a page
/// written before them, or without them, stays byte for byte the same.
const LATER_FACTS: [&str; 1] = ["arxiv"];

fn leaves_no_trace(key: &str, value: Option<&toml_edit::Value>) -> bool {
    value.is_none() && LATER_FACTS.contains(&key)
}

impl Facts {
    /// Each fact as a TOML value, `None` when the page should not have the key.
    fn values(&self) -> [(&'static str, Option<toml_edit::Value>); 11] {
        use toml_edit::Value;
        let strings = |v: &[String]| Value::Array(v.iter().map(|s| string_value(s)).collect());
        let date = self.date.map(|d| {
            let date = toml_edit::Date {
                year: d.format("%Y").to_string().parse().unwrap_or(0),
                month: d.format("%m").to_string().parse().unwrap_or(1),
                day: d.format("%d").to_string().parse().unwrap_or(1),
            };
            Value::from(toml_edit::Datetime {
                date: Some(date),
                time: None,
                offset: None,
            })
        });
        [
            ("title", Some(string_value(&self.title))),
            ("arxiv", self.arxiv.as_deref().map(string_value)),
            ("date", date),
            ("authors", self.authors.map(|n| Value::from(i64::from(n)))),
            (
                "organization",
                self.organization.as_deref().map(string_value),
            ),
            ("upvotes", self.upvotes.map(|n| Value::from(i64::from(n)))),
            ("tags", Some(strings(&self.tags))),
            ("code", self.code.as_deref().map(string_value)),
            (
                "links",
                (!self.links.is_empty()).then(|| strings(&self.links)),
            ),
            ("digests", Some(strings(&self.digests))),
            (
                "abstract",
                (!self.abstract_.is_empty()).then(|| string_value(&self.abstract_)),
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
fn canonical(value: Option<&toml_edit::Value>) -> String {
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

fn fact_hash(value: Option<&toml_edit::Value>) -> String {
    let h = crate::fingerprint::hash(canonical(value).as_bytes());
    // 32 bits are plenty to notice an edit, and keep the table short.
    format!("{:08x}", h as u32)
}

fn item_value(doc: &toml_edit::Table, key: &str) -> Option<toml_edit::Value> {
    doc.get(key).and_then(|item| item.as_value()).cloned()
}

/// A new page for a paper: the facts, the bookkeeping, an empty body.
pub fn new_page(key: &str, facts: &Facts) -> String {
    let mut doc = toml_edit::DocumentMut::new();
    let mut hashes = toml_edit::InlineTable::new();
    for (name, value) in facts.values() {
        if !leaves_no_trace(name, value.as_ref()) {
            hashes.insert(name, fact_hash(value.as_ref()).into());
        }
        if let Some(value) = value {
            doc[name] = toml_edit::Item::Value(value);
        }
    }
    let mut imported = toml_edit::Table::new();
    imported["key"] = toml_edit::value(key);
    imported["hash"] = toml_edit::value(facts.hash());
    imported["facts"] = toml_edit::value(hashes);
    doc[IMPORTED] = toml_edit::Item::Table(imported);
    format!("{DELIMITER}\n{doc}{DELIMITER}\n")
}

/// What updating a page did.
#[derive(Debug, Clone, PartialEq)]
pub struct Updated {
    /// The new text of the page (equal to the old one when nothing changed).
    pub text: String,
    /// Facts where the person's edit was kept over a different digest value,
    /// reported this time: (key, 1-based line of the key in the page).
    pub kept: Vec<(String, usize)>,
}

/// Brings a page's facts up to date without touching what the person owns:
/// the body verbatim, fields they added, and any fact they edited (which is
/// then listed in `[imported] edited` and left alone for good; removing it
/// from that list hands the fact back to import).
pub fn update_page(text: &str, origin: &str, facts: &Facts) -> Result<Updated, Diagnostic> {
    // The same checks `load` makes, so a page import accepts also builds.
    read(text, origin)?;
    let (front_text, body, _) = split(text, origin)?;
    let mut doc: toml_edit::DocumentMut = front_text
        .parse()
        .map_err(|e: toml_edit::TomlError| Diagnostic::error(origin, 1, e.message().trim()))?;
    let imported = doc
        .get(IMPORTED)
        .and_then(|i| i.as_table())
        .cloned()
        .unwrap_or_default();
    let stored_facts = imported.get("facts").and_then(|f| f.as_inline_table());
    let stored = |key: &str| -> Option<String> {
        stored_facts
            .and_then(|f| f.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let mut edited: Vec<String> = imported
        .get("edited")
        .and_then(|e| e.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let mut hashes = toml_edit::InlineTable::new();
    let mut kept = Vec::new();
    for (key, new) in facts.values() {
        let new_hash = fact_hash(new.as_ref());
        let traceless = leaves_no_trace(key, new.as_ref());
        let current_hash = fact_hash(item_value(doc.as_table(), key).as_ref());
        // A fact missing from a stored table was absent at the last import
        // (see `LATER_FACTS`); with no table at all, the page's value is taken
        // as what import last wrote.
        let last = stored(key).unwrap_or_else(|| match stored_facts {
            Some(_) => fact_hash(None),
            None => current_hash.clone(),
        });
        let owned_by_person = edited.iter().any(|e| e == key);
        if owned_by_person || current_hash != last {
            if !owned_by_person {
                edited.push(key.to_string());
            }
            // Say so once: when the edit is first seen, or the digests change again.
            if new_hash != current_hash && (new_hash != last || !owned_by_person) {
                kept.push((key.to_string(), line_of_key(&front_text, key)));
            }
        } else if current_hash != new_hash {
            match new {
                Some(value) => doc[key] = toml_edit::Item::Value(value),
                None => {
                    doc.remove(key);
                }
            }
        }
        if !traceless {
            hashes.insert(key, new_hash.into());
        }
    }
    let table = doc[IMPORTED].or_insert(toml_edit::table());
    if let Some(table) = table.as_table_mut() {
        table["hash"] = toml_edit::value(facts.hash());
        table["facts"] = toml_edit::value(hashes);
        if !edited.is_empty() {
            edited.sort_by_key(|k| FACT_KEYS.iter().position(|f| f == k));
            table["edited"] = toml_edit::value(
                edited
                    .iter()
                    .map(String::as_str)
                    .collect::<toml_edit::Array>(),
            );
        }
    }
    let new_text = format!("{DELIMITER}\n{doc}{DELIMITER}\n{body}");
    // Keep the page byte for byte when nothing it says changed.
    let text = if new_text == text {
        text.to_string()
    } else {
        new_text
    };
    Ok(Updated { text, kept })
}

/// 1-based line of `key = ...` in the page (front matter starts on line 2).
fn line_of_key(front_text: &str, key: &str) -> usize {
    front_text
        .lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 2)
        .unwrap_or(1)
}

/// Whether the person owns fact `key` of a page (it is listed in
/// `[imported] edited`).
pub fn is_edited(front: &FrontMatter, key: &str) -> bool {
    front
        .imported
        .as_ref()
        .and_then(|i| i.get("edited"))
        .and_then(|e| e.as_array())
        .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(key)))
}

/// `[imported] key` and `hash` of a page read with [`read`].
pub fn imported_key_and_hash(front: &FrontMatter) -> Option<(String, Option<String>)> {
    let imported = front.imported.as_ref()?;
    let key = imported.get("key")?.as_str()?.to_string();
    let hash = imported
        .get("hash")
        .and_then(|h| h.as_str())
        .map(String::from);
    Some((key, hash))
}

#[cfg(test)]
mod write_tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            title: "Stateful Conformer".to_string(),
            date: NaiveDate::from_ymd_opt(2025, 4, 28),
            authors: Some(6),
            upvotes: Some(3),
            tags: vec!["speech".to_string()],
            code: Some("https://github.com/a/b".to_string()),
            links: vec!["https://github.com/a/b".to_string()],
            digests: vec!["000.txt".to_string()],
            abstract_: "We propose.".to_string(),
            ..Facts::default()
        }
    }

    #[test]
    fn a_new_page_reads_back_with_its_facts() {
        let text = new_page("stateful conformer", &facts());
        let page = read(&text, "p.md").unwrap();
        assert_eq!(page.front.title, "Stateful Conformer");
        assert_eq!(page.front.date, NaiveDate::from_ymd_opt(2025, 4, 28));
        assert_eq!(page.front.authors, Some(6));
        assert_eq!(page.front.code.as_deref(), Some("https://github.com/a/b"));
        assert_eq!(page.front.abstract_, "We propose.");
        assert_eq!(page.body, "");
        assert_eq!(
            imported_key_and_hash(&page.front),
            Some(("stateful conformer".to_string(), Some(facts().hash())))
        );
    }

    #[test]
    fn write_read_write_is_byte_identical() {
        let text = new_page("k", &facts());
        let again = update_page(&text, "p.md", &facts()).unwrap();
        assert_eq!(again.text, text);
        assert!(again.kept.is_empty());
    }

    #[test]
    fn hostile_text_is_data_and_cannot_break_the_front_matter() {
        let mut f = facts();
        f.title = "+++\n<script>alert(1)</script> {{ config }} {% raw %} \"q\" '''".to_string();
        f.abstract_ = "[x](javascript:alert(1))\n+++\ntitle = \"evil\"".to_string();
        let text = new_page("k", &f);
        let page = read(&text, "p.md").unwrap();
        assert_eq!(page.front.title, f.title);
        assert_eq!(page.front.abstract_, f.abstract_);
        assert_eq!(update_page(&text, "p.md", &f).unwrap().text, text);
    }

    #[test]
    fn untouched_facts_follow_the_digests() {
        let text = new_page("k", &facts());
        let mut newer = facts();
        newer.upvotes = Some(9);
        newer.digests.push("001.txt".to_string());
        newer.code = None;
        let updated = update_page(&text, "p.md", &newer).unwrap();
        let page = read(&updated.text, "p.md").unwrap();
        assert_eq!(page.front.upvotes, Some(9));
        assert_eq!(page.front.digests, ["000.txt", "001.txt"]);
        assert_eq!(page.front.code, None);
        assert!(updated.kept.is_empty());
        assert_eq!(
            update_page(&updated.text, "p.md", &newer).unwrap().text,
            updated.text
        );
    }

    #[test]
    fn hand_edits_body_and_added_fields_survive_and_are_reported_once() {
        let text = new_page("k", &facts());
        let edited = text
            .replace("upvotes = 3", "upvotes = 100 # I counted")
            .replace(
                "tags = [\"speech\"]",
                "tags = [\"speech\", \"mine\"]\nrating = 5",
            )
            + "My notes.\n";
        let mut newer = facts();
        newer.upvotes = Some(9);
        newer.tags = vec!["audio".to_string()];
        let first = update_page(&edited, "p.md", &newer).unwrap();
        let page = read(&first.text, "p.md").unwrap();
        assert_eq!(page.front.upvotes, Some(100));
        assert_eq!(page.front.tags, ["speech", "mine"]);
        assert_eq!(page.front.extra["rating"].as_integer(), Some(5));
        assert_eq!(page.body, "My notes.\n");
        let kept: Vec<&str> = first.kept.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kept, ["upvotes", "tags"]);
        assert_eq!(first.kept[0].1, 5, "line of `upvotes` in the page");
        let second = update_page(&first.text, "p.md", &newer).unwrap();
        assert!(second.kept.is_empty(), "said once: {:?}", second.kept);
        assert_eq!(second.text, first.text);
        newer.upvotes = Some(12);
        let third = update_page(&second.text, "p.md", &newer).unwrap();
        assert_eq!(third.kept.len(), 1, "the digests changed again");
        assert_eq!(read(&third.text, "p.md").unwrap().front.upvotes, Some(100));
    }

    #[test]
    fn a_page_without_an_arxiv_id_has_no_trace_of_the_fact() {
        let text = new_page("k", &facts());
        assert!(!text.contains("arxiv"), "{text}");
        let with = Facts {
            arxiv: Some("2606.00683".into()),
            ..facts()
        };
        let text = new_page("k", &with);
        assert!(
            text.starts_with("+++\ntitle = \"Stateful Conformer\"\narxiv = \"2606.00683\"\n"),
            "{text}"
        );
        assert!(text.contains("arxiv = \"")); // and its hash in `facts`
        assert_eq!(
            read(&text, "p.md").unwrap().front.arxiv.as_deref(),
            Some("2606.00683")
        );
        assert_ne!(with.hash(), facts().hash());
    }

    #[test]
    fn an_arxiv_id_reaches_an_old_page_and_a_hand_added_one_is_kept() {
        let old = new_page("k", &facts());
        let with = Facts {
            arxiv: Some("2606.00683".into()),
            ..facts()
        };
        let updated = update_page(&old, "p.md", &with).unwrap();
        assert!(updated.kept.is_empty());
        assert_eq!(
            read(&updated.text, "p.md").unwrap().front.arxiv.as_deref(),
            Some("2606.00683")
        );
        // A person adds an id the digests do not give: it is theirs.
        let edited = old.replacen(
            "title = \"Stateful Conformer\"\n",
            "title = \"Stateful Conformer\"\narxiv = \"2401.00001\"\n",
            1,
        );
        let kept = update_page(&edited, "p.md", &facts()).unwrap();
        assert_eq!(
            read(&kept.text, "p.md").unwrap().front.arxiv.as_deref(),
            Some("2401.00001")
        );
        let later = update_page(&kept.text, "p.md", &with).unwrap();
        assert_eq!(
            read(&later.text, "p.md").unwrap().front.arxiv.as_deref(),
            Some("2401.00001")
        );
        assert_eq!(
            later.kept.len(),
            1,
            "the digests' other id is reported once"
        );
    }

    #[test]
    fn a_removed_fact_stays_removed() {
        let text = new_page("k", &facts());
        let edited = text.replace("code = \"https://github.com/a/b\"\n", "");
        let updated = update_page(&edited, "p.md", &facts()).unwrap();
        assert_eq!(read(&updated.text, "p.md").unwrap().front.code, None);
    }

    #[test]
    fn a_broken_page_is_an_error_with_its_line() {
        let text = new_page("k", &facts()).replace("upvotes = 3", "upvotes = three");
        let err = update_page(&text, "content/papers/x.md", &facts()).unwrap_err();
        assert_eq!(err.file, "content/papers/x.md");
        assert_eq!(err.line, 5, "{err}");
    }
}
