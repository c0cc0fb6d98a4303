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

/// Reads a page. A front matter error names the file and the line in the file.
pub fn read(text: &str, origin: &str) -> Result<PaperFile, Diagnostic> {
    let (front_text, body, body_line) = split(text, origin)?;
    let front: FrontMatter = toml::from_str(&front_text).map_err(|e| {
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
    })?;
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
