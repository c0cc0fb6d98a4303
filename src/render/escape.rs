//! The one HTML/XML escaper: every place that writes text into markup
//! (templates, code blocks, feeds, the serve overlay) uses it; and the one
//! XML sanitiser, which every XML document Gazette generates goes through.

use std::borrow::Cow;

/// Escapes what can end text or a quoted attribute (`& < > " '`), in HTML
/// and in XML. Tera's default also escapes `/` as `&#x2F;`, which is safe
/// but turns every URL in a page into noise for people reading the source.
pub fn html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 16);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether XML 1.0 allows a character anywhere in a document: tab, line
/// feed, carriage return, and U+0020 on, less U+FFFE and U+FFFF (Rust
/// chars are never surrogates). Not even a character reference may name
/// the others.
pub fn xml_allows(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// A generated XML document (a feed, the sitemap) without the characters
/// XML 1.0 forbids: dump text may hold control characters (`\x01`, an
/// escape sequence) that would make a reader reject the whole feed. They
/// carry no meaning in a title or abstract, so they are dropped.
pub fn xml_chars(document: &str) -> Cow<'_, str> {
    if document.chars().all(xml_allows) {
        Cow::Borrowed(document)
    } else {
        Cow::Owned(document.chars().filter(|&c| xml_allows(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_characters_are_escaped_and_urls_stay_readable() {
        assert_eq!(
            super::html(r#"<a href="x">Tom's & "co"</a> https://x.org/a"#),
            "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; &quot;co&quot;&lt;/a&gt; https://x.org/a"
        );
    }

    #[test]
    fn characters_xml_forbids_are_dropped_and_the_rest_kept() {
        let text = "a\u{0}b\u{1}c\u{b}d\u{1b}[2Je\u{fffe}f\u{ffff}g\u{7f}h\t\r\n\u{10000}";
        assert_eq!(
            super::xml_chars(text),
            "abcd[2Jefg\u{7f}h\t\r\n\u{10000}",
            "DEL is allowed, if discouraged"
        );
        assert!(matches!(
            super::xml_chars("plain <x>"),
            super::Cow::Borrowed(_)
        ));
    }
}
