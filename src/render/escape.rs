//! The one HTML/XML escaper: every place that writes text into markup
//! (templates, code blocks, feeds, the serve overlay) uses it; and the one
//! XML sanitiser, which every XML document Gazette generates goes through.

use std::borrow::Cow;

/// Escapes what can end text or a quoted attribute (`& < > " '`), in HTML
/// and in XML. Tera's default also escapes `/` as `&#x2F;`, which is safe
/// but turns every URL in a page into noise for people reading the source.
pub fn html(input: &str) -> String {
    // Runs between special bytes are copied whole: every page escapes its
    // titles and abstracts, and a char-by-char push was 3 % of a build.
    // The special characters are ASCII, so a byte index is a char boundary.
    let mut out = String::with_capacity(input.len() + 16);
    let mut start = 0;
    for (i, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&input[start..]);
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
    fn text_around_and_between_markup_characters_is_kept_whole() {
        assert_eq!(super::html(""), "");
        assert_eq!(super::html("plain ünïcode ✓"), "plain ünïcode ✓");
        assert_eq!(super::html("<<é>>"), "&lt;&lt;é&gt;&gt;");
        assert_eq!(super::html("a&"), "a&amp;");
        assert_eq!(super::html("'x'\"y\"→"), "&#39;x&#39;&quot;y&quot;→");
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
