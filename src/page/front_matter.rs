//! Reading a page: splitting the `+++` front matter from the body, and the
//! front matter's schema (documented in docs/page-format.md): the [`Facts`], an
//! optional `slug`, import's `[imported]` bookkeeping, and whatever else
//! the person added.

use serde::Deserialize;
use toml::de::DeTable;

use super::Facts;
use crate::diagnostic::Diagnostic;
use crate::toml_line;

/// The line that opens and closes the front matter.
pub const DELIMITER: &str = "+++";

/// The bookkeeping table: `key` (which paper), `hash` (all facts as last
/// imported), `facts` (one hash per fact), `edited` (facts the person owns).
pub const IMPORTED: &str = "imported";

/// The keys of `[imported]` that are import's. Anything else there is a
/// field the person added below the table (TOML files every line after a
/// `[table]` header under it): it is read as theirs, and import moves it out.
pub const IMPORTED_KEYS: [&str; 4] = ["key", "hash", "facts", "edited"];

/// The front matter of a paper page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FrontMatter {
    pub facts: Facts,
    /// Overrides the slug taken from the file name.
    pub slug: Option<String>,
    /// Import's bookkeeping (`[imported]`): not shown, not for templates.
    pub imported: Option<toml::Table>,
    /// Fields the person added, handed to templates.
    pub extra: toml::Table,
}

/// The keys of the front matter that are not facts.
#[derive(Deserialize, Default)]
#[serde(default)]
struct NotFacts {
    slug: Option<String>,
    imported: Option<toml::Table>,
    #[serde(flatten)]
    extra: toml::Table,
}

/// A page read from disk: front matter plus the Markdown body, verbatim.
#[derive(Debug, Clone, PartialEq)]
pub struct PageFile {
    pub front: FrontMatter,
    /// Everything after the closing `+++` line.
    pub body: String,
    /// 1-based line where the body starts, to point Markdown messages at.
    pub body_line: usize,
}

impl FrontMatter {
    /// Parses the text between the `+++` lines of the page `origin`.
    ///
    /// The facts are a struct of their own, but not a `#[serde(flatten)]`
    /// one: serde deserializes flattened fields after the whole table is
    /// read, without the position, so a wrong type would lose its line. The
    /// table is parsed once and split by key instead; each half keeps its
    /// positions.
    pub fn parse(text: &str, origin: &str) -> Result<FrontMatter, Diagnostic> {
        let fail = |e: toml::de::Error| error(&e, text, origin);
        let root = DeTable::parse(text).map_err(fail)?;
        let span = root.span();
        let (mut facts, mut rest) = (DeTable::new(), DeTable::new());
        for (key, value) in root.into_inner() {
            let half = if Facts::KEYS.contains(&key.get_ref().as_ref()) {
                &mut facts
            } else {
                &mut rest
            };
            half.insert(key, value);
        }
        let de = |table| toml::de::Deserializer::from(toml::Spanned::new(span.clone(), table));
        let facts = Facts::deserialize(de(facts)).map_err(fail)?;
        let mut rest = NotFacts::deserialize(de(rest)).map_err(fail)?;
        // Fields the person wrote after `[imported]` are theirs all the same
        // (a fact's name stays put: the front matter has its own value).
        if let Some(imported) = &mut rest.imported {
            let strays: Vec<String> = (imported.keys())
                .filter(|k| {
                    !IMPORTED_KEYS.contains(&k.as_str()) && !Facts::KEYS.contains(&k.as_str())
                })
                .filter(|k| !rest.extra.contains_key(*k) && k.as_str() != "slug")
                .cloned()
                .collect();
            for key in strays {
                if let Some(value) = imported.remove(&key) {
                    rest.extra.insert(key, value);
                }
            }
            if rest.slug.is_none()
                && let Some(toml::Value::String(slug)) = imported.get("slug")
            {
                rest.slug = Some(slug.clone());
                imported.remove("slug");
            }
        }
        Ok(FrontMatter {
            facts,
            slug: rest.slug,
            imported: rest.imported,
            extra: rest.extra,
        })
    }

    /// Whether the person owns fact `key` (it is listed in `[imported] edited`).
    pub fn is_edited(&self, key: &str) -> bool {
        self.imported
            .as_ref()
            .and_then(|i| i.get("edited"))
            .and_then(|e| e.as_array())
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(key)))
    }

    /// `[imported] key` and `hash`: which paper an imported page is about,
    /// and its facts as last imported. `None` for a page written by hand.
    pub fn imported_key_and_hash(&self) -> Option<(String, Option<String>)> {
        let imported = self.imported.as_ref()?;
        let key = imported.get("key")?.as_str()?.to_string();
        let hash = imported
            .get("hash")
            .and_then(|h| h.as_str())
            .map(String::from);
        Some((key, hash))
    }

    /// Which paper an imported page is about (its `[imported] key`, as
    /// [`super::key::current_key`] reads it); `None` for a page written by hand.
    pub fn paper_key(&self) -> Option<String> {
        let (stored, _) = self.imported_key_and_hash()?;
        Some(super::key::current_key(&stored, &self.facts.title))
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

/// The line in the page of a key of the front matter `front_text`.
pub fn key_line(front_text: &str, key: &str) -> Option<usize> {
    // The front matter starts on line 2, after the opening `+++`.
    toml_line::of_key(front_text, &[key]).map(|line| line + 1)
}

/// A TOML error in front matter, at its line in the page file.
pub fn error(e: &toml::de::Error, front_text: &str, origin: &str) -> Diagnostic {
    // One more for the opening `+++`; an error pointing nowhere is the
    // front matter's as a whole.
    let line = toml_line::of_error(e, front_text).map_or(1, |line| line + 1);
    Diagnostic::error(
        origin,
        line,
        format!("bad front matter: {}", e.message().trim()),
    )
}

/// Reads a page. A front matter error names the file and the line in the file.
pub fn read(text: &str, origin: &str) -> Result<PageFile, Diagnostic> {
    let (front_text, body, body_line) = split(text, origin)?;
    let front = FrontMatter::parse(&front_text, origin)?;
    if front.facts.title.trim().is_empty() {
        return Err(Diagnostic::error(
            origin,
            1,
            "the front matter has no `title`",
        ));
    }
    Ok(PageFile {
        front,
        body,
        body_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn reads_front_matter_and_body() {
        let page = read(
            "+++\ntitle = \"T\"\ndate = 2025-04-28\ntags = [\"a\"]\nmine = 3\nslug = \"t\"\n+++\n# Notes\n",
            "p.md",
        )
        .unwrap();
        assert_eq!(page.front.facts.title, "T");
        assert_eq!(page.front.facts.date, NaiveDate::from_ymd_opt(2025, 4, 28));
        assert_eq!(page.front.facts.tags, vec!["a"]);
        assert_eq!(page.front.slug.as_deref(), Some("t"));
        assert_eq!(page.front.extra["mine"].as_integer(), Some(3));
        assert_eq!(page.front.extra.len(), 1, "facts are not extra fields");
        assert_eq!(page.body, "# Notes\n");
        assert_eq!(page.body_line, 8);
    }

    #[test]
    fn fields_written_below_imported_are_the_persons() {
        let page = read(
            "+++\ntitle = \"T\"\n[imported]\nkey = \"t\"\nhash = \"h\"\nrating = 5\nslug = \"mine\"\nupvotes = 3\n+++\n",
            "p.md",
        )
        .unwrap();
        assert_eq!(page.front.extra["rating"].as_integer(), Some(5));
        assert_eq!(page.front.slug.as_deref(), Some("mine"));
        assert_eq!(
            page.front.facts.upvotes, None,
            "a fact's name is not read from there"
        );
        let imported = page.front.imported.unwrap();
        let mut keys: Vec<&String> = imported.keys().collect();
        keys.sort();
        assert_eq!(keys, ["hash", "key", "upvotes"]);
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
    fn a_wrong_type_is_at_its_line_for_facts_and_other_keys_alike() {
        for (text, line) in [
            ("+++\ntitle = \"T\"\nmine = 1\n\ndate = \"soon\"\n+++\n", 5),
            ("+++\ntitle = \"T\"\n\nslug = 3\n+++\n", 4),
            ("+++\ntitle = \"T\"\nimported = \"no\"\n+++\n", 3),
            ("+++\ntitle = \"T\"\ntags = [1]\n+++\n", 3),
            ("+++\ntitle = = \"T\"\n+++\n", 2),
        ] {
            let err = read(text, "x.md").unwrap_err();
            assert_eq!(err.line, line, "{text:?}: {err}");
        }
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
        assert_eq!(err.line, 3, "{err}");
    }

    #[test]
    fn key_lines_count_the_opening_delimiter() {
        let front = "title = \"T\"\n\nupvotes = 3\n";
        assert_eq!(key_line(front, "upvotes"), Some(4));
        assert_eq!(key_line(front, "code"), None);
    }
}
