//! Bytes → [`Digest`]: decode (`encoding`), tell the dump's shape, hand it
//! to the parser for that shape, then the checks every shape shares (not a
//! digest at all, a truncated last entry).

use super::fields::{Line, non_blank_lines, quote};
use super::shape::{self, Shape};
use super::{Digest, encoding, linked, markdown, plain};
use crate::diagnostic::Diagnostic;

/// Parses one dump, whatever its shape (see [`shape::detect`]). Never panics
/// and never fails: whatever cannot be understood becomes a diagnostic
/// naming `origin` and the line, and parsing carries on with the next entry.
/// UTF-8 and UTF-16 are read (see [`encoding`]); anything else is decoded
/// as UTF-8 lossily.
pub fn parse(bytes: &[u8], origin: &str) -> Digest {
    let mut digest = Digest {
        origin: origin.to_string(),
        ..Digest::default()
    };
    let mut decoding = Vec::new();
    let text = encoding::decode(bytes, origin, &mut decoding);
    if encoding::looks_binary(&text) {
        // One message for the file: how its bytes decoded does not matter.
        digest.diagnostics.push(Diagnostic::warning(
            origin,
            0,
            "not a digest: the file holds binary data, not text (an image or an archive \
             saved under a dump's name?); nothing imported from this file",
        ));
        return digest;
    }
    digest.diagnostics.extend(decoding);
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
        check_truncated_end(&text, &mut digest);
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

/// A dump whose last entry stops mid-abstract (no final newline, no final
/// punctuation) was most likely cut off when it was saved.
fn check_truncated_end(text: &str, digest: &mut Digest) {
    let Some(last) = digest.entries.last() else {
        return;
    };
    let ends_with_newline = text.ends_with('\n');
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Lines of every shape, whole and broken, in any order: whatever the
    /// mix, parsing ends, entries come in file order with a title, and
    /// every message points into the file.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("### [A Title](https://huggingface.co/papers/2606.00683)".to_string()),
            Just("### [Title [v2]](https://huggingface.co/papers/2606.0068)".to_string()),
            Just("### [](https://huggingface.co/papers/2606.00683)".to_string()),
            Just("[101](https://huggingface.co/login?next=%2Fpapers%2F2606.00683)".to_string()),
            Just(
                "[An abstract that runs on](https://huggingface.co/papers/2606.00683)".to_string()
            ),
            Just("[An abstract cut mid-link".to_string()),
            Just("[![occ](https://x/a.png)OCC](https://huggingface.co/occ)".to_string()),
            Just("[- ![](https://x/b.svg)\\\\".to_string()),
            Just("- 3 authors](https://huggingface.co/papers/2606.00683)".to_string()),
            Just("May 29[6](https://huggingface.co/papers/2606.00683#community)".to_string()),
            Just("Mar 8, 2024 [ 6][39]".to_string()),
            Just("· Published on Oct 4, 2026".to_string()),
            Just("[Upvote".to_string()),
            Just("][31]".to_string()),
            Just(" [-] 1".to_string()),
            Just("https://huggingface.co/papers/2410.05434".to_string()),
            Just("https://huggingface.co/login?next=%2Fpapers%2F2410.05434".to_string()),
            Just("https://huggingface.co/google".to_string()),
            Just("[".to_string()),
            Just("·".to_string()),
            Just("Daily Papers".to_string()),
            Just("# Daily Papers".to_string()),
            Just("Submitted by".to_string()),
            Just("Oct 7, 2024".to_string()),
            Just(String::new()),
            "[a-zA-Z \\[\\]()!#\\\\:/.·-]{0,200}",
        ]
    }

    proptest! {
        #[test]
        fn lines_of_any_shape_in_any_order_never_panic(lines in proptest::collection::vec(line(), 0..60)) {
            let text = lines.join("\n");
            let d = parse(text.as_bytes(), "p.md");
            prop_assert!(d.entries.windows(2).all(|w| w[0].line < w[1].line));
            prop_assert!(d.entries.iter().all(|e| !e.title.trim().is_empty()));
            prop_assert!(d.diagnostics.iter().all(|m| m.line <= lines.len()));
        }
    }
}
