//! Auto-tagging: keyword rules matched on title and abstract.
//!
//! Text and keywords are cut into lowercase words the same way (hyphens
//! and punctuation separate words, a plural `s` is dropped), so `LLMs`
//! matches `llm`, `text-to-speech` matches `text to speech`, and a keyword
//! never matches inside another word (`rag` does not match `storage`).
//! Matching is one hash lookup per word, so tagging stays linear in the text.

use std::collections::HashMap;

use crate::config::TagsConfig;

/// The built-in rules, used when config.toml has no `[tags.rules]`.
pub const DEFAULT_RULES: &[(&str, &[&str])] = &[
    (
        "speech",
        &[
            "speech",
            "asr",
            "tts",
            "spoken",
            "speaker",
            "voice",
            "conformer",
            "whisper",
        ],
    ),
    (
        "audio",
        &["audio", "music", "sound", "acoustic", "codec", "waveform"],
    ),
    (
        "vision",
        &[
            "image",
            "vision",
            "visual",
            "pixel",
            "object detection",
            "segmentation",
            "vit",
        ],
    ),
    ("video", &["video", "videos"]),
    (
        "multimodal",
        &[
            "multimodal",
            "multi modal",
            "vision language",
            "vlm",
            "mllm",
            "text to image",
            "image text",
        ],
    ),
    (
        "language-models",
        &[
            "language model",
            "llm",
            "gpt",
            "instruction tuning",
            "chatbot",
            "nlp",
            "machine translation",
        ],
    ),
    (
        "code",
        &[
            "code generation",
            "program synthesis",
            "programming",
            "coding",
            "software engineering",
            "source code",
        ],
    ),
    (
        "quantization",
        &[
            "quantization",
            "quantized",
            "quantize",
            "low bit",
            "4 bit",
            "8 bit",
            "int8",
            "int4",
        ],
    ),
    (
        "compression",
        &[
            "compression",
            "pruning",
            "distillation",
            "sparsity",
            "low rank",
            "compressed",
        ],
    ),
    (
        "diffusion",
        &["diffusion", "denoising", "score based", "flow matching"],
    ),
    (
        "efficient-inference",
        &[
            "inference",
            "latency",
            "throughput",
            "speedup",
            "kv cache",
            "speculative decoding",
            "streaming",
            "acceleration",
            "accelerate",
            "accelerating",
            "speed up",
            "edge device",
        ],
    ),
    (
        "retrieval",
        &[
            "retrieval",
            "rag",
            "retriever",
            "search engine",
            "embedding",
        ],
    ),
    (
        "architecture",
        &[
            "transformer",
            "attention",
            "state space",
            "mamba",
            "mixture of experts",
            "moe",
            "recurrent",
            "architecture",
            "architecture search",
            "convolutional",
        ],
    ),
    (
        "reasoning",
        &[
            "reasoning",
            "chain of thought",
            "mathematical",
            "math",
            "theorem",
        ],
    ),
    (
        "agents",
        &["agent", "agentic", "tool use", "planning", "web navigation"],
    ),
    (
        "reinforcement-learning",
        &[
            "reinforcement learning",
            "rlhf",
            "reward model",
            "policy optimization",
            "dpo",
            "ppo",
        ],
    ),
    (
        "3d",
        &[
            "3d",
            "point cloud",
            "nerf",
            "gaussian splatting",
            "mesh",
            "novel view",
        ],
    ),
    (
        "robotics",
        &["robot", "robotic", "embodied", "manipulation", "locomotion"],
    ),
    (
        "benchmark",
        &["benchmark", "leaderboard", "evaluation suite"],
    ),
    (
        "training",
        &[
            "pretraining",
            "pre training",
            "fine tuning",
            "scaling law",
            "continual learning",
            "representation learning",
            "self supervised",
            "contrastive learning",
            "optimizer",
            "gradient descent",
        ],
    ),
    (
        "data",
        &["dataset", "data curation", "synthetic data", "corpus"],
    ),
];

/// A phrase (one or more words) that votes for a tag.
#[derive(Debug, Clone)]
struct Phrase {
    words: Vec<String>,
    tag: usize,
}

/// Compiled rules: phrases indexed by their first word.
#[derive(Debug, Clone)]
pub struct Tagger {
    tags: Vec<String>,
    by_first_word: HashMap<String, Vec<Phrase>>,
    max: usize,
}

/// A title hit counts this many abstract hits.
const TITLE_WEIGHT: u32 = 3;
/// A tag needs at least this score: one title hit, or two abstract hits.
const THRESHOLD: u32 = 2;

impl Tagger {
    /// The config's rules, or the built-in ones when it has none.
    pub fn from_config(config: &TagsConfig) -> Tagger {
        if config.rules.is_empty() {
            let rules = DEFAULT_RULES.iter().map(|(tag, words)| {
                (
                    tag.to_string(),
                    words.iter().map(|w| w.to_string()).collect(),
                )
            });
            Tagger::new(rules, config.max)
        } else {
            Tagger::new(
                config.rules.iter().map(|(t, w)| (t.clone(), w.clone())),
                config.max,
            )
        }
    }

    pub fn new(rules: impl IntoIterator<Item = (String, Vec<String>)>, max: usize) -> Tagger {
        let mut tagger = Tagger {
            tags: Vec::new(),
            by_first_word: HashMap::new(),
            max,
        };
        for (tag, phrases) in rules {
            let index = tagger.tags.len();
            tagger.tags.push(tag);
            for phrase in phrases {
                let words = words(&phrase);
                if let Some(first) = words.first() {
                    tagger
                        .by_first_word
                        .entry(first.clone())
                        .or_default()
                        .push(Phrase {
                            words: words.clone(),
                            tag: index,
                        });
                }
            }
        }
        tagger
    }

    /// The tags a paper gets: best score first, at most `max`, ties in rule order.
    pub fn tags(&self, title: &str, abstract_: &str) -> Vec<String> {
        let mut scores = vec![0u32; self.tags.len()];
        self.score(&words(title), TITLE_WEIGHT, &mut scores);
        self.score(&words(abstract_), 1, &mut scores);
        let mut picked: Vec<(usize, u32)> = scores
            .into_iter()
            .enumerate()
            .filter(|&(_, s)| s >= THRESHOLD)
            .collect();
        picked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        picked
            .into_iter()
            .take(self.max)
            .map(|(i, _)| self.tags[i].clone())
            .collect()
    }

    fn score(&self, text: &[String], weight: u32, scores: &mut [u32]) {
        for (i, word) in text.iter().enumerate() {
            let Some(phrases) = self.by_first_word.get(word) else {
                continue;
            };
            // Several phrases of one tag starting here count once.
            let mut counted: Vec<usize> = Vec::new();
            for phrase in phrases {
                let end = i + phrase.words.len();
                if end <= text.len()
                    && text[i..end] == phrase.words[..]
                    && !counted.contains(&phrase.tag)
                {
                    scores[phrase.tag] += weight;
                    counted.push(phrase.tag);
                }
            }
        }
    }
}

/// Lowercase words; anything not a letter or digit separates words; a
/// final `s` is dropped from words longer than three letters (plurals).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut w = w.to_lowercase();
            if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
                w.pop();
            }
            w
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_tagger() -> Tagger {
        Tagger::from_config(&TagsConfig::default())
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
        let tagger = Tagger::new([("retrieval".to_string(), vec!["rag".to_string()])], 4);
        assert!(tagger.tags("Storage for fragments", "").is_empty());
        assert_eq!(tagger.tags("RAG done right", ""), ["retrieval"]);
    }

    #[test]
    fn plurals_hyphens_and_case_do_not_matter() {
        let tagger = Tagger::new(
            [
                ("llm".to_string(), vec!["large language model".to_string()]),
                ("tts".to_string(), vec!["text to speech".to_string()]),
            ],
            4,
        );
        assert_eq!(tagger.tags("Large Language Models", ""), ["llm"]);
        assert_eq!(tagger.tags("Text-to-Speech", ""), ["tts"]);
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
    fn the_cap_keeps_the_best_matches() {
        let tagger = Tagger::new(
            [
                ("a".to_string(), vec!["alpha".to_string()]),
                ("b".to_string(), vec!["beta".to_string()]),
                ("c".to_string(), vec!["gamma".to_string()]),
            ],
            2,
        );
        assert_eq!(
            tagger.tags("gamma", "alpha alpha beta beta beta"),
            ["b", "c"],
            "the weakest match (alpha, 2) is dropped; ties keep rule order"
        );
    }

    #[test]
    fn config_rules_replace_the_defaults() {
        let mut config = TagsConfig::default();
        config
            .rules
            .insert("mine".to_string(), vec!["speech".to_string()]);
        assert_eq!(Tagger::from_config(&config).tags("Speech", ""), ["mine"]);
    }
}
