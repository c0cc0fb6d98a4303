//! The one HTML/XML escaper: every place that writes text into markup
//! (templates, code blocks, feeds, the serve overlay) uses it.

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

#[cfg(test)]
mod tests {
    #[test]
    fn markup_characters_are_escaped_and_urls_stay_readable() {
        assert_eq!(
            super::html(r#"<a href="x">Tom's & "co"</a> https://x.org/a"#),
            "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; &quot;co&quot;&lt;/a&gt; https://x.org/a"
        );
    }
}
