//! JSON output helpers: records serialised markup-safe, and joined into one
//! document without parsing them again.

use serde::Serialize;

/// `value` as compact JSON, markup-safe (see [`html_safe`]).
pub fn record(value: &impl Serialize) -> Box<[u8]> {
    html_safe(serde_json::to_vec(value).expect("plain records serialise")).into()
}

/// `open`, the parts separated by `between`, `close`. Each part may be
/// made as it is joined (and dropped right after).
pub fn join(
    parts: impl IntoIterator<Item = impl AsRef<[u8]>>,
    open: &[u8],
    between: &[u8],
    close: &[u8],
) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(open);
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(between);
        }
        out.extend_from_slice(part.as_ref());
    }
    out.extend_from_slice(close);
    out
}

/// Escapes `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`: still the same
/// JSON, but digest text can never read as markup, even if the file is
/// served as HTML or inlined into a page. serde_json puts these bytes only
/// inside strings, where the escapes mean the same characters.
fn html_safe(json: Vec<u8>) -> Vec<u8> {
    if !json.iter().any(|b| matches!(b, b'<' | b'>' | b'&')) {
        return json;
    }
    let mut out = Vec::with_capacity(json.len() + 64);
    for b in json {
        match b {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            b => out.push(b),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_in_json_strings_is_escaped_and_still_parses() {
        let safe = super::record(&serde_json::json!({"t": "<script>&</script>"}));
        let text = std::str::from_utf8(&safe).unwrap();
        assert!(!text.contains('<') && !text.contains('&'), "{text}");
        let back: serde_json::Value = serde_json::from_slice(&safe).unwrap();
        assert_eq!(back["t"], "<script>&</script>");
    }

    #[test]
    fn parts_are_joined_between_open_and_close() {
        let parts: [&[u8]; 2] = [b"1", b"2"];
        assert_eq!(super::join(parts.into_iter(), b"[", b",", b"]"), b"[1,2]");
        assert_eq!(
            super::join(std::iter::empty::<&[u8]>(), b"[", b",", b"]"),
            b"[]"
        );
    }
}
