//! Writing pages, import's side of the format: a new page for a paper, and
//! bringing an existing page's facts up to date without touching what the
//! person owns. `import` never formats TOML itself.

use super::Facts;
use super::facts::{Fact, canonical, leaves_no_trace, write_canonical, write_string};
use super::front_matter::{
    DELIMITER, FrontMatter, IMPORTED, IMPORTED_KEYS, PageFile, key_line, read, split,
};
use crate::diagnostic::Diagnostic;

/// The hash of one fact's canonical text, as `[imported] facts` stores it.
fn canonical_hash(canonical: &str) -> String {
    let h = crate::fingerprint::hash(canonical.as_bytes());
    // 32 bits are plenty to notice an edit, and keep the table short.
    format!("{:08x}", h as u32)
}

/// The stored hash of a value as a page holds it.
fn fact_hash(value: Option<&toml_edit::Value>) -> String {
    canonical_hash(&canonical(value))
}

/// The stored hash of a fact as import would write it.
fn new_fact_hash(fact: Option<&Fact>) -> String {
    let mut text = String::new();
    write_canonical(fact, &mut text);
    canonical_hash(&text)
}

fn item_value(doc: &toml_edit::Table, key: &str) -> Option<toml_edit::Value> {
    doc.get(key).and_then(|item| item.as_value()).cloned()
}

/// A new page for a paper: the facts, the bookkeeping, an empty body.
/// Written straight as text, in the layout `toml_edit` gives a page that
/// [`update_page`] rewrites (a test holds the two together).
pub fn new_page(key: &str, facts: &Facts) -> String {
    created(key, facts).0
}

/// [`new_page`], with the page as [`read`] would read it back, so import
/// can hand what it wrote to `load` without a parse.
pub fn created(key: &str, facts: &Facts) -> (String, PageFile) {
    let mut out = String::with_capacity(1024 + facts.abstract_.len());
    out.push_str(DELIMITER);
    out.push('\n');
    let mut hashes: Vec<(&str, String)> = Vec::with_capacity(Facts::KEYS.len());
    let mut all = crate::fingerprint::Fnv::default();
    let mut canon = String::new();
    for (name, fact) in facts.fields() {
        if !leaves_no_trace(name, fact.is_some()) {
            canon.clear();
            write_canonical(fact.as_ref(), &mut canon);
            all.field(name.as_bytes());
            all.field(canon.as_bytes());
            hashes.push((name, canonical_hash(&canon)));
        }
        if let Some(fact) = fact {
            out.push_str(name);
            out.push_str(" = ");
            fact.write_toml(&mut out);
            out.push('\n');
        }
    }
    let hash = crate::fingerprint::hex(all.finish());
    out.push_str("\n[");
    out.push_str(IMPORTED);
    out.push_str("]\nkey = ");
    write_string(key, &mut out);
    out.push_str("\nhash = \"");
    out.push_str(&hash);
    out.push_str("\"\nfacts = { ");
    for (i, (name, h)) in hashes.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
        out.push_str(" = \"");
        out.push_str(h);
        out.push('"');
    }
    out.push_str(" }\n");
    out.push_str(DELIMITER);
    out.push('\n');
    let mut imported = toml::Table::new();
    imported.insert("key".into(), key.into());
    imported.insert("hash".into(), hash.into());
    let facts_table: toml::Table = (hashes.into_iter())
        .map(|(name, h)| (name.to_string(), toml::Value::String(h)))
        .collect();
    imported.insert("facts".into(), facts_table.into());
    let page = PageFile {
        front: FrontMatter {
            facts: facts.clone(),
            slug: None,
            imported: Some(imported),
            extra: toml::Table::new(),
        },
        body: String::new(),
        // The body, empty, starts on the line after the closing `+++`.
        body_line: out.matches('\n').count() + 1,
    };
    (out, page)
}

/// What updating a page did.
#[derive(Debug, Clone, PartialEq)]
pub struct Updated {
    /// The new text of the page (equal to the old one when nothing changed).
    pub text: String,
    /// Facts where the person's edit was kept over a different digest value,
    /// reported this time: (key, 1-based line of the key in the page).
    pub kept: Vec<(String, usize)>,
    /// Fields the person wrote below `[imported]` (so TOML filed them
    /// under it), moved up among the other fields: (key, line it was on).
    pub moved: Vec<(String, usize)>,
    /// Such fields left where they are because the front matter already
    /// has a field of that name: (key, line).
    pub stranded: Vec<(String, usize)>,
}

/// Brings a page's facts up to date without touching what the person owns:
/// the body verbatim, fields they added, and any fact they edited (which is
/// then listed in `[imported] edited` and left alone for good; removing it
/// from that list hands the fact back to import). `key` is the paper's
/// merge key, written to `[imported] key` when the page holds another.
pub fn update_page(
    text: &str,
    origin: &str,
    key: &str,
    facts: &Facts,
) -> Result<Updated, Diagnostic> {
    // The same checks `load` makes, so a page import accepts also builds.
    read(text, origin)?;
    let (front_text, body, _) = split(text, origin)?;
    // The page is written back as it came: with its byte order mark, and
    // with CRLF line ends if its opening line has one.
    let bom = if text.starts_with('\u{feff}') {
        "\u{feff}"
    } else {
        ""
    };
    let crlf = text[bom.len()..].starts_with("+++\r\n");
    let front_text = if crlf {
        front_text.replace("\r\n", "\n")
    } else {
        front_text
    };
    let mut doc: toml_edit::DocumentMut = front_text
        .parse()
        .map_err(|e: toml_edit::TomlError| Diagnostic::error(origin, 1, e.message().trim()))?;
    let (moved, stranded) = move_strays(&mut doc, &front_text);
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
    for (key, new) in facts.fields() {
        let new_hash = new_fact_hash(new.as_ref());
        let traceless = leaves_no_trace(key, new.is_some());
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
                // A removed fact has no line: point at the front matter.
                let line = key_line(&front_text, key).unwrap_or(1);
                kept.push((key.to_string(), line));
            }
        } else if current_hash != new_hash {
            match new {
                Some(fact) => doc[key] = toml_edit::Item::Value(fact.into_value()),
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
        if table.get("key").and_then(|k| k.as_str()) != Some(key) {
            table["key"] = toml_edit::value(key);
        }
        table["hash"] = toml_edit::value(facts.hash());
        table["facts"] = toml_edit::value(hashes);
        if !edited.is_empty() {
            edited.sort_by_key(|k| Facts::KEYS.iter().position(|f| f == k));
            table["edited"] = toml_edit::value(
                edited
                    .iter()
                    .map(String::as_str)
                    .collect::<toml_edit::Array>(),
            );
        }
    }
    let mut front = format!("{DELIMITER}\n{doc}{DELIMITER}\n");
    if crlf {
        front = front.replace('\n', "\r\n");
    }
    let new_text = format!("{bom}{front}{body}");
    // Keep the page byte for byte when nothing it says changed.
    let text = if new_text == text {
        text.to_string()
    } else {
        new_text
    };
    Ok(Updated {
        text,
        kept,
        moved,
        stranded,
    })
}

/// Moves the person's fields out of `[imported]` (where TOML files a
/// field written below the table) up among the other fields, comments and
/// all; a field whose name the front matter already has stays. Returns
/// (moved, stranded), each as (key, line in the page).
#[allow(clippy::type_complexity)]
fn move_strays(
    doc: &mut toml_edit::DocumentMut,
    front_text: &str,
) -> (Vec<(String, usize)>, Vec<(String, usize)>) {
    let Some(imported) = doc.get(IMPORTED).and_then(|i| i.as_table()) else {
        return (Vec::new(), Vec::new());
    };
    let strays: Vec<String> = (imported.iter())
        .map(|(k, _)| k.to_string())
        .filter(|k| !IMPORTED_KEYS.contains(&k.as_str()))
        .collect();
    let (mut moved, mut stranded) = (Vec::new(), Vec::new());
    for key in strays {
        // One more for the opening `+++`.
        let line = crate::toml_line::of_key(front_text, &[IMPORTED, &key]).map_or(1, |l| l + 1);
        if doc.contains_key(&key) {
            stranded.push((key, line));
            continue;
        }
        let entry = (doc.get_mut(IMPORTED))
            .and_then(|i| i.as_table_mut())
            .and_then(|t| t.remove_entry(&key));
        if let Some((name, item)) = entry {
            doc.insert_formatted(&name, item);
            moved.push((key, line));
        }
    }
    (moved, stranded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

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
        assert!(text.contains(", arxiv = \""), "its hash in `facts`: {text}");
        let page = read(&text, "p.md").unwrap();
        assert_eq!(page.front.facts.arxiv.as_deref(), Some("2606.00683"));
        assert_ne!(with.hash(), facts().hash());
    }

    #[test]
    fn an_arxiv_id_reaches_an_old_page_and_a_hand_added_one_is_kept() {
        let arxiv = |text: &str| read(text, "p.md").unwrap().front.facts.arxiv;
        let old = new_page("k", &facts());
        let with = Facts {
            arxiv: Some("2606.00683".into()),
            ..facts()
        };
        let updated = update_page(&old, "p.md", "k", &with).unwrap();
        assert!(updated.kept.is_empty());
        assert_eq!(arxiv(&updated.text).as_deref(), Some("2606.00683"));
        // A person adds an id the digests do not give: it is theirs.
        let edited = old.replacen(
            "title = \"Stateful Conformer\"\n",
            "title = \"Stateful Conformer\"\narxiv = \"2401.00001\"\n",
            1,
        );
        let kept = update_page(&edited, "p.md", "k", &facts()).unwrap();
        assert_eq!(arxiv(&kept.text).as_deref(), Some("2401.00001"));
        let later = update_page(&kept.text, "p.md", "k", &with).unwrap();
        assert_eq!(arxiv(&later.text).as_deref(), Some("2401.00001"));
        assert_eq!(
            later.kept.len(),
            1,
            "the digests' other id is reported once"
        );
    }

    fn listed() -> Vec<crate::page::facts::Listed> {
        use crate::page::facts::Listed;
        vec![
            Listed {
                digest: "000.txt".to_string(),
                date: NaiveDate::from_ymd_opt(2025, 4, 28),
                position: Some(3),
                upvotes: Some(14),
            },
            Listed {
                digest: "002.txt".to_string(),
                date: None,
                position: Some(40),
                upvotes: None,
            },
        ]
    }

    #[test]
    fn listings_are_written_one_per_line_and_read_back() {
        let with = Facts {
            listed: listed(),
            ..facts()
        };
        let text = new_page("k", &with);
        assert!(
            text.contains(
                "listed = [\n  { digest = \"000.txt\", date = 2025-04-28, position = 3, upvotes = 14 },\n  { digest = \"002.txt\", position = 40 },\n]\n"
            ),
            "{text}"
        );
        assert_eq!(read(&text, "p.md").unwrap().front.facts.listed, listed());
        assert_eq!(update_page(&text, "p.md", "k", &with).unwrap().text, text);
    }

    #[test]
    fn a_page_from_before_listings_gets_them_without_an_edit_noted() {
        let old = new_page("k", &facts());
        assert!(!old.contains("listed"), "{old}");
        let with = Facts {
            listed: listed(),
            ..facts()
        };
        let updated = update_page(&old, "p.md", "k", &with).unwrap();
        assert!(updated.kept.is_empty(), "{:?}", updated.kept);
        assert!(!updated.text.contains("edited"), "{}", updated.text);
        assert_eq!(
            read(&updated.text, "p.md").unwrap().front.facts.listed,
            listed()
        );
    }

    #[test]
    fn a_listing_with_an_unknown_key_is_an_error_at_its_line() {
        let text = new_page(
            "k",
            &Facts {
                listed: listed(),
                ..facts()
            },
        )
        .replace("position = 40", "place = 40");
        let err = read(&text, "p.md").unwrap_err();
        assert!(err.message.contains("place"), "{err}");
        assert!(err.line > 1, "{err}");
    }

    #[test]
    fn a_new_page_reads_back_with_its_facts() {
        let text = new_page("stateful conformer", &facts());
        let page = read(&text, "p.md").unwrap();
        assert_eq!(page.front.facts, facts());
        assert!(page.front.extra.is_empty(), "{:?}", page.front.extra);
        assert_eq!(page.body, "");
        assert_eq!(
            page.front.imported_key_and_hash(),
            Some(("stateful conformer".to_string(), Some(facts().hash())))
        );
    }

    #[test]
    fn every_fact_is_written_under_its_key_and_read_back() {
        // An organization instead of an author count, so every key is set.
        let all = Facts {
            authors: None,
            organization: Some("Kyutai".to_string()),
            arxiv: Some("2606.00683".to_string()),
            listed: listed(),
            ..facts()
        };
        let mut with_authors = all.clone();
        with_authors.authors = Some(2);
        for facts in [all, with_authors] {
            let written: Vec<&str> = facts.fields().iter().map(|(k, _)| *k).collect();
            assert_eq!(written, Facts::KEYS, "fields() follows KEYS");
            let page = read(&new_page("k", &facts), "p.md").unwrap();
            assert_eq!(page.front.facts, facts);
            assert!(page.front.extra.is_empty(), "{:?}", page.front.extra);
        }
    }

    #[test]
    fn write_read_write_is_byte_identical() {
        let text = new_page("k", &facts());
        let again = update_page(&text, "p.md", "k", &facts()).unwrap();
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
        assert_eq!(page.front.facts.title, f.title);
        assert_eq!(page.front.facts.abstract_, f.abstract_);
        assert_eq!(update_page(&text, "p.md", "k", &f).unwrap().text, text);
    }

    #[test]
    fn untouched_facts_follow_the_digests() {
        let text = new_page("k", &facts());
        let mut newer = facts();
        newer.upvotes = Some(9);
        newer.digests.push("001.txt".to_string());
        newer.code = None;
        let updated = update_page(&text, "p.md", "k", &newer).unwrap();
        let page = read(&updated.text, "p.md").unwrap();
        assert_eq!(page.front.facts.upvotes, Some(9));
        assert_eq!(page.front.facts.digests, ["000.txt", "001.txt"]);
        assert_eq!(page.front.facts.code, None);
        assert!(updated.kept.is_empty());
        assert_eq!(
            update_page(&updated.text, "p.md", "k", &newer)
                .unwrap()
                .text,
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
        let first = update_page(&edited, "p.md", "k", &newer).unwrap();
        let page = read(&first.text, "p.md").unwrap();
        assert_eq!(page.front.facts.upvotes, Some(100));
        assert_eq!(page.front.facts.tags, ["speech", "mine"]);
        assert_eq!(page.front.extra["rating"].as_integer(), Some(5));
        assert_eq!(page.body, "My notes.\n");
        let kept: Vec<&str> = first.kept.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kept, ["upvotes", "tags"]);
        assert_eq!(first.kept[0].1, 5, "line of `upvotes` in the page");
        let second = update_page(&first.text, "p.md", "k", &newer).unwrap();
        assert!(second.kept.is_empty(), "said once: {:?}", second.kept);
        assert_eq!(second.text, first.text);
        newer.upvotes = Some(12);
        let third = update_page(&second.text, "p.md", "k", &newer).unwrap();
        assert_eq!(third.kept.len(), 1, "the digests changed again");
        assert_eq!(
            read(&third.text, "p.md").unwrap().front.facts.upvotes,
            Some(100)
        );
    }

    #[test]
    fn a_crlf_page_with_a_byte_order_mark_keeps_both() {
        let text = format!(
            "\u{feff}{}Notes.\r\n",
            new_page("k", &facts()).replace('\n', "\r\n")
        );
        let mut newer = facts();
        newer.upvotes = Some(9);
        let updated = update_page(&text, "p.md", "k", &newer).unwrap();
        assert!(
            updated.text.starts_with("\u{feff}+++\r\n"),
            "{:?}",
            updated.text
        );
        assert_eq!(
            updated.text.matches('\n').count(),
            updated.text.matches("\r\n").count()
        );
        assert!(updated.text.contains("upvotes = 9\r\n"));
        assert_eq!(
            update_page(&text, "p.md", "k", &facts()).unwrap().text,
            text,
            "unchanged"
        );
    }

    #[test]
    fn fields_below_imported_move_up_unless_the_name_is_taken() {
        let text = new_page("k", &facts()).replacen(
            "\n+++\n",
            "\nrating = 5 # mine\nupvotes = 1\n+++\n",
            1,
        );
        let updated = update_page(&text, "p.md", "k", &facts()).unwrap();
        let moved: Vec<&str> = updated.moved.iter().map(|(k, _)| k.as_str()).collect();
        let stranded: Vec<&str> = updated.stranded.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!((moved, stranded), (vec!["rating"], vec!["upvotes"]));
        let rating = updated.text.find("\nrating = 5 # mine\n").unwrap();
        assert!(
            rating < updated.text.find("[imported]").unwrap(),
            "{}",
            updated.text
        );
        assert_eq!(
            read(&updated.text, "p.md").unwrap().front.facts.upvotes,
            Some(3)
        );
    }

    #[test]
    fn a_removed_fact_stays_removed() {
        let text = new_page("k", &facts());
        let edited = text.replace("code = \"https://github.com/a/b\"\n", "");
        let updated = update_page(&edited, "p.md", "k", &facts()).unwrap();
        assert_eq!(read(&updated.text, "p.md").unwrap().front.facts.code, None);
    }

    #[test]
    fn a_broken_page_is_an_error_with_its_line() {
        let text = new_page("k", &facts()).replace("upvotes = 3", "upvotes = three");
        let err = update_page(&text, "content/papers/x.md", "k", &facts()).unwrap_err();
        assert_eq!(err.file, "content/papers/x.md");
        assert_eq!(err.line, 5, "{err}");
    }

    /// What `new_page` wrote before it wrote text itself: a `toml_edit`
    /// document, the layout every page on disk has and `update_page` keeps.
    fn new_page_by_toml_edit(key: &str, facts: &Facts) -> String {
        use crate::page::facts::Listed;
        let string = |s: &str| -> toml_edit::Value {
            let mut text = String::new();
            write_string(s, &mut text);
            text.parse().unwrap()
        };
        let strings = |v: &[String]| toml_edit::Value::Array(v.iter().map(|s| string(s)).collect());
        let date = |d: NaiveDate| {
            toml_edit::Value::from(toml_edit::Datetime {
                date: Some(toml_edit::Date {
                    year: u16::try_from(chrono::Datelike::year(&d)).unwrap(),
                    month: chrono::Datelike::month(&d) as u8,
                    day: chrono::Datelike::day(&d) as u8,
                }),
                time: None,
                offset: None,
            })
        };
        let listed = |listed: &[Listed]| {
            let mut array = toml_edit::Array::new();
            for l in listed {
                let mut table = toml_edit::InlineTable::new();
                table.insert("digest", string(&l.digest));
                if let Some(d) = l.date {
                    table.insert("date", date(d));
                }
                if let Some(p) = l.position {
                    table.insert("position", i64::from(p).into());
                }
                if let Some(u) = l.upvotes {
                    table.insert("upvotes", i64::from(u).into());
                }
                let mut value = toml_edit::Value::InlineTable(table);
                value.decor_mut().set_prefix("\n  ");
                array.push_formatted(value);
            }
            array.set_trailing("\n");
            array.set_trailing_comma(true);
            toml_edit::Value::Array(array)
        };
        let int = |n: u32| toml_edit::Value::from(i64::from(n));
        let values: [(&str, Option<toml_edit::Value>); 12] = [
            ("title", Some(string(&facts.title))),
            ("arxiv", facts.arxiv.as_deref().map(string)),
            ("date", facts.date.map(date)),
            ("authors", facts.authors.map(int)),
            ("organization", facts.organization.as_deref().map(string)),
            ("upvotes", facts.upvotes.map(int)),
            ("tags", Some(strings(&facts.tags))),
            ("code", facts.code.as_deref().map(string)),
            (
                "links",
                (!facts.links.is_empty()).then(|| strings(&facts.links)),
            ),
            ("digests", Some(strings(&facts.digests))),
            (
                "abstract",
                (!facts.abstract_.is_empty()).then(|| string(&facts.abstract_)),
            ),
            (
                "listed",
                (!facts.listed.is_empty()).then(|| listed(&facts.listed)),
            ),
        ];
        let mut doc = toml_edit::DocumentMut::new();
        let mut hashes = toml_edit::InlineTable::new();
        let mut all = crate::fingerprint::Fnv::default();
        for (name, value) in values {
            if !leaves_no_trace(name, value.is_some()) {
                hashes.insert(name, fact_hash(value.as_ref()).into());
                all.field(name.as_bytes());
                all.field(canonical(value.as_ref()).as_bytes());
            }
            if let Some(value) = value {
                doc[name] = toml_edit::Item::Value(value);
            }
        }
        let mut imported = toml_edit::Table::new();
        imported["key"] = toml_edit::value(key);
        imported["hash"] = toml_edit::value(crate::fingerprint::hex(all.finish()));
        imported["facts"] = toml_edit::value(hashes);
        doc[IMPORTED] = toml_edit::Item::Table(imported);
        format!("{DELIMITER}\n{doc}{DELIMITER}\n")
    }

    /// Text a dump can hold at its worst: quotes, backslashes, every kind
    /// of control character and line end, `"""` and `+++`, any unicode.
    fn hostile() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("\"".to_string()),
            Just("\\".to_string()),
            Just("\"\"\"".to_string()),
            Just("'''".to_string()),
            Just("\n+++\n".to_string()),
            Just("\r\n".to_string()),
            Just("\u{0}\u{8}\t\u{b}\u{c}\u{1b}\u{1f}\u{7f}\u{85}\u{9f}".to_string()),
            Just("\u{2028}\u{feff}\u{fffd}é😀".to_string()),
            Just("\\u0041 \\n".to_string()),
            any::<char>().prop_map(String::from),
            "[a-z ]{0,12}",
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
    }

    fn any_facts() -> impl Strategy<Value = Facts> {
        use crate::page::facts::Listed;
        let date = (1i32..=9999, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap());
        let listed = (
            hostile(),
            proptest::option::of(date.clone()),
            any::<Option<u32>>(),
            any::<Option<u32>>(),
        )
            .prop_map(|(digest, date, position, upvotes)| Listed {
                digest,
                date,
                position,
                upvotes,
            });
        let strings = || proptest::collection::vec(hostile(), 0..3);
        (
            (
                hostile(),
                proptest::option::of(hostile()),
                proptest::option::of(date),
                any::<Option<u32>>(),
            ),
            (
                proptest::option::of(hostile()),
                any::<Option<u32>>(),
                strings(),
                proptest::option::of(hostile()),
            ),
            (
                strings(),
                strings(),
                hostile(),
                proptest::collection::vec(listed, 0..3),
            ),
        )
            .prop_map(
                |(
                    (title, arxiv, date, authors),
                    (organization, upvotes, tags, code),
                    (links, digests, abstract_, listed),
                )| Facts {
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
                },
            )
    }

    proptest! {
        /// Every string a dump can hold is written as a TOML string that
        /// the `toml` parser reads back as that very string.
        #[test]
        fn every_string_round_trips_through_toml(s in hostile()) {
            let mut text = "v = ".to_string();
            write_string(&s, &mut text);
            prop_assert!(!text.contains('\n'), "one line: {text:?}");
            // As pages were written before: escaped by character, `\uXXXX`
            // for every control character but the named ones.
            let mut by_char = "v = \"".to_string();
            for c in s.chars() {
                match c {
                    '"' => by_char.push_str("\\\""),
                    '\\' => by_char.push_str("\\\\"),
                    '\n' => by_char.push_str("\\n"),
                    '\r' => by_char.push_str("\\r"),
                    '\t' => by_char.push_str("\\t"),
                    c if c.is_control() => by_char.push_str(&format!("\\u{:04X}", c as u32)),
                    c => by_char.push(c),
                }
            }
            by_char.push('"');
            prop_assert_eq!(&text, &by_char);
            let table: toml::Table = toml::from_str(&text).unwrap();
            prop_assert_eq!(table["v"].as_str(), Some(s.as_str()));
        }

        /// A new page is what `toml_edit` wrote (so pages written before
        /// stay byte for byte the same and `update_page` keeps them), and
        /// reads back with every fact as given.
        #[test]
        fn a_page_written_as_text_is_the_toml_edit_page_and_reads_back(
            facts in any_facts(),
            title in hostile(),
        ) {
            let key = crate::page::key::title_key(&title);
            let (text, written) = created(&key, &facts);
            prop_assert_eq!(&text, &new_page_by_toml_edit(&key, &facts));
            if !facts.title.trim().is_empty() {
                let page = read(&text, "p.md").unwrap();
                prop_assert_eq!(&written, &page, "import hands load what load would read");
                prop_assert_eq!(&page.front.facts, &facts);
                prop_assert_eq!(
                    page.front.imported_key_and_hash(),
                    Some((key.clone(), Some(facts.hash())))
                );
                prop_assert_eq!(&update_page(&text, "p.md", &key, &facts).unwrap().text, &text);
            }
        }
    }
}
