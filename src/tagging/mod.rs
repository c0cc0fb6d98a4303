//! Auto-tagging: keyword rules matched on title and abstract.
//!
//! The rules are data: the built-in ones are `rules.toml` beside this file,
//! embedded in the binary; `[tags.rules]` in config.toml replaces them. Each
//! rule gives a tag and the words that vote for it (see [`Rule`] and the
//! comments at the top of `rules.toml`; docs/digest.md lists them).
//!
//! Text and keywords are cut into words the same way: anything not a letter
//! or digit separates words, and so does a change between letters and
//! digits (`Mamba2` is `Mamba 2`), so `text-to-speech` matches `text to
//! speech`. A plural `s` is folded (`LLMs` matches `LLM`). A keyword in
//! lowercase matches words in lowercase or Capitalized; a keyword with a
//! capital matches exactly that spelling, so acronyms stay acronyms (`RoBoT`
//! is not `robot`, `MoE` is not `moe`). A keyword never matches inside a
//! word (`rag` does not match `storage`). Matching is a hash lookup per word.
//!
//! A tag found in the title is given; one found only in the abstract needs
//! two hits there, and at least half as many as the strongest such tag, and
//! is left out when a tag that covers it is in the title. Title tags come
//! first, best score (a title hit counts three) first, ties in rule order.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use crate::config::TagsConfig;
use crate::diagnostic::Diagnostic;
use crate::toml_line;

/// The built-in rules, as data.
pub const BUILT_IN: &str = include_str!("rules.toml");
/// Where they live, for messages about them.
pub const BUILT_IN_FILE: &str = "src/tagging/rules.toml";

/// What votes for one tag. In config.toml a rule is either this table or,
/// shorter, just its list of keywords.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Count in the title and the abstract.
    pub keywords: Vec<String>,
    /// Count only in the title.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub title_only: Vec<String>,
    /// Keywords that count only when the paper also says something else.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<Context>,
    /// Phrases inside which this tag's keywords do not count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_in: Vec<String>,
    /// Tags that, in the title, make this one redundant in the abstract.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covered_by: Vec<String>,
}

/// A keyword that counts only when the title or abstract also says one of
/// `needs` (`codec` is audio only next to `audio` or `speech`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    pub keyword: String,
    pub needs: Vec<String>,
    /// Counts in the title only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub title_only: bool,
}

/// A rule as config.toml may write it: `tag = ["kw", ...]` or
/// `tag = { keywords = [...], title_only = [...], ... }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RuleSpec {
    Keywords(Vec<String>),
    Rule(Rule),
}

impl RuleSpec {
    pub fn into_rule(self) -> Rule {
        match self {
            RuleSpec::Keywords(keywords) => Rule {
                keywords,
                ..Rule::default()
            },
            RuleSpec::Rule(rule) => rule,
        }
    }
}

/// By hand rather than `untagged`, so a typo inside a table is reported as
/// what it is (`unknown field `titel_only``) at its line.
impl<'de> Deserialize<'de> for RuleSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RuleSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of keywords, or a table with `keywords`")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<RuleSpec, A::Error> {
                Vec::<String>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(RuleSpec::Keywords)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RuleSpec, A::Error> {
                Rule::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RuleSpec::Rule)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// One `[[rule]]` of a rules file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedRule {
    tag: String,
    keywords: Vec<String>,
    #[serde(default)]
    title_only: Vec<String>,
    #[serde(default)]
    context: Vec<Context>,
    #[serde(default)]
    not_in: Vec<String>,
    #[serde(default)]
    covered_by: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    rule: Vec<NamedRule>,
}

/// Reads a rules file (the format of `rules.toml`): the rules in order. A
/// typo is an error at its line of `origin`.
pub fn parse_rules(text: &str, origin: &str) -> Result<Vec<(String, Rule)>, Diagnostic> {
    let file: RulesFile = toml::from_str(text).map_err(|e| {
        let line = toml_line::of_error(&e, text).unwrap_or(0);
        Diagnostic::error(origin, line, e.message().trim().to_string())
    })?;
    let rules: Vec<(String, Rule)> = file
        .rule
        .into_iter()
        .map(|r| {
            let rule = Rule {
                keywords: r.keywords,
                title_only: r.title_only,
                context: r.context,
                not_in: r.not_in,
                covered_by: r.covered_by,
            };
            (r.tag, rule)
        })
        .collect();
    check(&rules).map_err(|message| Diagnostic::error(origin, 0, message))?;
    Ok(rules)
}

/// What parses but cannot work: a tag named twice, a `covered_by` naming no tag.
fn check(rules: &[(String, Rule)]) -> Result<(), String> {
    for (i, (tag, rule)) in rules.iter().enumerate() {
        if rules[..i].iter().any(|(t, _)| t == tag) {
            return Err(format!("the tag `{tag}` has two rules"));
        }
        if let Some(missing) = rule
            .covered_by
            .iter()
            .find(|c| !rules.iter().any(|(t, _)| t == *c))
        {
            return Err(format!(
                "`{tag}` is covered_by `{missing}`, which has no rule"
            ));
        }
    }
    Ok(())
}

/// The built-in rules, in order.
pub fn built_in_rules() -> Result<Vec<(String, Rule)>, Diagnostic> {
    parse_rules(BUILT_IN, BUILT_IN_FILE)
}

/// A word of text or of a keyword, in the two forms matching needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// A lowercase or Capitalized word, lowercased, plural folded.
    Word(String),
    /// Any word as spelt, plural folded (`LLMs` → `LLM`).
    Exact(String),
}

/// A word of a text, in the forms of [`Key`], borrowed from the text
/// where it can be (most words are lowercase already).
struct TextWord<'a> {
    /// The [`Key::Word`] form, if the word may match lowercase keywords.
    word: Option<Cow<'a, str>>,
    /// The [`Key::Exact`] form.
    exact: &'a str,
}

impl TextWord<'_> {
    fn matches(&self, key: &Key) -> bool {
        match key {
            Key::Word(k) => self.word.as_deref() == Some(k.as_str()),
            Key::Exact(k) => self.exact == k,
        }
    }
}

/// Words of a text.
fn words(text: &str) -> Vec<TextWord<'_>> {
    let mut out = Vec::new();
    for chunk in text.split(|c: char| !c.is_alphanumeric()) {
        for piece in pieces(chunk) {
            let wordlike = !piece.chars().skip(1).any(char::is_uppercase);
            out.push(TextWord {
                word: wordlike.then(|| fold_lower_borrowed(piece)),
                exact: fold_exact_borrowed(piece),
            });
        }
    }
    out
}

/// A keyword's words as keys: a word with a capital matches exactly.
fn keyword_keys(keyword: &str) -> Vec<Key> {
    keyword
        .split(|c: char| !c.is_alphanumeric())
        .flat_map(pieces)
        .map(|piece| {
            if piece.chars().any(char::is_uppercase) {
                Key::Exact(fold_exact(piece))
            } else {
                Key::Word(fold_lower(piece))
            }
        })
        .collect()
}

/// `Mamba2` → `Mamba`, `2`: letters and digits are separate words.
fn pieces(chunk: &str) -> impl Iterator<Item = &str> {
    let mut rest = chunk;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digit = first.is_numeric();
        let end = rest
            .find(|c: char| c.is_numeric() != digit)
            .unwrap_or(rest.len());
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

/// Lowercase, with a plural `s` dropped from words longer than three.
fn fold_lower(word: &str) -> String {
    fold_lower_borrowed(word).into_owned()
}

/// [`fold_lower`], borrowing a word that is lowercase ASCII already.
fn fold_lower_borrowed(word: &str) -> Cow<'_, str> {
    let mut w = if word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    };
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
        match &mut w {
            Cow::Borrowed(b) => *b = &b[..b.len() - 1],
            Cow::Owned(o) => {
                o.pop();
            }
        }
    }
    w
}

/// As spelt, with the `s` of an acronym's plural dropped (`LLMs`).
fn fold_exact(word: &str) -> String {
    fold_exact_borrowed(word).to_string()
}

fn fold_exact_borrowed(word: &str) -> &str {
    let mut chars = word.chars().rev();
    match (chars.next(), chars.next()) {
        (Some('s'), Some(c)) if c.is_uppercase() => &word[..word.len() - 1],
        _ => word,
    }
}

/// What a phrase does when it matches.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// Votes for its tag anywhere.
    Keyword,
    /// Votes in the title only.
    TitleOnly,
    /// Votes (anywhere, or in the title only) if context `ctx` holds.
    Context { ctx: usize, title_only: bool },
    /// Makes context `ctx` hold.
    Need { ctx: usize },
    /// Its tag's keywords inside it do not count.
    NotIn,
}

#[derive(Debug, Clone)]
struct Phrase {
    keys: Vec<Key>,
    tag: usize,
    role: Role,
}

/// Compiled rules: phrases indexed by their first word.
#[derive(Debug, Clone)]
pub struct Tagger {
    tags: Vec<String>,
    /// For each tag, the tags that cover it.
    covered_by: Vec<Vec<usize>>,
    /// Phrases by their first word, in its [`Key::Word`] and [`Key::Exact`]
    /// forms (two maps, so a text's words are looked up without a copy).
    by_first_word: FxHashMap<String, Vec<Phrase>>,
    by_first_exact: FxHashMap<String, Vec<Phrase>>,
    contexts: usize,
    max: usize,
}

/// A title hit counts this many abstract hits.
const TITLE_WEIGHT: u32 = 3;
/// A tag found only in the abstract needs this many hits there.
const MIN_ABSTRACT: u32 = 2;

/// One phrase matched at a word.
struct Hit {
    tag: usize,
    role: Role,
    start: usize,
    len: usize,
}

impl Tagger {
    /// The config's rules, or the built-in ones when it has none.
    pub fn from_config(config: &TagsConfig) -> Result<Tagger, Diagnostic> {
        let rules = if config.rules.is_empty() {
            built_in_rules()?
        } else {
            let rules: Vec<(String, Rule)> = config
                .rules
                .iter()
                .map(|(tag, spec)| (tag.clone(), spec.clone().into_rule()))
                .collect();
            check(&rules).map_err(|m| {
                Diagnostic::error(crate::layout::CONFIG_FILE, 0, format!("[tags.rules]: {m}"))
            })?;
            rules
        };
        Ok(Tagger::new(rules, config.max))
    }

    pub fn new(rules: impl IntoIterator<Item = (String, Rule)>, max: usize) -> Tagger {
        let rules: Vec<(String, Rule)> = rules.into_iter().collect();
        let mut tagger = Tagger {
            tags: rules.iter().map(|(t, _)| t.clone()).collect(),
            covered_by: Vec::new(),
            by_first_word: FxHashMap::default(),
            by_first_exact: FxHashMap::default(),
            contexts: 0,
            max,
        };
        let index_of: BTreeMap<&str, usize> = rules
            .iter()
            .enumerate()
            .map(|(i, (t, _))| (t.as_str(), i))
            .collect();
        for (tag, (_, rule)) in rules.iter().enumerate() {
            tagger.covered_by.push(
                rule.covered_by
                    .iter()
                    .filter_map(|c| index_of.get(c.as_str()).copied())
                    .collect(),
            );
            let mut add = |phrase: &str, role: Role| tagger.add(phrase, tag, role);
            for k in &rule.keywords {
                add(k, Role::Keyword);
            }
            for k in &rule.title_only {
                add(k, Role::TitleOnly);
            }
            for k in &rule.not_in {
                add(k, Role::NotIn);
            }
            for c in &rule.context {
                let ctx = tagger.contexts;
                tagger.contexts += 1;
                tagger.add(
                    &c.keyword,
                    tag,
                    Role::Context {
                        ctx,
                        title_only: c.title_only,
                    },
                );
                for need in &c.needs {
                    tagger.add(need, tag, Role::Need { ctx });
                }
            }
        }
        tagger
    }

    fn add(&mut self, phrase: &str, tag: usize, role: Role) {
        let keys = keyword_keys(phrase);
        let (map, first) = match keys.first() {
            Some(Key::Word(first)) => (&mut self.by_first_word, first),
            Some(Key::Exact(first)) => (&mut self.by_first_exact, first),
            None => return,
        };
        map.entry(first.clone()).or_default().push(Phrase {
            keys: keys.clone(),
            tag,
            role,
        });
    }

    /// Every phrase matching in `text`.
    fn hits(&self, text: &[TextWord]) -> Vec<Hit> {
        let mut hits = Vec::new();
        for i in 0..text.len() {
            let by_word = (text[i].word.as_deref()).and_then(|w| self.by_first_word.get(w));
            let by_exact = self.by_first_exact.get(text[i].exact);
            for phrases in by_word.into_iter().chain(by_exact) {
                for p in phrases {
                    let end = i + p.keys.len();
                    let matches = end <= text.len()
                        && (p.keys.iter().zip(&text[i..end])).all(|(k, w)| w.matches(k));
                    if matches {
                        hits.push(Hit {
                            tag: p.tag,
                            role: p.role,
                            start: i,
                            len: p.keys.len(),
                        });
                    }
                }
            }
        }
        hits
    }

    /// Per tag, the words where one of its phrases votes (each word once).
    /// Linear in the hits: they come in word order.
    fn votes(&self, hits: &[Hit], in_title: bool, contexts: &[bool], words: usize) -> Vec<u32> {
        // For tags with a `not_in` match: at each word, how far the `not_in`
        // phrases starting at or before it reach.
        let mut reach: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
        for b in hits.iter().filter(|b| b.role == Role::NotIn) {
            let r = reach.entry(b.tag).or_insert_with(|| vec![0; words]);
            r[b.start] = r[b.start].max(b.start + b.len);
        }
        for r in reach.values_mut() {
            for i in 1..r.len() {
                r[i] = r[i].max(r[i - 1]);
            }
        }
        let mut votes = vec![0u32; self.tags.len()];
        let mut last_counted: Vec<Option<usize>> = vec![None; self.tags.len()];
        for h in hits {
            let counts = match h.role {
                Role::Keyword => true,
                Role::TitleOnly => in_title,
                Role::Context { ctx, title_only } => contexts[ctx] && (in_title || !title_only),
                Role::Need { .. } | Role::NotIn => false,
            };
            let blocked = reach
                .get(&h.tag)
                .is_some_and(|r| r[h.start] >= h.start + h.len);
            if counts && !blocked && last_counted[h.tag] != Some(h.start) {
                votes[h.tag] += 1;
                last_counted[h.tag] = Some(h.start);
            }
        }
        votes
    }

    /// The tags a paper gets: title tags first, best score first, ties in
    /// rule order, at most `max`.
    pub fn tags(&self, title: &str, abstract_: &str) -> Vec<String> {
        let (title, abstract_) = (words(title), words(abstract_));
        let title_hits = self.hits(&title);
        let abstract_hits = self.hits(&abstract_);
        let mut contexts = vec![false; self.contexts];
        for h in title_hits.iter().chain(&abstract_hits) {
            if let Role::Need { ctx } = h.role {
                contexts[ctx] = true;
            }
        }
        let in_title = self.votes(&title_hits, true, &contexts, title.len());
        let in_abstract = self.votes(&abstract_hits, false, &contexts, abstract_.len());
        let strongest_abstract_only = (0..self.tags.len())
            .filter(|&t| in_title[t] == 0)
            .map(|t| in_abstract[t])
            .max()
            .unwrap_or(0);
        let mut picked: Vec<(bool, u32, usize)> = (0..self.tags.len())
            .filter_map(|t| {
                let score = in_title[t] * TITLE_WEIGHT + in_abstract[t];
                if in_title[t] > 0 {
                    return Some((true, score, t));
                }
                let covered = self.covered_by[t].iter().any(|&c| in_title[c] > 0);
                let enough =
                    in_abstract[t] >= MIN_ABSTRACT && in_abstract[t] * 2 >= strongest_abstract_only;
                (enough && !covered).then_some((false, score, t))
            })
            .collect();
        picked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        picked
            .into_iter()
            .take(self.max)
            .map(|(_, _, t)| self.tags[t].clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_tagger() -> Tagger {
        Tagger::from_config(&TagsConfig::default()).unwrap()
    }

    fn rule(keywords: &[&str]) -> Rule {
        Rule {
            keywords: keywords
                .iter()
                .map(std::string::ToString::to_string)
                .collect(),
            ..Rule::default()
        }
    }

    fn tagger(rules: &[(&str, Rule)]) -> Tagger {
        Tagger::new(rules.iter().map(|(t, r)| (t.to_string(), r.clone())), 4)
    }

    #[test]
    fn the_built_in_rules_parse() {
        let rules = built_in_rules().unwrap();
        assert!(rules.len() >= 20, "{}", rules.len());
        assert!(rules.iter().any(|(t, _)| t == "training"));
    }

    #[test]
    fn a_speech_paper_is_tagged_speech() {
        let tags = default_tagger().tags(
            "Stateful Conformer with Cache-based Inference for Streaming Automatic Speech Recognition",
            "We propose an efficient streaming speech recognition model.",
        );
        assert_eq!(tags[0], "speech");
        assert!(
            tags.contains(&"efficient-inference".to_string()),
            "{tags:?}"
        );
    }

    #[test]
    fn keywords_match_whole_words_only() {
        let tagger = tagger(&[("retrieval", rule(&["RAG"]))]);
        assert!(tagger.tags("Storage for fragments", "").is_empty());
        assert_eq!(tagger.tags("RAG done right", ""), ["retrieval"]);
    }

    #[test]
    fn acronyms_match_as_spelt_and_words_whatever_their_first_letter() {
        let t = tagger(&[("robotics", rule(&["robot"])), ("arch", rule(&["MoE"]))]);
        // The case: an acronym that spells a word is not the word.
        assert!(
            t.tags("RoBoT: Robust Boosting of Transformers", "")
                .is_empty()
        );
        assert_eq!(t.tags("Robots that Walk", ""), ["robotics"]);
        assert_eq!(t.tags("A robot", ""), ["robotics"]);
        assert!(t.tags("Moe the cat", "").is_empty(), "moe is not MoE");
        assert_eq!(t.tags("Sparse MoEs", ""), ["arch"]);
    }

    #[test]
    fn plurals_hyphens_digits_and_case_of_words_do_not_matter() {
        let t = tagger(&[
            ("llm", rule(&["large language model"])),
            ("tts", rule(&["text to speech"])),
            ("ssm", rule(&["Mamba"])),
        ]);
        assert_eq!(t.tags("Large Language Models", ""), ["llm"]);
        assert_eq!(t.tags("Text-to-Speech", ""), ["tts"]);
        assert_eq!(t.tags("A Transformer-Mamba2 Hybrid", ""), ["ssm"]);
    }

    #[test]
    fn one_passing_mention_in_the_abstract_is_not_enough() {
        let tagger = default_tagger();
        assert!(
            tagger
                .tags("A title", "We also use a robot once.")
                .is_empty()
        );
        assert_eq!(
            tagger.tags("A title", "The robot moves. The robot stops."),
            ["robotics"]
        );
    }

    #[test]
    fn title_tags_come_before_any_abstract_tag() {
        // Many abstract hits do not push a title tag out of the cap.
        let mut t = tagger(&[
            ("a", rule(&["alpha"])),
            ("b", rule(&["beta"])),
            ("c", rule(&["gamma"])),
        ]);
        t.max = 2;
        assert_eq!(
            t.tags("gamma", "alpha alpha alpha alpha beta beta beta beta beta"),
            ["c", "b"],
            "the title's gamma first, then the strongest abstract tag"
        );
    }

    #[test]
    fn a_weak_abstract_tag_beside_a_strong_one_is_left_out() {
        let t = tagger(&[("a", rule(&["alpha"])), ("b", rule(&["beta"]))]);
        assert_eq!(
            t.tags("T", "alpha alpha alpha alpha alpha beta beta"),
            ["a"]
        );
        assert_eq!(t.tags("T", "alpha alpha alpha beta beta"), ["a", "b"]);
    }

    #[test]
    fn context_keywords_need_their_context() {
        let t = default_tagger();
        // `codec`: audio only beside audio words; `coding` is code only
        // beside programs.
        assert!(
            !t.tags(
                "Neural Video Codec",
                "A learned video codec beats H.266 on the codec benchmark."
            )
            .contains(&"audio".to_string())
        );
        assert!(
            t.tags("A Neural Speech Codec", "A codec for speech.")
                .contains(&"audio".to_string())
        );
        assert!(
            !t.tags(
                "Conditional Latent Coding for Deep Image Compression",
                "Conditional coding of the input image."
            )
            .contains(&"code".to_string())
        );
    }

    #[test]
    fn not_in_and_covered_by() {
        let t = default_tagger();
        let tags = t.tags(
            "CapRecover: Feature Inversion on Vision Language Models",
            "Vision-Language Models (VLMs) leak.",
        );
        assert!(!tags.contains(&"language-models".to_string()), "{tags:?}");
        // Frames are images: a video paper is not `vision` for its abstract.
        let tags = t.tags(
            "Learned Video Compression",
            "Residual image compression and image frames, image by image.",
        );
        assert!(!tags.contains(&"vision".to_string()), "{tags:?}");
    }

    #[test]
    fn config_rules_replace_the_defaults_in_either_form() {
        let config: crate::config::Config = toml::from_str(
            "[tags.rules]\nmine = [\"speech\"]\nyours = { keywords = [\"audio\"], title_only = [\"sound\"] }\n",
        )
        .unwrap();
        let t = Tagger::from_config(&config.tags).unwrap();
        assert_eq!(t.tags("Speech and Sound", ""), ["mine", "yours"]);
        assert!(t.tags("T", "sound sound sound").is_empty());
    }

    #[test]
    fn a_typo_in_a_rules_file_is_an_error_at_its_line() {
        let text = "[[rule]]\ntag = \"a\"\nkeywords = [\"x\"]\n\n[[rule]]\ntag = \"b\"\nkeywrds = [\"y\"]\n";
        let err = parse_rules(text, "tags.toml").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("tags.toml:7: error: unknown field `keywrds`"),
            "{err}"
        );
        let err =
            parse_rules("[[rule]]\ntag = \"a\"\nkeywords = \"x\"\n", "tags.toml").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        let err = parse_rules(
            "[[rule]]\ntag = \"a\"\nkeywords = []\ncovered_by = [\"nope\"]\n",
            "tags.toml",
        )
        .unwrap_err();
        assert!(err.message.contains("`nope`"), "{err}");
    }
}
