//! The index side's tokeniser on the fixture the query side
//! (themes/default/static/search/tokenise.mjs, tests/search/) is tested on:
//! if either changes alone, one of the two suites fails.

use gazette::render::search::tokenise::{fold, term, tokens};

fn fixture() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/search-tokens.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_fixture_text_folds_and_tokenises_as_the_fixture_says() {
    let fixture = fixture();
    for case in fixture["cases"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        assert_eq!(fold(text), case["fold"].as_str().unwrap(), "fold({text:?})");
        let expected: Vec<String> = serde_json::from_value(case["tokens"].clone()).unwrap();
        assert_eq!(tokens(text), expected, "tokens({text:?})");
    }
}

#[test]
fn every_fixture_word_stems_as_the_fixture_says() {
    let fixture = fixture();
    for (word, stem) in fixture["stems"].as_object().unwrap() {
        assert_eq!(term(word), stem.as_str().unwrap(), "term({word:?})");
    }
}
