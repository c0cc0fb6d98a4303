//! Text → search terms. The theme's `static/search/tokenise.mjs` is the same
//! algorithm in JavaScript (the query side); both are tested on the cases in
//! `tests/fixtures/search-tokens.json`, so they cannot drift apart.
//!
//! 1. **Fold**: Unicode compatibility decomposition (NFKD: `ﬁ` → `fi`,
//!    full-width digits → digits), combining accents dropped (`Rozière` →
//!    `roziere`), lowercase.
//! 2. **Words**: runs of letters and digits (`char::is_alphanumeric`, the
//!    JavaScript `[\p{Alphabetic}\p{N}]`). Runs joined by one `-`, `.` or `_`
//!    form a *group* (`gpt-4`, `llama-3.1-405b`, `state-of-the-art`).
//! 3. **Terms**: every word of a group; a word of ASCII letters only is
//!    stemmed (Snowball English: `models` → `model`), any other word is
//!    kept as it is (`3d`, `int8`, `bf16`, `東京`). A group of several words
//!    with a digit in it is also kept whole (`gpt-4`, `llama-2`, `3.5`), so
//!    an identifier finds itself and its parts find it too.
//!
//! Words longer than [`MAX_CHARS`] are not terms (hashes, glued URLs).

use std::borrow::Cow;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

/// Longest word (in characters) that is a term.
pub const MAX_CHARS: usize = 40;

/// Folds `text`: NFKD, combining accents dropped, lowercase.
pub fn fold(text: &str) -> Cow<'_, str> {
    if text
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        return Cow::Borrowed(text);
    }
    if text.is_ascii() {
        return Cow::Owned(text.to_ascii_lowercase());
    }
    let stripped: String = text.nfkd().filter(|&c| !is_accent(c)).collect();
    Cow::Owned(stripped.to_lowercase())
}

/// The combining diacritical marks folding drops (the same five blocks as
/// the JavaScript side's `ACCENTS`): accents on Latin, Greek and Cyrillic
/// letters. Other scripts' marks are letters' parts and stay.
fn is_accent(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '.' | '_')
}

/// One group of folded text: its words, and the whole group when it is an
/// identifier kept whole (see the module comment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group<'a> {
    pub words: Vec<&'a str>,
    pub whole: Option<&'a str>,
    /// Byte range of the group in the folded text.
    pub start: usize,
    pub end: usize,
}

/// The groups of already folded text, in order.
pub fn groups(folded: &str) -> Vec<Group<'_>> {
    let mut out = Vec::new();
    each_group(folded, |words, whole, start, end| {
        out.push(Group {
            words: words.to_vec(),
            whole,
            start,
            end,
        });
    });
    out
}

/// Whether a word is short enough to be a term.
fn short(word: &str) -> bool {
    word.len() <= MAX_CHARS || word.chars().count() <= MAX_CHARS
}

/// Calls `each(words, whole, start, end)` for every group of folded text,
/// in order: the one scanner behind [`groups`] and [`each_word`]. `words`
/// is a buffer reused from group to group, so the index's tokenising
/// allocates nothing per word.
fn each_group<'a>(
    folded: &'a str,
    mut each: impl FnMut(&[&'a str], Option<&'a str>, usize, usize),
) {
    let mut words: Vec<&'a str> = Vec::new();
    let mut chars = folded.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if !is_word_char(c) {
            chars.next();
            continue;
        }
        words.clear();
        let mut count = 0;
        let mut word_start = start;
        let mut end;
        loop {
            // One word.
            end = word_start;
            while let Some(&(i, c)) = chars.peek() {
                if !is_word_char(c) {
                    break;
                }
                end = i + c.len_utf8();
                chars.next();
            }
            count += 1;
            let word = &folded[word_start..end];
            if short(word) {
                words.push(word);
            }
            // A joiner between two words continues the group.
            let mut ahead = folded[end..].chars();
            match (ahead.next(), ahead.next()) {
                (Some(j), Some(next)) if is_joiner(j) && is_word_char(next) => {
                    chars.next();
                    word_start = end + j.len_utf8();
                }
                _ => break,
            }
        }
        let text = &folded[start..end];
        let whole =
            (count > 1 && short(text) && text.chars().any(char::is_numeric)).then_some(text);
        each(&words, whole, start, end);
    }
}

thread_local! {
    static STEMMER: Stemmer = Stemmer::create(Algorithm::English);
}

/// The term a folded word stands for: stemmed when it is ASCII letters
/// only, as it is otherwise.
pub fn term(word: &str) -> Cow<'_, str> {
    if !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase()) {
        STEMMER.with(|s| Cow::Owned(s.stem(word).into_owned()))
    } else {
        Cow::Borrowed(word)
    }
}

/// Calls `each` with every word and kept-whole group of `text`, folded and
/// not yet stemmed, in order (what the index counts per field).
pub fn each_word(text: &str, mut each: impl FnMut(&str)) {
    let folded = fold(text);
    each_folded_word(&folded, &mut each);
}

/// [`each_word`] of text already folded: the words borrow from it.
pub fn each_folded_word<'a>(folded: &'a str, mut each: impl FnMut(&'a str)) {
    each_group(folded, |words, whole, _, _| {
        for w in words {
            each(w);
        }
        if let Some(whole) = whole {
            each(whole);
        }
    });
}

/// The terms of `text` in order: what the index holds and the query looks up.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_word(text, |w| out.push(term(w).into_owned()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_fold_and_identifiers_stay_whole() {
        assert_eq!(fold("Rozière"), "roziere");
        assert_eq!(tokens("Rozière"), ["rozier"]);
        assert_eq!(
            tokens("GPT-4 beats llama-2"),
            ["gpt", "4", "gpt-4", "beat", "llama", "2", "llama-2"]
        );
        assert_eq!(tokens("3D int8 models"), ["3d", "int8", "model"]);
        assert_eq!(tokens("state-of-the-art"), ["state", "of", "the", "art"]);
    }

    #[test]
    fn a_joiner_at_the_end_of_a_word_ends_the_group() {
        assert_eq!(tokens("gpt- 4."), ["gpt", "4"]);
        let folded = fold("(GPT-4).");
        let g = groups(&folded);
        assert_eq!(g.len(), 1);
        assert_eq!(&folded[g[0].start..g[0].end], "gpt-4");
    }

    #[test]
    fn punctuation_emoji_and_overlong_words_make_no_terms() {
        assert!(tokens("!!! ... --- 🙂 <>").is_empty());
        assert!(tokens(&"a".repeat(MAX_CHARS + 1)).is_empty());
        assert_eq!(tokens(&"a".repeat(MAX_CHARS)).len(), 1);
    }
}
