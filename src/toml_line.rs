//! Lines in TOML text, for messages: where a parse error is, where a key
//! is written. Lines are 1-based and count from the start of the text; a
//! caller whose text starts further down a file (front matter, after its
//! `+++`) adds its offset.

/// The line a TOML error points at, when it points anywhere.
pub fn of_error(error: &toml::de::Error, text: &str) -> Option<usize> {
    error.span().map(|span| line_at(text, span.start))
}

/// The line where the key at `path` (`["tags", "max"]` for `max` in
/// `[tags]`, or `tags.max = ...`, or `tags = { max = ... }`) is written;
/// `None` when the text does not parse or has no such key.
pub fn of_key(text: &str, path: &[&str]) -> Option<usize> {
    let root = toml::de::DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let (last, parents) = path.split_last()?;
    for name in parents {
        match table.get(*name)?.get_ref() {
            toml::de::DeValue::Table(inner) => table = inner,
            _ => return None,
        }
    }
    let (key, _) = table.get_key_value(*last)?;
    Some(line_at(text, key.span().start))
}

/// The 1-based line holding byte `offset` of `text`.
fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_points_at_its_line() {
        let text = "title = \"x\"\n\npaginate = \"ten\"\n";
        let error = toml::from_str::<toml::Table>("a = 1\nb = = 2\n").unwrap_err();
        assert_eq!(of_error(&error, "a = 1\nb = = 2\n"), Some(2));
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct C {
            title: String,
            paginate: usize,
        }
        let error = toml::from_str::<C>(text).unwrap_err();
        assert_eq!(of_error(&error, text), Some(3));
    }

    #[test]
    fn keys_are_found_however_they_are_written() {
        let text = "title = \"x\"\n[tags]\n\nmax = 0\n[import]\nyears = { \"a.txt\" = 2025 }\n";
        assert_eq!(of_key(text, &["title"]), Some(1));
        assert_eq!(of_key(text, &["tags", "max"]), Some(4));
        assert_eq!(of_key(text, &["import", "years", "a.txt"]), Some(6));
        assert_eq!(of_key("tags.max = 0\n", &["tags", "max"]), Some(1));
        assert_eq!(of_key(text, &["paginate"]), None);
        assert_eq!(of_key("a = = 1", &["a"]), None);
        // A key's name inside a string is not the key.
        assert_eq!(
            of_key(
                "abstract = \"\"\"\nupvotes = 3\n\"\"\"\nupvotes = 4\n",
                &["upvotes"]
            ),
            Some(4)
        );
    }
}
