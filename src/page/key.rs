//! Which paper a page is about: the merge key, made from a title. Import
//! merges dump entries by it and stores it in a page's `[imported] key`;
//! loading uses it to find two pages about one paper.

/// The merge key: lowercase words of letters and digits, one space apart.
/// A `+` or `#` written on a word stays part of it, since it tells papers
/// apart (`C++`, `C#` and `C` are three languages); anything else (case,
/// spacing, other punctuation, a lone sign) does not count.
pub fn title_key(title: &str) -> String {
    let mut key = String::with_capacity(title.len());
    let mut in_word = false;
    for c in title.chars() {
        if c.is_alphanumeric() {
            if !in_word && !key.is_empty() {
                key.push(' ');
            }
            in_word = true;
            key.extend(c.to_lowercase());
        } else if in_word && matches!(c, '+' | '#') {
            key.push(c);
        } else {
            in_word = false;
        }
    }
    key
}

/// The merge key before `+` and `#` counted: pages imported then carry it
/// in `[imported] key`, and are found by it until import rewrites it.
pub fn legacy_title_key(title: &str) -> String {
    let mut key = String::with_capacity(title.len());
    for word in title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

/// The key an imported page stands for: its `[imported] key`, unless that
/// is the legacy key of its title and the title's key now differs (a page
/// imported before `+` and `#` counted, whose title is unchanged).
pub fn current_key(stored: &str, title: &str) -> String {
    if legacy_title_key(title) == stored {
        let key = title_key(title);
        if !key.is_empty() {
            return key;
        }
    }
    stored.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_match_up_to_case_spacing_and_punctuation() {
        assert_eq!(title_key("  Hello,   World: A-B "), "hello world a b");
        assert_eq!(title_key("HELLO world a/b"), title_key("Hello, World: A-B"));
    }

    #[test]
    fn plus_and_sharp_signs_on_a_word_tell_titles_apart() {
        let keys = [
            title_key("C++ Models"),
            title_key("C Models"),
            title_key("C# Models"),
        ];
        assert_ne!(keys[0], keys[1]);
        assert_ne!(keys[0], keys[2]);
        assert_ne!(keys[1], keys[2]);
        assert_eq!(
            title_key("c++  models!"),
            keys[0],
            "case and spacing still do not count"
        );
        assert_eq!(
            title_key("Models # 1 + 2"),
            title_key("models 1 2"),
            "lone signs are punctuation"
        );
    }

    #[test]
    fn a_legacy_key_stands_for_the_new_key_of_an_unchanged_title() {
        assert_eq!(current_key("c models", "C++ Models"), "c++ models");
        assert_eq!(current_key("c models", "C Models"), "c models");
        assert_eq!(
            current_key("c models", "My own title"),
            "c models",
            "a title edited by hand does not move the page"
        );
    }
}
