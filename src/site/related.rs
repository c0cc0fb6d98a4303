//! Related papers: for every paper, the papers most like it, by the cosine
//! of TF-IDF vectors over title, abstract and tags.
//!
//! - Terms are lowercase words (a plural `s` dropped), minus a stop-word
//!   list; title words count [`TITLE_WEIGHT`] times, each tag (`#speech`)
//!   [`TAG_WEIGHT`] times. A term weighs `(1 + ln tf) · idf`, with the
//!   BM25 idf `ln(1 + (N − df + ½) / (df + ½))`, and each vector has length 1.
//! - Candidates come from an inverted index, never from all pairs: a paper
//!   looks up its [`QUERY_TERMS`] heaviest terms, and each term's list holds
//!   the [`POSTINGS`] papers it weighs most in. The best candidates by that
//!   partial score are then ranked by their exact cosine.
//! - Deterministic: ties go to the smaller slug (papers are in slug order);
//!   each paper's sum runs in one fixed order whatever the threads do.

use std::collections::HashMap;

use rayon::prelude::*;

use super::{Paper, urls};

/// How much more a title word counts than an abstract word.
const TITLE_WEIGHT: f32 = 3.0;
/// How much a tag counts (tags are few and chosen).
const TAG_WEIGHT: f32 = 2.0;
/// Terms of a paper looked up in the index.
const QUERY_TERMS: usize = 32;
/// Papers kept per term in the index: the ones it weighs most in.
const POSTINGS: usize = 256;
/// Below this cosine two papers share words, not a topic.
const MIN_SCORE: f32 = 0.08;

/// Words that say nothing about a topic: English function words and the
/// phrases every abstract uses.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "across",
    "after",
    "against",
    "all",
    "also",
    "although",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "approach",
    "are",
    "as",
    "at",
    "based",
    "be",
    "because",
    "been",
    "before",
    "being",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "demonstrate",
    "did",
    "do",
    "does",
    "during",
    "each",
    "either",
    "et",
    "etc",
    "even",
    "ever",
    "every",
    "existing",
    "experiment",
    "extensive",
    "few",
    "for",
    "from",
    "further",
    "furthermore",
    "had",
    "has",
    "have",
    "having",
    "here",
    "how",
    "however",
    "if",
    "in",
    "including",
    "into",
    "introduce",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "known",
    "many",
    "may",
    "method",
    "might",
    "more",
    "moreover",
    "most",
    "much",
    "must",
    "new",
    "no",
    "nor",
    "not",
    "novel",
    "of",
    "off",
    "often",
    "on",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "paper",
    "particular",
    "per",
    "present",
    "previous",
    "propose",
    "proposed",
    "provide",
    "rather",
    "recent",
    "result",
    "same",
    "several",
    "should",
    "show",
    "shown",
    "significant",
    "significantly",
    "since",
    "so",
    "some",
    "state",
    "still",
    "study",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "therefore",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "thus",
    "to",
    "toward",
    "towards",
    "under",
    "up",
    "upon",
    "use",
    "used",
    "using",
    "various",
    "very",
    "via",
    "was",
    "we",
    "well",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "work",
    "would",
    "yet",
    "you",
];

/// For each paper (by position in `papers`, which is slug order), the
/// positions of the at most `count` papers most like it, best first.
pub fn related(papers: &[Paper], count: usize) -> Vec<Vec<usize>> {
    if count == 0 || papers.len() < 2 {
        return vec![Vec::new(); papers.len()];
    }
    let vectors = vectors(papers);
    let index = Index::new(&vectors);
    (0..papers.len())
        .into_par_iter()
        .map_init(
            || Scratch::new(papers.len()),
            |scratch, doc| index.most_like(&vectors, doc, count, scratch),
        )
        .collect()
}

/// A paper's terms as `(term id, weight)`, sorted by term id, length 1.
type Vector = Vec<(u32, f32)>;

/// Every paper's vector. Term ids are given in order of first appearance
/// over the papers in order, so they are the same on every run.
fn vectors(papers: &[Paper]) -> Vec<Vector> {
    let counted: Vec<Vec<(String, f32)>> = papers.par_iter().map(term_counts).collect();
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut df: Vec<u32> = Vec::new();
    let mut raw: Vec<Vec<(u32, f32)>> = Vec::with_capacity(papers.len());
    for terms in &counted {
        let mut doc = Vec::with_capacity(terms.len());
        for (term, tf) in terms {
            let id = *ids.entry(term.as_str()).or_insert_with(|| {
                df.push(0);
                (df.len() - 1) as u32
            });
            df[id as usize] += 1;
            doc.push((id, *tf));
        }
        raw.push(doc);
    }
    let n = papers.len() as f32;
    raw.into_par_iter()
        .map(|mut doc| {
            for (id, w) in doc.iter_mut() {
                let df = df[*id as usize] as f32;
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                *w = (1.0 + w.ln()) * idf;
            }
            let norm = doc.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            if norm > 0.0 {
                doc.iter_mut().for_each(|(_, w)| *w /= norm);
            }
            doc.sort_unstable_by_key(|&(id, _)| id);
            doc
        })
        .collect()
}

/// A paper's terms with their weighted counts, sorted by term.
fn term_counts(paper: &Paper) -> Vec<(String, f32)> {
    let mut counts: HashMap<String, f32> = HashMap::new();
    let mut add = |text: &str, weight: f32| {
        for word in words(text) {
            *counts.entry(word).or_default() += weight;
        }
    };
    add(&paper.title, TITLE_WEIGHT);
    add(&paper.abstract_, 1.0);
    for tag in &paper.tags {
        let slug = urls::tag_slug(tag);
        if !slug.is_empty() {
            *counts.entry(format!("#{slug}")).or_default() += TAG_WEIGHT;
        }
    }
    let mut terms: Vec<(String, f32)> = counts.into_iter().collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    terms
}

/// The words of `text` that carry meaning: lowercase, a plural ending
/// dropped, no stop words, no bare numbers, nothing shorter than 2.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .filter(|w| !is_stop_word(w))
        .map(|w| singular(&w))
        .filter(|w| !is_stop_word(w))
}

fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// `models` → `model`, `policies` → `policy`; `loss`, `corpus`, `analysis` stay.
fn singular(word: &str) -> String {
    if word.len() > 4
        && let Some(stem) = word.strip_suffix("ies")
    {
        return format!("{stem}y");
    }
    match word.strip_suffix('s') {
        Some(stem)
            if word.len() > 3
                && !stem.ends_with('s')
                && !stem.ends_with('u')
                && !stem.ends_with('i') =>
        {
            stem.to_string()
        }
        _ => word.to_string(),
    }
}

/// Term → the papers it weighs most in, heaviest first.
struct Index {
    postings: Vec<Vec<(u32, f32)>>,
}

impl Index {
    fn new(vectors: &[Vector]) -> Index {
        let terms = vectors
            .iter()
            .flat_map(|v| v.iter().map(|&(id, _)| id as usize + 1))
            .max()
            .unwrap_or(0);
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); terms];
        for (doc, vector) in vectors.iter().enumerate() {
            for &(id, w) in vector {
                postings[id as usize].push((doc as u32, w));
            }
        }
        postings.par_iter_mut().for_each(|list| {
            if list.len() < 2 {
                // A term of one paper relates it to nothing.
                list.clear();
            } else if list.len() > POSTINGS {
                list.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                list.truncate(POSTINGS);
                list.shrink_to_fit();
            }
        });
        Index { postings }
    }

    /// The `count` papers most like paper `doc`, best first.
    fn most_like(
        &self,
        vectors: &[Vector],
        doc: usize,
        count: usize,
        s: &mut Scratch,
    ) -> Vec<usize> {
        let query = &vectors[doc];
        let mut heaviest: Vec<&(u32, f32)> = query
            .iter()
            .filter(|(id, _)| !self.postings[*id as usize].is_empty())
            .collect();
        heaviest.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        heaviest.truncate(QUERY_TERMS);
        for &&(id, wq) in &heaviest {
            for &(other, wd) in &self.postings[id as usize] {
                let other = other as usize;
                if other == doc {
                    continue;
                }
                if s.score[other] == 0.0 {
                    s.touched.push(other as u32);
                }
                s.score[other] += wq * wd;
            }
        }
        let mut candidates: Vec<(f32, u32)> = s
            .touched
            .iter()
            .map(|&d| (s.score[d as usize], d))
            .collect();
        for &d in &s.touched {
            s.score[d as usize] = 0.0;
        }
        s.touched.clear();
        let keep = (count * 4).max(20);
        if candidates.len() > keep {
            candidates.select_nth_unstable_by(keep - 1, best_first);
            candidates.truncate(keep);
        }
        // The partial scores chose the candidates; the exact cosine ranks them.
        let mut ranked: Vec<(f32, u32)> = candidates
            .into_iter()
            .map(|(_, d)| (cosine(query, &vectors[d as usize]), d))
            .filter(|&(score, _)| score >= MIN_SCORE)
            .collect();
        ranked.sort_unstable_by(best_first);
        ranked.truncate(count);
        ranked.into_iter().map(|(_, d)| d as usize).collect()
    }
}

/// Higher score first; ties to the paper first in slug order.
fn best_first(a: &(f32, u32), b: &(f32, u32)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The dot product of two unit vectors sorted by term id.
fn cosine(a: &Vector, b: &Vector) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// A thread's score accumulator, cleared after each paper.
struct Scratch {
    score: Vec<f32>,
    touched: Vec<u32>,
}

impl Scratch {
    fn new(papers: usize) -> Scratch {
        Scratch {
            score: vec![0.0; papers],
            touched: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn paper(slug: &str, title: &str, abstract_: &str, tags: &[&str]) -> Paper {
        Paper {
            slug: slug.into(),
            source: PathBuf::from(format!("content/papers/{slug}.md")),
            body_line: 1,
            title: title.into(),
            arxiv: None,
            date: None,
            authors: None,
            organization: None,
            upvotes: 0,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            code: None,
            links: vec![],
            digests: vec![],
            listed: vec![],
            abstract_: abstract_.into(),
            body: String::new(),
            extra: toml::Table::new(),
            fingerprint: 0,
            warnings: vec![],
        }
    }

    fn corpus() -> Vec<Paper> {
        vec![
            paper(
                "asr-a",
                "Streaming speech recognition with conformers",
                "We train a streaming automatic speech recognition model on audio.",
                &["speech"],
            ),
            paper(
                "asr-b",
                "Low-latency speech recognition for streaming audio",
                "A conformer transducer recognises speech in streaming audio with low latency.",
                &["speech"],
            ),
            paper(
                "diffusion",
                "Video diffusion models",
                "We generate video with a diffusion model conditioned on text prompts.",
                &["video", "diffusion"],
            ),
            paper(
                "diffusion-2",
                "Faster video diffusion",
                "Distilling a video diffusion model into fewer sampling steps for text prompts.",
                &["video", "diffusion"],
            ),
            paper(
                "tts",
                "Expressive speech synthesis",
                "Text-to-speech synthesis of expressive audio from text.",
                &["speech"],
            ),
        ]
    }

    fn names(papers: &[Paper], related: &[Vec<usize>], slug: &str) -> Vec<String> {
        let i = papers.iter().position(|p| p.slug == slug).unwrap();
        related[i].iter().map(|&j| papers[j].slug.clone()).collect()
    }

    #[test]
    fn papers_on_one_topic_are_related_and_others_are_not() {
        let papers = corpus();
        let related = related(&papers, 5);
        assert_eq!(names(&papers, &related, "asr-a")[0], "asr-b");
        assert_eq!(names(&papers, &related, "diffusion"), ["diffusion-2"]);
        assert!(
            !names(&papers, &related, "asr-b")
                .iter()
                .any(|s| s.starts_with("diffusion")),
            "{:?}",
            names(&papers, &related, "asr-b")
        );
        for (i, list) in related.iter().enumerate() {
            assert!(!list.contains(&i), "a paper is not related to itself");
        }
    }

    #[test]
    fn count_caps_the_lists_and_zero_turns_them_off() {
        let papers = corpus();
        assert!(related(&papers, 1).iter().all(|l| l.len() <= 1));
        assert!(related(&papers, 0).iter().all(Vec::is_empty));
    }

    #[test]
    fn the_same_papers_give_the_same_lists_and_ties_go_by_slug() {
        let twins = vec![
            paper("a", "Speech tokenizers", "Tokenizing speech audio.", &[]),
            paper("b", "Speech tokenizers", "Tokenizing speech audio.", &[]),
            paper("c", "Speech tokenizers", "Tokenizing speech audio.", &[]),
        ];
        let first = related(&twins, 5);
        assert_eq!(first, [vec![1, 2], vec![0, 2], vec![0, 1]]);
        assert_eq!(related(&twins, 5), first);
        let papers = corpus();
        assert_eq!(related(&papers, 5), related(&papers, 5));
    }

    #[test]
    fn stop_words_and_plurals_do_not_make_papers_alike() {
        let words: Vec<String> =
            words("We propose the Models and policies of a corpus, 2025 loss").collect();
        assert_eq!(words, ["model", "policy", "corpus", "loss"]);
        let papers = vec![
            paper(
                "a",
                "We propose a novel approach",
                "In this paper we show results.",
                &[],
            ),
            paper(
                "b",
                "We propose a new method",
                "In this paper we show results.",
                &[],
            ),
        ];
        assert_eq!(related(&papers, 5), [Vec::<usize>::new(), vec![]]);
    }

    #[test]
    fn the_stop_word_list_is_sorted_for_binary_search() {
        assert!(
            STOP_WORDS.windows(2).all(|w| w[0] < w[1]),
            "sort STOP_WORDS"
        );
    }
}
