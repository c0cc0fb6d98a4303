//! JSON output helpers: records serialised markup-safe.

use serde::Serialize;

/// `value` as compact JSON, markup-safe (see [`html_safe`]).
pub fn record(value: &impl Serialize) -> Box<[u8]> {
    html_safe(serde_json::to_vec(value).expect("plain records serialise")).into()
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
}
