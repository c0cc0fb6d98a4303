//! Math: TeX → MathML for pages (no JavaScript: browsers render MathML
//! Core), and TeX → readable text for feeds, search and excerpts.
//!
//! Notes and free pages mark math as Markdown does (`$…$`, `$$…$$`, read by
//! pulldown-cmark's math extension, see `markdown`). Abstracts are plain
//! text, so [`segments`] finds their math: `$…$` and `$$…$$`, and the bare
//! fragments arXiv LaTeX leaves behind (`10^{19}`, `D_{KL}`, `O(n^2)`).
//!
//! `math-core` does the conversion. It is a recursive parser, so a formula
//! is converted only when its size can be bounded: at most [`MAX_TEX`]
//! bytes and `MAX_OPENERS` characters that can open a level (`{ \ ^ _ [`,
//! an upper bound on its depth); one with more than `INLINE_OPENERS` is
//! converted on a thread with a stack big enough for that many. Anything
//! else, and anything it cannot read, is shown as written: math is never
//! dropped, and a page's time stays bounded whatever a formula holds.
//!
//! This module finds math in text and puts the two together; `mathml`
//! converts a formula to MathML, `text` to readable text.

mod mathml;
mod text;

pub use mathml::to_mathml;
pub use text::to_text;

use super::escape;

/// How a formula sits: in the line (`$…$`) or on its own (`$$…$$`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    Inline,
    Block,
}

/// The longest formula converted (a long display equation is a few KB).
const MAX_TEX: usize = 16 * 1024;

/// A piece of text holding math.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    /// TeX without its delimiters.
    Math(&'a str, Display),
}

/// The longest `$…$` taken as math in plain text (longer: a price range).
const MAX_INLINE: usize = 200;
/// The longest brace group of a bare fragment (`^{…}`).
const MAX_SCRIPT: usize = 64;

/// Plain text (an abstract) cut into text and math. Math is `$$…$$`, `$…$`
/// (opened by a `$` not followed by a space, closed by one not preceded by a
/// space nor followed by a digit, as Markdown does, so `$5 and $10` stays
/// text; at most 200 bytes), and bare fragments outside them (see
/// [`fragment_at`]). Linear in the text.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut text_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let found = match bytes[i] {
            b'$' if i == 0 || bytes[i - 1] != b'\\' => dollar_math(text, i),
            b'^' | b'_' => fragment_at(text, i),
            _ => None,
        };
        match found {
            Some((start, end, math, display)) if start >= text_start => {
                if start > text_start {
                    out.push(Segment::Text(&text[text_start..start]));
                }
                out.push(Segment::Math(math, display));
                text_start = end;
                i = end;
            }
            _ => i += 1,
        }
    }
    if text_start < text.len() {
        out.push(Segment::Text(&text[text_start..]));
    }
    out
}

type Found<'a> = (usize, usize, &'a str, Display);

/// `$$…$$` or `$…$` starting at `at`.
fn dollar_math(text: &str, at: usize) -> Option<Found<'_>> {
    let rest = &text[at..];
    if let Some(body) = rest.strip_prefix("$$") {
        let window = &body[..floor_char(body, MAX_TEX)];
        let close = window.find("$$")?;
        let tex = &body[..close];
        return (!tex.trim().is_empty()).then_some((at, at + 2 + close + 2, tex, Display::Block));
    }
    let body = &rest[1..];
    if body.starts_with(char::is_whitespace) || body.is_empty() {
        return None;
    }
    let window = &body[..floor_char(body, MAX_INLINE)];
    let close = window.char_indices().find_map(|(i, c)| {
        let escaped = i > 0 && window.as_bytes()[i - 1] == b'\\';
        let spaced = window[..i].ends_with(char::is_whitespace);
        let digit_after = body[i + 1..].starts_with(|c: char| c.is_ascii_digit());
        (c == '$' && i > 0 && !escaped && !spaced && !digit_after).then_some(i)
    })?;
    Some((at, at + 1 + close + 1, &body[..close], Display::Inline))
}

/// The smallest char boundary of `s` at or above `min`.
fn ceil_char(s: &str, min: usize) -> usize {
    let mut start = min.min(s.len());
    while !s.is_char_boundary(start) {
        start += 1;
    }
    start
}

/// The largest char boundary of `s` at or below `max`.
fn floor_char(s: &str, max: usize) -> usize {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// A bare fragment around the `^` or `_` at `at`: a base of letters or
/// digits (1–8, starting a word or after `(`) and its scripts, each a brace
/// group (`^{19}`, `_{KL}`, up to 64 bytes, no spaces), digits (`^2`,
/// `_2`), or for `^` one letter (`n^k`); nothing glued after it. Words
/// holding `://`, `@` or `www.` (links, addresses) and snake_case names
/// (`only_train_once`: `_` and a letter) are never math.
fn fragment_at(text: &str, at: usize) -> Option<Found<'_>> {
    let bytes = text.as_bytes();
    let base_start = text[..at]
        .rfind(|c: char| !c.is_ascii_alphanumeric())
        .map_or(0, |i| i + 1);
    let base = &text[base_start..at];
    if base.is_empty() || base.len() > 8 {
        return None;
    }
    if base_start > 0 && !matches!(bytes[base_start - 1], b' ' | b'(' | b'[') {
        return None;
    }
    // The word around it, looked at up to 256 bytes each way (linear time).
    let from = ceil_char(text, base_start.saturating_sub(256));
    let to = floor_char(text, at + 256);
    let word_start = text[from..base_start]
        .rfind(' ')
        .map_or(from, |i| from + i + 1);
    let word_end = text[at..to].find(' ').map_or(to, |i| at + i);
    let word = &text[word_start..word_end];
    if word.contains("://") || word.contains('@') || word.contains("www.") {
        return None;
    }
    let mut end = at;
    while end < bytes.len() && matches!(bytes[end], b'^' | b'_') {
        let script = &text[end + 1..];
        let len = if script.starts_with('{') {
            let close = brace_group(script)?;
            if script[..close].contains(' ') {
                return None;
            }
            close
        } else {
            let digits = script.bytes().take_while(u8::is_ascii_digit).count();
            let letter = bytes[end] == b'^'
                && script.starts_with(|c: char| c.is_ascii_alphabetic())
                && !script[1..].starts_with(|c: char| c.is_ascii_alphanumeric());
            match (digits, letter) {
                (0, true) => 1,
                (0, false) => return None,
                (n, _) => n,
            }
        };
        end += 1 + len;
    }
    let glued = text[end..].starts_with(|c: char| c.is_ascii_alphanumeric() || "\\{$".contains(c));
    (!glued).then_some((base_start, end, &text[base_start..end], Display::Inline))
}

/// The length of the balanced brace group `s` starts with (`{…}`), up to
/// [`MAX_SCRIPT`] bytes and holding no `$`.
fn brace_group(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in s.bytes().enumerate().take(MAX_SCRIPT + 2) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'$' => return None,
            _ => {}
        }
    }
    None
}

/// Plain text holding math as HTML: the text escaped, the math MathML.
/// A bare fragment whose base is a word (`CO_2`) keeps it upright.
pub fn text_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for segment in segments(text) {
        match segment {
            Segment::Text(t) => out.push_str(&escape::html(t)),
            Segment::Math(tex, display) => out.push_str(&to_mathml(&upright_base(tex), display)),
        }
    }
    out
}

/// `CO_2` → `\mathrm{CO}_2`: a base of two letters or more is a word.
fn upright_base(tex: &str) -> std::borrow::Cow<'_, str> {
    let base_len = tex
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(tex.len());
    if base_len >= 2 && tex[base_len..].starts_with(['^', '_']) {
        format!("\\mathrm{{{}}}{}", &tex[..base_len], &tex[base_len..]).into()
    } else {
        tex.into()
    }
}

/// Plain text holding math as readable plain text (feeds, search, excerpts):
/// `$O(n \log n)$` → `O(n log n)`, `10^{19}` → `10¹⁹`.
pub fn text_to_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for segment in segments(text) {
        match segment {
            Segment::Text(t) => out.push_str(t),
            Segment::Math(tex, _) => out.push_str(&to_text(tex)),
        }
    }
    out
}

#[cfg(test)]
mod tests;
