//! Text → [`Digest`]: the page header, then one entry per paper.
//!
//! The parser works on the non-blank lines of the dump (blank lines only
//! separate paragraphs, and real dumps have one, several or none). Each line
//! is looked at once and classified by shape (header phrase, `·`, author
//! count, date, long text, short text), so the work is linear in the input.
//! See docs/digest.md for the format and the heuristics.

use super::fields::{
    Line, is_bare_number, is_dot, is_header_phrase, is_page_chrome, is_url, looks_like_date,
    parse_authors, parse_counter, parse_date, parse_published, quote, reads_like_title,
};
use super::{Digest, Entry, Who};
use crate::diagnostic::Diagnostic;

/// An abstract is at least this long (bytes) — titles in real dumps stay
/// under 200 bytes, abstracts are over 1,000.
const ABSTRACT_MIN_BYTES: usize = 300;
/// …or has at least this many words…
const ABSTRACT_MIN_WORDS: usize = 40;
/// …or ends a sentence and has at least this many words.
const ABSTRACT_SENTENCE_MIN_WORDS: usize = 12;

/// Parses a plain copy: the page header, then one entry per paper. Title-only
/// entries (no abstract, no details) are kept only when the line reads like a
/// title, and only in a dump that has real entries too.
pub(super) fn parse(lines: &[Line<'_>], digest: &mut Digest) {
    let origin = digest.origin.clone();
    let before = digest.diagnostics.len();
    let mut parser = Parser {
        lines,
        pos: 0,
        origin: &origin,
        digest,
    };
    parser.header();
    parser.entries();
    let solid = |e: &Entry| !e.abstract_raw.is_empty() || e.who.is_some() || e.date.is_some();
    if !digest.entries.is_empty() && !digest.entries.iter().any(solid) {
        // Not a digest (the caller says so): what was said about its lines
        // as entries does not apply.
        digest.entries.clear();
        digest.diagnostics.truncate(before);
    }
}

struct Parser<'l, 'a> {
    lines: &'l [Line<'a>],
    pos: usize,
    origin: &'l str,
    digest: &'l mut Digest,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self, ahead: usize) -> Option<Line<'a>> {
        self.lines.get(self.pos + ahead).copied()
    }

    fn warn(&mut self, line: usize, message: String) {
        self.digest
            .diagnostics
            .push(Diagnostic::warning(self.origin, line, message));
    }

    /// Header phrases and the page's navigation, then the listing date if
    /// one follows. A line between them that is neither is the search box's
    /// text (a search results page) and goes with them.
    fn header(&mut self) {
        while let Some(line) = self.peek(0) {
            let search_text = || {
                parse_date(line.text).is_none()
                    && line.text.len() < 100
                    && self.peek(1).is_some_and(|next| is_page_chrome(next.text))
            };
            if !is_page_chrome(line.text) && !search_text() {
                break;
            }
            self.pos += 1;
            // `Submitted by` and the user's name before the first paper.
            if line.text.eq_ignore_ascii_case("submitted by")
                && self
                    .peek(0)
                    .is_some_and(|n| !n.text.contains(char::is_whitespace))
            {
                self.pos += 1;
            }
        }
        if let Some(line) = self.peek(0)
            && let Some((date, None)) = parse_date(line.text)
        {
            self.digest.listing_date = Some(date);
            self.pos += 1;
        }
    }

    fn entries(&mut self) {
        while let Some(line) = self.peek(0) {
            if let Some(entry) = self.entry(line) {
                self.digest.entries.push(entry);
            }
        }
    }

    /// One entry starting at `title`; `None` (with a warning) when the line
    /// cannot start an entry, after skipping it.
    fn entry(&mut self, title: Line<'a>) -> Option<Entry> {
        if is_header_phrase(title.text) {
            self.repeated_header(title);
            return None;
        }
        self.pos += 1;
        if is_page_chrome(title.text) && !self.peek(0).is_some_and(|n| self.is_abstract_here(n)) {
            self.page_chrome(title);
            return None;
        }
        if is_url(title.text) {
            self.warn(
                title.number,
                format!(
                    "skipped \"{}\": a URL where a paper title was expected",
                    quote(title.text)
                ),
            );
            return None;
        }
        if let Some(kind) = stray_kind(title.text) {
            self.warn(
                title.number,
                format!(
                    "skipped {kind} \"{}\" where a paper title was expected",
                    quote(title.text)
                ),
            );
            return None;
        }
        if self.is_orphan_abstract(title) {
            self.warn(
                title.number,
                format!(
                    "skipped an abstract with no title before it (\"{}\")",
                    quote(title.text)
                ),
            );
            return None;
        }
        let mut entry = Entry {
            line: title.number,
            title: title.text.to_string(),
            abstract_raw: String::new(),
            who: None,
            date: None,
            upvotes: None,
            arxiv: None,
            comments: None,
        };
        match self.peek(0) {
            None if reads_like_title(title.text) => {
                self.warn(
                    title.number,
                    format!(
                        "the entry \"{}\" ends after its title (the file looks truncated)",
                        quote(title.text)
                    ),
                );
                return Some(entry);
            }
            None => {}
            Some(next) if self.is_abstract_here(next) => {
                entry.abstract_raw = next.text.to_string();
                self.pos += 1;
                self.more_paragraphs(&mut entry.abstract_raw);
            }
            Some(_) => {}
        }
        self.metadata(&mut entry);
        let alone = entry.abstract_raw.is_empty() && entry.who.is_none() && entry.date.is_none();
        if alone && !reads_like_title(&entry.title) {
            self.warn(
                title.number,
                format!(
                    "skipped \"{}\": no abstract or paper details follow it, and it does not \
                     read like a title (page text, a counter or a link?)",
                    quote(title.text)
                ),
            );
            return None;
        }
        Some(entry)
    }

    /// The page's own words between entries (a copy of the trending page
    /// has `Submitted by` and a user name before each paper, `Upvote` and
    /// its count, `GitHub` and its stars after it): skipped quietly, with
    /// the line they introduce; an upvote count goes to the entry above.
    fn page_chrome(&mut self, chrome: Line<'a>) {
        let Some(next) = self.peek(0) else {
            return;
        };
        let word = chrome.text.to_ascii_lowercase();
        if word == "upvote"
            && let Some(count) = parse_counter(next.text)
        {
            if let Some(last) = self.digest.entries.last_mut()
                && last.upvotes.is_none()
            {
                last.upvotes = count;
            }
            self.pos += 1;
        } else if (word == "github" && is_bare_number(next.text))
            || (word == "submitted by" && !next.text.contains(char::is_whitespace))
        {
            self.pos += 1;
        }
    }

    /// A line in title position is an abstract whose title is missing when
    /// it is long and the line after it is not (a long title is followed by
    /// its long abstract).
    fn is_orphan_abstract(&self, line: Line<'a>) -> bool {
        line.text.len() >= ABSTRACT_MIN_BYTES
            && self
                .peek(0)
                .is_none_or(|next| next.text.len() < ABSTRACT_MIN_BYTES)
    }

    /// A page header in the middle of the file (two dumps pasted into one):
    /// skipped with its date, and the second listing date is not used.
    fn repeated_header(&mut self, first: Line<'a>) {
        let before = self.digest.listing_date;
        self.header();
        let second = std::mem::replace(&mut self.digest.listing_date, before);
        let date_note = match second {
            Some(d) if Some(d) != before => {
                " (its listing date differs from the first; dates here use the first)"
            }
            _ => "",
        };
        self.warn(
            first.number,
            format!("skipped a repeated page header{date_note}; were two dumps joined?"),
        );
    }

    /// An abstract split into paragraphs: a further long line belongs to it
    /// unless a long line follows that one too (then it is a long title
    /// with its abstract). Paragraphs are joined by a blank line.
    fn more_paragraphs(&mut self, abstract_raw: &mut String) {
        let long = |l: Option<Line<'a>>| l.is_some_and(|l| l.text.len() >= ABSTRACT_MIN_BYTES);
        while long(self.peek(0)) && !long(self.peek(1)) {
            if let Some(line) = self.peek(0) {
                abstract_raw.push_str("\n\n");
                abstract_raw.push_str(line.text);
            }
            self.pos += 1;
        }
    }

    /// Is `line`, just after a title, that title's abstract? Metadata is
    /// not; a long line is; a short line is when a metadata block follows it
    /// (title, short abstract, metadata) and is not when a long line follows
    /// it (it is then the next title); otherwise the length/word heuristic.
    fn is_abstract_here(&self, line: Line<'a>) -> bool {
        if self.metadata_starts_at(0) {
            return false;
        }
        if line.text.len() >= ABSTRACT_MIN_BYTES {
            return true;
        }
        if self.metadata_starts_at(1) {
            return true;
        }
        match self.peek(1) {
            Some(after) if after.text.len() >= ABSTRACT_MIN_BYTES => false,
            _ => looks_like_abstract(line.text),
        }
    }

    /// Does a metadata block (`• N authors`, an organization line followed
    /// by `·`, a lone `·`, or a date) start `ahead` lines from here?
    fn metadata_starts_at(&self, ahead: usize) -> bool {
        let Some(line) = self.peek(ahead) else {
            return false;
        };
        is_dot(line.text)
            || parse_authors(line.text).is_some()
            || parse_date(line.text).is_some()
            || parse_published(line.text).is_some()
            || is_organization_line(line.text)
            || self.peek(ahead + 1).is_some_and(|l| is_dot(l.text))
    }

    /// The optional who / `·` / date block after an abstract.
    fn metadata(&mut self, entry: &mut Entry) {
        let Some(first) = self.peek(0) else {
            return;
        };
        let dot_follows = self.peek(1).is_some_and(|l| is_dot(l.text));
        if let Some(n) = parse_authors(first.text) {
            entry.who = Some(Who::Authors(n));
            self.pos += 1;
        } else if (dot_follows && !is_dot(first.text)) || is_organization_line(first.text) {
            entry.who = Some(organization(first.text));
            self.pos += 1;
        }
        let had_who = entry.who.is_some();
        let mut had_dot = false;
        if self.peek(0).is_some_and(|l| is_dot(l.text)) {
            self.pos += 1;
            had_dot = true;
        }
        let Some(line) = self.peek(0) else {
            if had_who || had_dot {
                self.warn(
                    entry.line,
                    format!(
                        "the entry \"{}\" has a metadata block cut off before its date (the file looks truncated)",
                        quote(&entry.title)
                    ),
                );
            }
            return;
        };
        if let Some((date, upvotes)) =
            parse_date(line.text).or_else(|| parse_published(line.text).map(|date| (date, None)))
        {
            entry.date = Some(date);
            entry.upvotes = upvotes;
            self.pos += 1;
        } else if (had_who || had_dot) && looks_like_date(line.text) {
            self.warn(
                line.number,
                format!("\"{}\" is not a valid date; ignored", quote(line.text)),
            );
            self.pos += 1;
        }
    }
}

/// What a line that can only belong to a metadata block is, for messages.
fn stray_kind(text: &str) -> Option<&'static str> {
    if is_dot(text) {
        Some("a lone `·`")
    } else if parse_authors(text).is_some() {
        Some("an author count")
    } else if parse_date(text).is_some() || looks_like_date(text) {
        Some("a date")
    } else {
        None
    }
}

/// The length/word heuristic (see docs/digest.md): long, or many words, or
/// a sentence of a dozen words or more.
fn looks_like_abstract(text: &str) -> bool {
    if text.len() >= ABSTRACT_MIN_BYTES {
        return true;
    }
    let words = text.split_whitespace().count();
    // A sentence ends with one period; titles end with `...` at times.
    let ends_sentence = text.ends_with('.') && !text.ends_with("..");
    words >= ABSTRACT_MIN_WORDS || (words >= ABSTRACT_SENTENCE_MIN_WORDS && ends_sentence)
}

/// An organization line even without the `·` after it: a lowercase handle
/// then a display name that spells the same letters (`kyutai Kyutai`,
/// `meta-llama Meta Llama`, `nvidia NVIDIA`). Titles do not look like that.
fn is_organization_line(text: &str) -> bool {
    if text.len() > 120 {
        return false;
    }
    let Some((handle, display)) = text.split_once(' ') else {
        return false;
    };
    let letters = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let handle_is_lowercase = handle
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
    let (h, d) = (letters(handle), letters(display));
    handle_is_lowercase && h.len() >= 2 && h == d
}

/// `kyutai Kyutai` is a handle then a display name. A single word is the
/// display name, with no handle.
fn organization(text: &str) -> Who {
    match text.split_once(char::is_whitespace) {
        Some((handle, display)) if !display.trim().is_empty() => Who::Organization {
            name: display.trim().to_string(),
            handle: Some(handle.to_string()),
        },
        _ => Who::Organization {
            name: text.to_string(),
            handle: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::fields::{QUOTE_CHARS, parse_date};
    use super::*;
    use crate::diagnostic::Level;
    use crate::digest::{Digest, DumpDate, parse};

    const HEADER: &str = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\nbyAK and the research community\n\nApr 28\n\n";

    fn abstract_text(n: usize) -> String {
        format!(
            "Abstract number {n} describes a method that works well. {}",
            "We evaluate it on many benchmarks and it improves results. ".repeat(6)
        )
        .trim_end()
        .to_string()
    }

    fn warnings(d: &Digest) -> Vec<String> {
        d.diagnostics
            .iter()
            .map(std::string::ToString::to_string)
            .collect()
    }

    #[test]
    fn header_date_and_two_plain_entries() {
        let text = format!(
            "{HEADER}First Title\n\n{}\n\nSecond Title\n\n{}",
            abstract_text(1),
            abstract_text(2)
        );
        let d = parse(text.as_bytes(), "a.txt");
        assert_eq!(
            d.listing_date,
            Some(DumpDate {
                year: None,
                month: 4,
                day: 28
            })
        );
        assert_eq!(d.entries.len(), 2);
        assert_eq!(d.entries[0].title, "First Title");
        assert_eq!(d.entries[0].line, 13);
        assert_eq!(d.entries[1].line, 17);
        assert!(d.entries[1].abstract_raw.starts_with("Abstract number 2"));
        assert!(d.diagnostics.is_empty(), "{:?}", warnings(&d));
    }

    #[test]
    fn crlf_line_endings_parse_like_lf() {
        let text = format!(
            "{HEADER}First Title\n\n{}\n\n  • 3 authors\n·\nFeb 12\n",
            abstract_text(1)
        );
        let lf = parse(text.as_bytes(), "a.txt");
        let crlf = parse(text.replace('\n', "\r\n").as_bytes(), "a.txt");
        assert_eq!(lf.entries, crlf.entries);
        assert_eq!(crlf.entries[0].title, "First Title");
        assert_eq!(crlf.entries[0].who, Some(Who::Authors(3)));
        assert!(crlf.diagnostics.is_empty(), "{:?}", warnings(&crlf));
    }

    #[test]
    fn cr_only_line_endings_parse_like_lf() {
        let text = format!(
            "{HEADER}First Title\n\n{}\n\n  • 3 authors\n·\nFeb 12\n",
            abstract_text(1)
        );
        let lf = parse(text.as_bytes(), "a.txt");
        let cr = parse(text.replace('\n', "\r").as_bytes(), "a.txt");
        assert_eq!(lf.entries, cr.entries);
        assert_eq!(cr.entries.len(), 1);
    }

    #[test]
    fn utf8_bom_is_not_part_of_the_first_line() {
        let text = format!("\u{FEFF}{HEADER}First Title\n\n{}\n", abstract_text(1));
        let d = parse(text.as_bytes(), "a.txt");
        assert_eq!(d.listing_date.map(|d| d.day), Some(28));
        assert_eq!(d.entries.len(), 1);
        assert!(d.diagnostics.is_empty());
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily_with_a_warning_at_its_line() {
        let mut bytes = format!("{HEADER}Bad \n").into_bytes();
        bytes.truncate(bytes.len() - 1);
        bytes.extend_from_slice(b"\xFF\xFE title\n\n");
        bytes.extend_from_slice(abstract_text(1).as_bytes());
        let d = parse(&bytes, "a.txt");
        assert_eq!(d.entries.len(), 1);
        assert_eq!(d.entries[0].title, "Bad \u{FFFD}\u{FFFD} title");
        assert_eq!(d.diagnostics.len(), 1);
        assert_eq!(d.diagnostics[0].line, 13);
        assert!(d.diagnostics[0].message.contains("UTF-8"));
    }

    #[test]
    fn extra_blank_lines_and_trailing_spaces_are_ignored() {
        let text = format!(
            "new  \n\n\n\nSubscribe\t\n\n\nApr 28   \n\n\n\nTitle One   \n\n\n\n{}   \n\n\n  • 6 authors  \n·  \nJun 18 1   \n\n\n",
            abstract_text(1)
        );
        let d = parse(text.as_bytes(), "a.txt");
        assert_eq!(d.entries.len(), 1);
        let e = &d.entries[0];
        assert_eq!(e.title, "Title One");
        assert_eq!(e.line, 12);
        assert_eq!(e.who, Some(Who::Authors(6)));
        assert_eq!(
            e.date,
            Some(DumpDate {
                year: None,
                month: 6,
                day: 18
            })
        );
        assert_eq!(e.upvotes, Some(1));
        assert!(d.diagnostics.is_empty(), "{:?}", warnings(&d));
    }

    #[test]
    fn header_without_daily_papers_and_either_by_ak_spelling() {
        for by in [
            "byAK and the research community",
            "by AK and the research community",
        ] {
            let text = format!(
                "new\n\nSubscribe\n\n{by}\n\nMar 11\n\nT\n\n{}\n",
                abstract_text(1)
            );
            let d = parse(text.as_bytes(), "a.txt");
            assert_eq!(d.listing_date.map(|d| d.month), Some(3), "{by}");
            assert_eq!(d.entries.len(), 1, "{by}");
            assert_eq!(d.entries[0].title, "T");
        }
    }

    #[test]
    fn header_without_listing_date_leaves_it_unset() {
        let text = format!(
            "new\n\nDaily Papers\n\nby AK and the research community\n\nTitle\n\n{}\n",
            abstract_text(1)
        );
        let d = parse(text.as_bytes(), "a.txt");
        assert_eq!(d.listing_date, None);
        assert_eq!(d.entries.len(), 1);
        assert_eq!(d.entries[0].title, "Title");
        assert!(d.diagnostics.is_empty());
    }

    #[test]
    fn entry_without_abstract_keeps_the_next_title_separate() {
        let text = format!(
            "{HEADER}No Abstract Here\n\nSecond Paper\n\n{}\n\nThird Paper\n\n  • 2 authors\n·\nMar 4\n\nFourth Paper\n\n{}\n",
            abstract_text(2),
            abstract_text(4)
        );
        let d = parse(text.as_bytes(), "a.txt");
        let titles: Vec<_> = d.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "No Abstract Here",
                "Second Paper",
                "Third Paper",
                "Fourth Paper"
            ]
        );
        assert_eq!(d.entries[0].abstract_raw, "");
        assert_eq!(d.entries[2].abstract_raw, "");
        assert_eq!(d.entries[2].who, Some(Who::Authors(2)));
        assert!(d.diagnostics.is_empty(), "{:?}", warnings(&d));
    }

    #[test]
    fn short_abstract_is_recognised_by_the_metadata_after_it() {
        let text = format!("{HEADER}Title\n\nA short abstract.\n\n  • 1 author\n·\nMay 20\n");
        let d = parse(text.as_bytes(), "a.txt");
        assert_eq!(d.entries.len(), 1);
        assert_eq!(d.entries[0].abstract_raw, "A short abstract.");
        assert_eq!(d.entries[0].who, Some(Who::Authors(1)));
    }

    #[test]
    fn organization_line_instead_of_author_count() {
        let text = format!(
            "{HEADER}ARC-Encoder\n\n{}\n\nkyutai Kyutai\n·\nOct 23 1\n",
            abstract_text(1)
        );
        let d = parse(text.as_bytes(), "a.txt");
        let e = &d.entries[0];
        assert_eq!(
            e.who,
            Some(Who::Organization {
                name: "Kyutai".into(),
                handle: Some("kyutai".into())
            })
        );
        assert_eq!(
            e.date,
            Some(DumpDate {
                year: None,
                month: 10,
                day: 23
            })
        );
        assert_eq!(e.upvotes, Some(1));
        let text = format!(
            "{HEADER}T\n\n{}\n\nmeta-llama Meta Llama\n·\nOct 23\n",
            abstract_text(1)
        );
        let d = parse(text.as_bytes(), "a.txt");
        assert_eq!(
            d.entries[0].who,
            Some(Who::Organization {
                name: "Meta Llama".into(),
                handle: Some("meta-llama".into())
            })
        );
    }

    #[test]
    fn organization_line_alone_is_not_taken_for_a_title() {
        let text = format!(
            "{HEADER}First\n\n{}\n\nkyutai Kyutai\n\nSecond\n\n{}\n",
            abstract_text(1),
            abstract_text(2)
        );
        let d = parse(text.as_bytes(), "a.txt");
        let titles: Vec<_> = d.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["First", "Second"]);
        assert_eq!(
            d.entries[0].who,
            Some(Who::Organization {
                name: "Kyutai".into(),
                handle: Some("kyutai".into())
            })
        );
        assert!(is_organization_line("meta-llama Meta Llama"));
        assert!(is_organization_line("nvidia NVIDIA"));
        assert!(!is_organization_line(
            "Mamba: Linear-Time Sequence Modeling"
        ));
        assert!(!is_organization_line(
            "bert BERT: Pre-training of Deep Bidirectional"
        ));
    }

    #[test]
    fn a_second_page_header_is_skipped_with_a_warning() {
        let text = format!(
            "{HEADER}A\n\n{}\n\n{HEADER}B\n\n{}\n",
            abstract_text(1),
            abstract_text(2)
        );
        let d = parse(text.as_bytes(), "j.txt");
        let titles: Vec<_> = d.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["A", "B"]);
        assert_eq!(d.diagnostics.len(), 1, "{:?}", warnings(&d));
        assert_eq!(d.diagnostics[0].line, 17);
        assert_eq!(d.listing_date.map(|d| d.day), Some(28));
    }

    #[test]
    fn metadata_block_without_a_date() {
        let text = format!(
            "{HEADER}First\n\n{}\n\n  • 4 authors\n·\n\nSecond\n\n{}\n\nkyutai Kyutai\n·\n",
            abstract_text(1),
            abstract_text(2)
        );
        let d = parse(text.as_bytes(), "a.txt");
        assert_eq!(d.entries.len(), 2);
        assert_eq!(d.entries[0].who, Some(Who::Authors(4)));
        assert_eq!(d.entries[0].date, None);
        assert_eq!(d.entries[1].title, "Second");
        assert_eq!(
            d.entries[1].who,
            Some(Who::Organization {
                name: "Kyutai".into(),
                handle: Some("kyutai".into())
            })
        );
        // The second block ends the file without its date: a truncation warning.
        assert_eq!(d.diagnostics.len(), 1, "{:?}", warnings(&d));
        assert_eq!(d.diagnostics[0].line, d.entries[1].line);
    }

    #[test]
    fn author_counts_in_their_spellings() {
        assert_eq!(parse_authors("• 6 authors"), Some(6));
        assert_eq!(parse_authors("•6 authors"), Some(6));
        assert_eq!(parse_authors("• 1 author"), Some(1));
        assert_eq!(parse_authors("•\u{A0}12\u{A0}authors"), Some(12));
        assert_eq!(parse_authors("* 3 Authors"), Some(3));
        assert_eq!(parse_authors("• many authors"), None);
        assert_eq!(parse_authors("- 3 authors and more"), None);
        assert_eq!(parse_authors("6 authors"), None);
    }

    #[test]
    fn dates_with_and_without_year_and_upvotes() {
        let cases = [
            ("Feb 12", (None, 2, 12), None),
            ("Jun 18 1", (None, 6, 18), Some(1)),
            ("May 4, 2022", (Some(2022), 5, 4), None),
            ("May 4, 2022 1", (Some(2022), 5, 4), Some(1)),
            ("Dec 15, 2023 312", (Some(2023), 12, 15), Some(312)),
        ];
        for (text, (year, month, day), upvotes) in cases {
            assert_eq!(
                parse_date(text),
                Some((DumpDate { year, month, day }, upvotes)),
                "{text}"
            );
        }
        for bad in [
            "Feb 30",
            "Foo 12",
            "May",
            "May 4, 22x",
            "May 4 1 2",
            "Mayday 4",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn truncated_last_entry_is_kept_with_a_warning() {
        let text = format!(
            "{HEADER}Complete\n\n{}\n\nCut Off Title\n",
            abstract_text(1)
        );
        let d = parse(text.as_bytes(), "a.txt");
        assert_eq!(d.entries.len(), 2);
        assert_eq!(d.diagnostics.len(), 1);
        assert_eq!(d.diagnostics[0].line, 17);
        assert!(d.diagnostics[0].message.contains("truncated"));

        let text = format!(
            "{HEADER}Complete\n\nAn abstract that stops in the middle of a sen{}",
            "tence and more words ".repeat(20)
        );
        let d = parse(text.trim_end().as_bytes(), "a.txt");
        assert_eq!(d.entries.len(), 1);
        assert!(
            d.diagnostics[0].message.contains("truncated"),
            "{:?}",
            warnings(&d)
        );
    }

    #[test]
    fn empty_file_gives_a_warning_and_no_entries() {
        for input in [&b""[..], b"\n\n  \r\n", b"\xEF\xBB\xBF"] {
            let d = parse(input, "empty.txt");
            assert!(d.entries.is_empty());
            assert_eq!(d.diagnostics.len(), 1);
            assert_eq!(d.diagnostics[0].level, Level::Warning);
            assert!(
                d.diagnostics[0]
                    .to_string()
                    .starts_with("empty.txt: warning:")
            );
        }
        let d = parse(HEADER.as_bytes(), "header-only.txt");
        assert!(d.entries.is_empty());
        assert_eq!(d.diagnostics.len(), 1);
    }

    #[test]
    fn stray_metadata_lines_are_reported_and_parsing_carries_on() {
        let text = format!(
            "{HEADER}·\n\nTitle\n\n{}\n\n  • 3 authors\n·\nFeb 12\n\n  • 5 authors\n\nNext\n\n{}\n",
            abstract_text(1),
            abstract_text(2)
        );
        let d = parse(text.as_bytes(), "s.txt");
        let titles: Vec<_> = d.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["Title", "Next"]);
        assert_eq!(d.diagnostics.len(), 2, "{:?}", warnings(&d));
        assert_eq!(d.diagnostics[0].line, 13);
        assert!(
            d.diagnostics[0]
                .to_string()
                .starts_with("s.txt:13: warning:")
        );
        assert_eq!(d.diagnostics[1].line, 23);
    }

    #[test]
    fn an_abstract_in_two_paragraphs_stays_one_abstract() {
        let (a, b) = (abstract_text(1), abstract_text(2));
        let text =
            format!("{HEADER}Title\n\n{a}\n\n{b}\n\n  • 2 authors\n·\nMar 4\n\nNext\n\n{a}\n");
        let d = parse(text.as_bytes(), "p.txt");
        let titles: Vec<_> = d.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["Title", "Next"]);
        assert_eq!(d.entries[0].abstract_raw, format!("{a}\n\n{b}"));
        assert_eq!(d.entries[0].who, Some(Who::Authors(2)));
        assert!(d.diagnostics.is_empty(), "{:?}", warnings(&d));
    }

    #[test]
    fn orphan_abstract_without_title_is_reported() {
        let text = format!(
            "{HEADER}{}\n\nTitle\n\n{}\n",
            abstract_text(1),
            abstract_text(2)
        );
        let d = parse(text.as_bytes(), "o.txt");
        assert_eq!(d.entries.len(), 1);
        assert_eq!(d.entries[0].title, "Title");
        assert_eq!(d.diagnostics.len(), 1);
        assert_eq!(d.diagnostics[0].line, 13);
    }

    #[test]
    fn markup_in_titles_and_abstracts_is_kept_verbatim() {
        let title = "<script>alert(1)</script> [x](javascript:alert(1)) {{ config }}";
        let abs = format!(
            "{{% raw %}} +++ <script>x</script> {{{{ config }}}} {}",
            abstract_text(1)
        );
        let text = format!("{HEADER}{title}\n\n{abs}\n\n+++\n\n{}\n", abstract_text(2));
        let d = parse(text.as_bytes(), "x.txt");
        assert_eq!(d.entries.len(), 2, "{:?}", warnings(&d));
        assert_eq!(d.entries[0].title, title);
        assert_eq!(d.entries[0].abstract_raw, abs);
        assert_eq!(d.entries[1].title, "+++");
    }

    #[test]
    fn long_lines_in_messages_are_quoted_short() {
        let q = quote(&"é".repeat(500));
        assert_eq!(q.chars().count(), QUOTE_CHARS + 1);
    }

    #[test]
    fn a_plain_copy_of_a_search_page_skips_the_navigation_and_the_search_term() {
        let text = format!(
            "Hugging Face\n\nModels\n\nLog In\n\nSign Up\n\nnew\n\n\
             Get trending papers in your email inbox once a day!\n\nDaily Papers\n\n\
             by AK and the research community\n\nsource citations\n\nDaily\n\nWeekly\n\nMonthly\n\nMar 25\n\n\
             A Real Title\n\n{}\n\n  • 3 authors\n·\nFeb 12\n\nPrevious\n\nSystem theme\n\nCompany\n\nTOS\n",
            abstract_text(1)
        );
        let d = parse(text.as_bytes(), "s.txt");
        let titles: Vec<_> = d.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["A Real Title"]);
        assert_eq!(d.listing_date.map(|d| (d.month, d.day)), Some((3, 25)));
        assert!(d.diagnostics.is_empty(), "{:?}", warnings(&d));
    }

    #[test]
    fn a_plain_copy_of_the_trending_page_reads_its_counts_and_skips_its_buttons() {
        let text = format!(
            "Trending Papers\n\nby AK and the research community\n\nSubmitted by\nvvasilev\n\n\
             A Trending Paper\n\n{}\n\nkandinskylab Kandinsky Lab\n·\nPublished on Oct 4, 2026\n\n\
             Upvote\n117\n\nGitHub\n3.29k\n\narXiv Page\n\nSubmitted by\nbupalinyu\n\n\
             Another Trending Paper\n\n{}\n\n  • 4 authors\n·\nPublished on Dec 28, 2024\n\nUpvote\n-\n",
            abstract_text(1),
            abstract_text(2)
        );
        let d = parse(text.as_bytes(), "t.txt");
        let titles: Vec<_> = d.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["A Trending Paper", "Another Trending Paper"]);
        let a = &d.entries[0];
        assert_eq!(a.upvotes, Some(117));
        assert_eq!(
            a.date,
            Some(DumpDate {
                year: Some(2026),
                month: 10,
                day: 4
            })
        );
        assert_eq!(
            a.who,
            Some(Who::Organization {
                name: "Kandinsky Lab".into(),
                handle: Some("kandinskylab".into())
            })
        );
        assert_eq!(d.entries[1].upvotes, None);
        assert!(d.diagnostics.is_empty(), "{:?}", warnings(&d));
    }

    #[test]
    fn page_text_urls_and_counters_alone_are_never_titles() {
        let text = format!(
            "{HEADER}Daily\n\nhttps://huggingface.co/login\n\n1\n\nFirst Real Paper\n\n{}\n\n\
             vvasilev\n\n2048\n\n{}\n\nhttps://example.org/a-title\n\n{}\n",
            abstract_text(1),
            abstract_text(2),
            abstract_text(3)
        );
        let d = parse(text.as_bytes(), "j.txt");
        let titles: Vec<_> = d.entries.iter().map(|e| e.title.as_str()).collect();
        // `2048` over an abstract is a real title; alone, a counter is not.
        assert_eq!(titles, ["First Real Paper", "2048"]);
        let lines: Vec<usize> = d.diagnostics.iter().map(|m| m.line).collect();
        // The URL, the `1`, `vvasilev`, the URL over an abstract and that
        // abstract, each at its line; `Daily` is skipped quietly.
        assert_eq!(lines, [15, 17, 23, 29, 31], "{:?}", warnings(&d));
    }

    #[test]
    fn a_dump_of_title_like_lines_only_is_not_a_digest() {
        let d = parse(b"Some Notes On Papers\n\nAnother Line Of Text\n", "n.txt");
        assert!(d.entries.is_empty());
        assert_eq!(d.diagnostics.len(), 1, "{:?}", warnings(&d));
        assert!(d.diagnostics[0].message.starts_with("not a digest"));
        assert_eq!(d.diagnostics[0].line, 1);
    }

    mod bad_input {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
                let d = parse(&bytes, "p.txt");
                for e in &d.entries {
                    prop_assert!(e.line >= 1);
                }
            }

            #[test]
            fn arbitrary_digest_like_lines_never_panic(lines in proptest::collection::vec(
                prop_oneof![
                    Just("·".to_string()),
                    Just("  • 3 authors".to_string()),
                    Just("Feb 12".to_string()),
                    Just("May 4, 2022 1".to_string()),
                    Just("kyutai Kyutai".to_string()),
                    Just(String::new()),
                    "[a-zA-Z ,.]{0,400}",
                ],
                0..40,
            )) {
                let text = lines.join("\n");
                let d = parse(text.as_bytes(), "p.txt");
                prop_assert!(d.entries.len() <= lines.len());
                // Entries come in file order, each with a title, and every
                // message points into the file.
                prop_assert!(d.entries.windows(2).all(|w| w[0].line < w[1].line));
                prop_assert!(d.entries.iter().all(|e| !e.title.is_empty()));
                prop_assert!(d.diagnostics.iter().all(|m| m.line <= lines.len()));
            }
        }
    }
}
