//! Long pages parsed a piece at a time, with the link reference
//! definitions that reach across pieces.

use std::collections::HashMap;

use pulldown_cmark::{BrokenLink, CowStr, Event, Parser};

use super::options;

/// Pages longer than this are parsed a piece at a time: the parser holds
/// a tree of the whole text it is given, some twenty times its size for
/// dense Markdown, so a 50 MB page would take a gigabyte.
pub(super) const PIECES_FROM: usize = 1 << 20;
/// About how long a piece is.
const PIECE: usize = 256 << 10;

/// The page's events. A long page is cut into pieces where a new block
/// surely starts (see [`pieces`]), each parsed when the one before is done;
/// link reference definitions reach across pieces through `definitions`.
pub(super) fn parse<'a>(
    source: &'a str,
    definitions: &'a Definitions<'a>,
) -> impl Iterator<Item = Event<'a>> {
    let resolve = move |link: BrokenLink<'a>| definitions.resolve(&link.reference);
    pieces(source).into_iter().flat_map(move |piece| {
        Parser::new_with_broken_link_callback(piece, options(), Some(resolve))
    })
}

/// `source` cut before lines where a new top-level paragraph or heading
/// starts: after a blank line, at column 0, a letter or `#`, outside fenced
/// code and raw HTML blocks (which may hold blank lines). Nothing open can
/// carry on past such a line (lists, quotes and indented code need
/// indentation to), so each piece renders as it would in the whole; only
/// footnotes defined in another piece stay unresolved. A page with no such
/// line for long (one huge list) is cut before a top-level `- ` item (the
/// list is then two lists), and failing that after any blank line. Short
/// pages are one piece.
pub(super) fn pieces(source: &str) -> Vec<&str> {
    if source.len() < PIECES_FROM {
        return vec![source];
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut at = 0;
    let mut blank_before = false;
    let mut fence: Option<(u8, usize)> = None;
    let mut raw_html: Option<&str> = None;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim_end();
        let indent = trimmed.len() - trimmed.trim_start_matches(' ').len();
        let body = trimmed.trim_start_matches(' ');
        if let Some((mark, len)) = fence {
            let run = body.bytes().take_while(|&b| b == mark).count();
            if indent < 4 && run >= len && body[run..].trim().is_empty() {
                fence = None;
            }
        } else if let Some(end) = raw_html {
            if trimmed.to_ascii_lowercase().contains(end) {
                raw_html = None;
            }
        } else {
            let first = trimmed.chars().next();
            let size = at - start;
            let starts_block = blank_before
                && first.is_some_and(|c| c.is_alphabetic() || c == '#')
                && size >= PIECE;
            let starts_item = indent == 0
                && ["- ", "* ", "+ "].iter().any(|m| trimmed.starts_with(m))
                && size >= 2 * PIECE;
            let after_blank = blank_before && !trimmed.is_empty() && size >= 4 * PIECE;
            if starts_block || starts_item || after_blank {
                pieces.push(&source[start..at]);
                start = at;
            }
            if indent < 4 {
                for mark in [b'`', b'~'] {
                    let run = body.bytes().take_while(|&b| b == mark).count();
                    if run >= 3 {
                        fence = Some((mark, run));
                    }
                }
                let lower = body.to_ascii_lowercase();
                raw_html = [
                    ("<!--", "-->"),
                    ("<?", "?>"),
                    ("<![cdata[", "]]>"),
                    ("<script", "</script>"),
                    ("<pre", "</pre>"),
                    ("<style", "</style>"),
                    ("<textarea", "</textarea>"),
                ]
                .into_iter()
                .find(|(open, close)| {
                    lower.starts_with(open) && !lower[open.len()..].contains(close)
                })
                .map(|(_, close)| close);
            }
        }
        blank_before = trimmed.is_empty();
        at += line.len();
    }
    pieces.push(&source[start..]);
    pieces
}

/// Link reference definitions (`[label]: url "title"`) of a page cut into
/// pieces, so a reference in one piece finds a definition in another. A
/// page in one piece needs none: the parser sees its own definitions.
pub(super) struct Definitions<'a> {
    by_label: HashMap<String, (&'a str, &'a str)>,
}

impl<'a> Definitions<'a> {
    pub(super) fn of(source: &'a str) -> Definitions<'a> {
        let mut by_label = HashMap::new();
        if source.len() >= PIECES_FROM {
            for line in source.lines() {
                if let Some((label, url, title)) = definition(line) {
                    by_label
                        .entry(normalize_label(label))
                        .or_insert((url, title));
                }
            }
        }
        Definitions { by_label }
    }

    fn resolve(&self, label: &str) -> Option<(CowStr<'a>, CowStr<'a>)> {
        let (url, title) = self.by_label.get(&normalize_label(label))?;
        Some((CowStr::Borrowed(url), CowStr::Borrowed(title)))
    }
}

/// `[label]: url "title"` on one line (up to three spaces in), as
/// (label, url, title); not a footnote's `[^x]:`.
fn definition(line: &str) -> Option<(&str, &str, &str)> {
    let body = line
        .strip_prefix("   ")
        .or_else(|| line.strip_prefix("  "))
        .or_else(|| line.strip_prefix(' '))
        .unwrap_or(line);
    let rest = body.strip_prefix('[')?;
    if rest.starts_with('^') {
        return None;
    }
    let (label, rest) = rest.split_once("]:")?;
    if label.trim().is_empty() || label.contains(['[', ']']) {
        return None;
    }
    let rest = rest.trim();
    let (url, title) = match rest.split_once(char::is_whitespace) {
        Some((url, title)) => (url, title.trim()),
        None => (rest, ""),
    };
    let url = url
        .strip_prefix('<')
        .and_then(|u| u.strip_suffix('>'))
        .unwrap_or(url);
    let title = title
        .strip_prefix(['"', '\'', '('])
        .and_then(|t| t.strip_suffix(['"', '\'', ')']))
        .unwrap_or("");
    (!url.is_empty()).then_some((label, url, title))
}

/// Labels match up to case and runs of white space, as CommonMark says.
fn normalize_label(label: &str) -> String {
    label
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}
