//! Bytes → text: which encoding a dump was saved in.
//!
//! Browsers and editors save UTF-8, with or without a byte-order mark; on
//! Windows, PowerShell 5's `>` and Notepad's "Unicode" save UTF-16 (little
//! endian, with a mark), and some tools UTF-16 without one. UTF-16 is told
//! by its mark or, without one, by the zero byte beside every ASCII
//! character; `encoding_rs` decodes it. Anything else is read as UTF-8, bad
//! bytes replaced, with one warning per file.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

use crate::diagnostic::Diagnostic;

/// What a dump's bytes were read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    Utf8 { bom: bool },
    Utf16Le { bom: bool },
    Utf16Be { bom: bool },
}

impl Read {
    /// How messages name it.
    fn name(self) -> String {
        let (name, bom) = match self {
            Read::Utf8 { bom } => ("UTF-8", bom),
            Read::Utf16Le { bom } => ("UTF-16 LE", bom),
            Read::Utf16Be { bom } => ("UTF-16 BE", bom),
        };
        let mark = if bom {
            "with a byte-order mark"
        } else {
            "without a byte-order mark"
        };
        format!("{name} ({mark})")
    }
}

/// How many leading byte pairs the UTF-16 guess looks at.
const SNIFF_PAIRS: usize = 4096;

/// Which encoding `bytes` are in, told from a byte-order mark or, for
/// UTF-16 without one, from where the zero bytes are: ASCII text in UTF-16
/// LE has a zero in every odd byte, in BE in every even one, and UTF-8 text
/// has none at all. A third of the pairs must show the pattern (non-Latin
/// text has fewer zeros) and the other side must have almost none.
pub fn detect(bytes: &[u8]) -> Read {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Read::Utf8 { bom: true };
    }
    if bytes.starts_with(b"\xFF\xFE") {
        return Read::Utf16Le { bom: true };
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return Read::Utf16Be { bom: true };
    }
    let pairs = bytes.chunks_exact(2).take(SNIFF_PAIRS);
    let (mut even, mut odd, mut total) = (0usize, 0usize, 0usize);
    for pair in pairs {
        total += 1;
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let mostly = |zeros: usize| total >= 2 && zeros * 3 >= total;
    let hardly = |zeros: usize| zeros * 20 <= total;
    if mostly(odd) && hardly(even) {
        Read::Utf16Le { bom: false }
    } else if mostly(even) && hardly(odd) {
        Read::Utf16Be { bom: false }
    } else {
        Read::Utf8 { bom: false }
    }
}

/// Decodes a dump. A UTF-16 dump gets a warning saying how it was read (so
/// a surprise is visible); bytes that are not valid in the encoding become
/// U+FFFD with one warning, at the line of the first of them.
pub fn decode<'a>(
    bytes: &'a [u8],
    origin: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Cow<'a, str> {
    let read = detect(bytes);
    let (encoding, bom_len): (&'static Encoding, usize) = match read {
        Read::Utf8 { bom } => return utf8(&bytes[if bom { 3 } else { 0 }..], origin, diagnostics),
        Read::Utf16Le { bom } => (UTF_16LE, if bom { 2 } else { 0 }),
        Read::Utf16Be { bom } => (UTF_16BE, if bom { 2 } else { 0 }),
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
    let mut message = format!(
        "read as {}; Gazette reads it as it is, and saving it as UTF-8 silences this note",
        read.name()
    );
    if had_errors {
        message.push_str(
            "; some bytes were not valid UTF-16 and were replaced by \u{FFFD} \
             (an odd number of bytes, or a broken character)",
        );
    }
    diagnostics.push(Diagnostic::warning(origin, 0, message));
    Cow::Owned(text.into_owned())
}

/// UTF-8; invalid bytes become U+FFFD with a warning at their line.
fn utf8<'a>(bytes: &'a [u8], origin: &str, diagnostics: &mut Vec<Diagnostic>) -> Cow<'a, str> {
    if let Err(e) = std::str::from_utf8(bytes) {
        let bad = e.valid_up_to();
        let line = 1 + bytes[..bad].iter().filter(|&&b| b == b'\n').count();
        diagnostics.push(Diagnostic::warning(
            origin,
            line,
            "the digest is neither UTF-8 nor UTF-16; it was read as UTF-8 and the bytes \
             that are not were replaced by \u{FFFD} (save the file as UTF-8 to fix)",
        ));
    }
    String::from_utf8_lossy(bytes)
}

/// Whether decoded text is binary rather than text (an image or archive
/// saved under a dump's name): NUL bytes, or many control characters.
pub fn looks_binary(text: &str) -> bool {
    let mut controls = 0usize;
    let mut total = 0usize;
    for c in text.chars().take(64 * 1024) {
        total += 1;
        if c == '\0' {
            return true;
        }
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            controls += 1;
        }
    }
    controls * 10 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if little { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
        }
        for unit in text.encode_utf16() {
            out.extend(if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        out
    }

    fn decoded(bytes: &[u8]) -> (String, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let text = decode(bytes, "digests/x.txt", &mut d).into_owned();
        (text, d)
    }

    #[test]
    fn utf16_either_way_with_or_without_a_mark_is_told_and_decoded() {
        let text = "Daily Papers\r\n\r\nApr 28\r\n\r\nÉtude of Transformers — 10^{19}\r\n";
        for (little, bom, expected) in [
            (true, true, Read::Utf16Le { bom: true }),
            (true, false, Read::Utf16Le { bom: false }),
            (false, true, Read::Utf16Be { bom: true }),
            (false, false, Read::Utf16Be { bom: false }),
        ] {
            let bytes = utf16(text, little, bom);
            assert_eq!(detect(&bytes), expected);
            let (got, notes) = decoded(&bytes);
            assert_eq!(got, text);
            assert_eq!(notes.len(), 1, "{notes:?}");
            assert!(
                notes[0]
                    .message
                    .starts_with(&format!("read as {}", expected.name())),
                "{}",
                notes[0]
            );
        }
    }

    #[test]
    fn utf8_with_or_without_a_mark_reads_silently() {
        let text = "Daily Papers\n\nÉtude — 日本語\n";
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend(text.as_bytes());
        for bytes in [text.as_bytes(), &with_bom[..]] {
            let (got, notes) = decoded(bytes);
            assert_eq!(got, text);
            assert!(notes.is_empty(), "{notes:?}");
        }
        // Text in a script with few ASCII characters is still UTF-8.
        assert_eq!(
            detect("日本語のテキスト".repeat(50).as_bytes()),
            Read::Utf8 { bom: false }
        );
    }

    #[test]
    fn neither_is_one_warning_at_the_first_bad_line() {
        // Windows-1252: `é` is the single byte 0xE9.
        let (got, notes) = decoded(b"Daily Papers\n\nCaf\xE9 paper\n\nCaf\xE9 again\n");
        assert!(got.contains("Caf\u{FFFD} paper"), "{got}");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].line, 3);
        assert!(notes[0].message.contains("neither UTF-8 nor UTF-16"));
    }

    #[test]
    fn a_broken_utf16_character_is_replaced_and_said() {
        let mut bytes = utf16("Daily Papers\n", true, true);
        bytes.push(b'x'); // an odd byte at the end
        let (got, notes) = decoded(&bytes);
        assert!(got.starts_with("Daily Papers\n"), "{got}");
        assert!(
            notes[0].message.contains("not valid UTF-16"),
            "{}",
            notes[0]
        );
    }

    #[test]
    fn binary_is_told_from_text() {
        assert!(looks_binary("PK\u{3}\u{4}\0\0"));
        assert!(looks_binary(&"\u{1}\u{2}abc".repeat(100)));
        assert!(!looks_binary("Daily Papers\r\n\tApr 28\u{c}\n"));
        // A short dump with a hostile title is text: its entry is reported.
        assert!(!looks_binary(
            "Daily Papers\n\nA Fine Paper\n\nAn abstract long enough to be one.\n\n\
             Evil \u{1b}]0;pwned\u{7} \u{1b}[2J title\rdigests/other.txt \u{9b}31m\n"
        ));
    }
}
