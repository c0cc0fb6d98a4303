//! Bytes → [`Digest`]: decode, tell the dump's shape, hand it to the parser
//! for that shape, then the checks every shape shares (not a digest at all,
//! a truncated last entry).

use super::fields::{Line, non_blank_lines, quote};
use super::shape::{self, Shape};
use super::{Digest, linked, markdown, plain};
use crate::diagnostic::Diagnostic;

/// Parses one dump, whatever its shape (see [`shape::detect`]). Never panics
/// and never fails: whatever cannot be understood becomes a diagnostic
/// naming `origin` and the line, and parsing carries on with the next entry.
/// Invalid UTF-8 is decoded lossily.
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
    match shape::detect(&lines) {
        Shape::Plain => plain::parse(&lines, &mut digest),
        Shape::Linked => linked::parse(&lines, &mut digest),
        Shape::Markdown => markdown::parse(&lines, &mut digest),
    }
    if digest.entries.is_empty() {
        not_a_digest(&lines, &mut digest);
    } else {
        check_truncated_end(bytes, &mut digest);
    }
    digest
}

/// No entry anywhere: the file is reported as a whole, at its first line,
/// and nothing in it is imported.
fn not_a_digest(lines: &[Line], digest: &mut Digest) {
    let first = lines[0];
    digest.diagnostics.push(Diagnostic::warning(
        &digest.origin,
        first.number,
        format!(
            "not a digest: no paper found in it (only a page header, or nothing recognisable, \
             from \"{}\" on); nothing imported from this file",
            quote(first.text)
        ),
    ));
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
