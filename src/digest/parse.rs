//! Text → [`Digest`]: the page header, then one entry per paper.
//!
//! The parser works on the non-blank lines of the dump (blank lines only
//! separate paragraphs, and real dumps have one, several or none). Each line
//! is looked at once and classified by shape (header phrase, `·`, author
//! count, date, long text, short text), so the work is linear in the input.
//! See docs/digest.md for the format and the heuristics.

use super::{Digest, DumpDate, Entry, Who};
use crate::diagnostic::Diagnostic;
use crate::months;

/// An abstract is at least this long (bytes) — titles in real dumps stay
/// under 200 bytes, abstracts are over 1,000.
const ABSTRACT_MIN_BYTES: usize = 300;
/// …or has at least this many words…
const ABSTRACT_MIN_WORDS: usize = 40;
/// …or ends a sentence and has at least this many words.
const ABSTRACT_SENTENCE_MIN_WORDS: usize = 12;
/// Lines quoted in messages are cut to this many characters.
const QUOTE_CHARS: usize = 60;

const HEADER_PHRASES: &[&str] = &[
    "new",
    "get trending papers in your email inbox!",
    "subscribe",
    "daily papers",
    "byak and the research community",
    "by ak and the research community",
];

/// One non-blank line: its 1-based number and its trimmed text.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    number: usize,
    text: &'a str,
}

/// Parses one dump. Never panics and never fails: whatever cannot be
/// understood becomes a diagnostic naming `origin` and the line, and parsing
/// carries on with the next entry. Invalid UTF-8 is decoded lossily.
pub fn parse(bytes: &[u8], origin: &str) -> Digest {
    let mut digest = Digest {
        origin: origin.to_string(),
        ..Digest::default()
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = decode(bytes, origin, &mut digest.diagnostics);
    let lines = non_blank_lines(&text);
    if lines.is_empty() {
        digest.diagnostics.push(Diagnostic::warning(
            origin,
            0,
            "the digest is empty: no papers found",
        ));
        return digest;
    }
    let mut parser = Parser {
        lines: &lines,
        pos: 0,
        origin,
        digest: &mut digest,
    };
    parser.header();
    parser.entries();
    if digest.entries.is_empty() {
        digest.diagnostics.push(Diagnostic::warning(
            origin,
            0,
            "no papers found in the digest (only a page header, or nothing recognisable)",
        ));
    } else {
        check_truncated_end(bytes, &mut digest);
    }
    digest
}

/// UTF-8 decoding; invalid bytes become U+FFFD with a warning at their line.
fn decode<'a>(
    bytes: &'a [u8],
    origin: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> std::borrow::Cow<'a, str> {
    if let Err(e) = std::str::from_utf8(bytes) {
        let bad = e.valid_up_to();
        let line = 1 + bytes[..bad].iter().filter(|&&b| b == b'\n').count();
        diagnostics.push(Diagnostic::warning(
            origin,
            line,
            "the digest is not valid UTF-8; invalid bytes were replaced by \u{FFFD} \
             (save the file as UTF-8 to fix)",
        ));
    }
    String::from_utf8_lossy(bytes)
}

/// Non-blank lines with their 1-based numbers; CR and surrounding spaces go.
/// A file with only CR line ends (classic Mac) is split on CR.
fn non_blank_lines(text: &str) -> Vec<Line<'_>> {
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

/// A dump whose last entry stops mid-abstract (no final newline, no final
/// punctuation) was most likely cut off when it was saved.
fn check_truncated_end(bytes: &[u8], digest: &mut Digest) {
    let Some(last) = digest.entries.last() else {
        return;
    };
    let ends_with_newline = bytes.last() == Some(&b'\n');
    let has_metadata = last.who.is_some() || last.date.is_some();
    let abstract_ends_sentence = last
        .abstract_raw
        .trim_end()
        .ends_with(['.', '!', '?', ')', '"', '\'']);
    if !ends_with_newline
        && !has_metadata
        && !last.abstract_raw.is_empty()
        && !abstract_ends_sentence
    {
        digest.diagnostics.push(Diagnostic::warning(
            &digest.origin,
            last.line,
            format!(
                "the last entry (\"{}\") looks truncated: its abstract stops mid-sentence at the end of the file",
                quote(&last.title)
            ),
        ));
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

    /// Header phrases, then the listing date if one follows.
    fn header(&mut self) {
        while let Some(line) = self.peek(0) {
            if !is_header_phrase(line.text) {
                break;
            }
            self.pos += 1;
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
        };
        match self.peek(0) {
            None => {
                self.warn(
                    title.number,
                    format!(
                        "the entry \"{}\" ends after its title (the file looks truncated)",
                        quote(title.text)
                    ),
                );
                return Some(entry);
            }
            Some(next) if self.is_abstract_here(next) => {
                entry.abstract_raw = next.text.to_string();
                self.pos += 1;
                self.more_paragraphs(&mut entry.abstract_raw);
            }
            Some(_) => {}
        }
        self.metadata(&mut entry);
        Some(entry)
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
            entry.who = Some(Who::Organization(organization_name(first.text)));
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
        if let Some((date, upvotes)) = parse_date(line.text) {
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

fn is_header_phrase(text: &str) -> bool {
    HEADER_PHRASES.iter().any(|p| text.eq_ignore_ascii_case(p))
}

fn is_dot(text: &str) -> bool {
    text == "·"
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

/// `• 6 authors` (the bullet may be `•`, `*` or `-`), also `1 author`.
fn parse_authors(text: &str) -> Option<u32> {
    let rest = text
        .strip_prefix('•')
        .or_else(|| text.strip_prefix('*'))
        .or_else(|| text.strip_prefix('-'))?;
    let mut words = rest.split_whitespace();
    let (count, word) = (words.next()?, words.next()?);
    let is_author_word =
        word.eq_ignore_ascii_case("authors") || word.eq_ignore_ascii_case("author");
    if !is_author_word || words.next().is_some() {
        return None;
    }
    parse_small(count, 9)
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

/// `kyutai Kyutai` is a handle then a display name: keep the display name.
/// A single word is both.
fn organization_name(text: &str) -> String {
    match text.split_once(char::is_whitespace) {
        Some((_, display)) if !display.trim().is_empty() => display.trim().to_string(),
        _ => text.to_string(),
    }
}

/// A month abbreviation then a number: date-shaped, valid or not.
fn looks_like_date(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let month = words.next().and_then(months::from_abbreviation);
    let day = words.next().map(|d| d.trim_end_matches(','));
    month.is_some() && day.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// `Apr 28`, `Jun 18 1`, `May 4, 2022`, `May 4, 2022 1` → date and upvotes.
fn parse_date(text: &str) -> Option<(DumpDate, Option<u32>)> {
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

/// Digits only, at most `max_len` of them.
fn parse_small<T: std::str::FromStr>(s: &str, max_len: usize) -> Option<T> {
    if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A line cut short for messages (char-boundary safe).
fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Level;

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
        d.diagnostics.iter().map(|d| d.to_string()).collect()
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
        assert_eq!(e.who, Some(Who::Organization("Kyutai".into())));
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
            Some(Who::Organization("Meta Llama".into()))
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
        assert_eq!(d.entries[0].who, Some(Who::Organization("Kyutai".into())));
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
        assert_eq!(d.entries[1].who, Some(Who::Organization("Kyutai".into())));
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
