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

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use rayon::prelude::*;

use super::{Paper, urls};
use crate::fingerprint;

/// How much more a title word counts than an abstract word.
const TITLE_WEIGHT: f32 = 3.0;
/// How much a tag counts (tags are few and chosen).
const TAG_WEIGHT: f32 = 2.0;
/// Terms of a paper looked up in the index.
const QUERY_TERMS: usize = 32;
/// Papers kept per term in the index: the ones it weighs most in. 128
/// rather than 256 halves the index walk (most of the time at 10,000
/// papers) and left every related list of the seeds unchanged.
const POSTINGS: usize = 128;
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
    // Long runs per task: each task's scratch is two zeroed arrays.
    (0..papers.len())
        .into_par_iter()
        .with_min_len(256)
        .map_init(
            || Scratch::new(papers.len(), index.postings.len()),
            |scratch, doc| index.most_like(&vectors, doc, count, scratch),
        )
        .collect()
}

/// A paper's terms as `(term id, weight)`, sorted by term id, length 1.
type Vector = Vec<(u32, f32)>;

/// Every paper's vector. A term is known by a 64-bit hash of its text (no
/// string is kept); term ids are given in order of first appearance over
/// the papers in order, so they are the same on every run.
fn vectors(papers: &[Paper]) -> Vec<Vector> {
    let counted: Vec<Vec<(u64, f32)>> = papers
        .par_iter()
        .map_init(String::new, |buf, p| term_counts(p, buf))
        .collect();
    let mut ids: HashMap<u64, u32, BuildHasherDefault<Mixed>> = HashMap::default();
    let mut df: Vec<u32> = Vec::new();
    let raw: Vec<Vec<(u32, f32)>> = counted
        .iter()
        .map(|terms| {
            (terms.iter())
                .map(|&(hash, tf)| {
                    let id = *ids.entry(hash).or_insert_with(|| {
                        df.push(0);
                        (df.len() - 1) as u32
                    });
                    df[id as usize] += 1;
                    (id, tf)
                })
                .collect()
        })
        .collect();
    drop(counted);
    let n = papers.len() as f32;
    raw.into_par_iter()
        .map(|mut doc: Vec<(u32, f32)>| {
            for (id, w) in &mut doc {
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

/// A paper's terms as `(hash of the term, weighted count)`, sorted by hash.
/// `buf` is a reused scratch string.
fn term_counts(paper: &Paper, buf: &mut String) -> Vec<(u64, f32)> {
    let mut terms: Vec<(u64, f32)> = Vec::with_capacity(256);
    for (text, weight) in [(&paper.title, TITLE_WEIGHT), (&paper.abstract_, 1.0)] {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if term(word, buf) {
                terms.push((fingerprint::hash(buf.as_bytes()), weight));
            }
        }
    }
    for tag in &paper.tags {
        let slug = urls::tag_slug(tag);
        if !slug.is_empty() {
            buf.clear();
            buf.push('#');
            buf.push_str(&slug);
            terms.push((fingerprint::hash(buf.as_bytes()), TAG_WEIGHT));
        }
    }
    terms.sort_unstable_by_key(|&(hash, _)| hash);
    let mut merged: Vec<(u64, f32)> = Vec::with_capacity(terms.len());
    for (hash, weight) in terms {
        match merged.last_mut() {
            Some(last) if last.0 == hash => last.1 += weight,
            _ => merged.push((hash, weight)),
        }
    }
    merged
}

/// Whether `word` carries meaning, and if so its term in `buf`: lowercase,
/// a plural ending dropped; no stop words, no bare numbers, nothing
/// shorter than 2 characters.
fn term(word: &str, buf: &mut String) -> bool {
    if word.chars().nth(1).is_none() || word.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    buf.clear();
    if word.is_ascii() {
        buf.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        buf.extend(word.chars().flat_map(char::to_lowercase));
    }
    if is_stop_word(buf) {
        return false;
    }
    singular(buf);
    !is_stop_word(buf)
}

/// The words of `text` as terms (what [`term_counts`] hashes), for tests.
#[cfg(test)]
fn words(text: &str) -> Vec<String> {
    let mut buf = String::new();
    let mut out = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if term(word, &mut buf) {
            out.push(buf.clone());
        }
    }
    out
}

/// One hash and one comparison per word: a binary search over the list
/// (a dozen string comparisons) was a fifth of the time at 10,000 papers.
fn is_stop_word(word: &str) -> bool {
    static SET: LazyLock<HashSet<&str, BuildHasherDefault<Mixed>>> =
        LazyLock::new(|| STOP_WORDS.iter().copied().collect());
    SET.contains(word)
}

/// `models` → `model`, `policies` → `policy`; `loss`, `corpus`, `analysis` stay.
fn singular(word: &mut String) {
    if word.len() > 4 && word.ends_with("ies") {
        word.truncate(word.len() - 3);
        word.push('y');
    } else if word.len() > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        word.pop();
    }
}

/// A hasher for keys that are hashes already: one multiply spreads them.
#[derive(Default)]
struct Mixed(u64);

impl Hasher for Mixed {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Term → the papers it weighs most in, heaviest first.
struct Index {
    postings: Vec<Vec<(u32, f32)>>,
}

impl Index {
    fn new(vectors: &[Vector]) -> Index {
        let mut df: Vec<u32> = Vec::new();
        for vector in vectors {
            for &(id, _) in vector {
                let id = id as usize;
                if id >= df.len() {
                    df.resize(id + 1, 0);
                }
                df[id] += 1;
            }
        }
        // A term of one paper relates it to nothing: no list.
        let mut postings: Vec<Vec<(u32, f32)>> = (df.iter())
            .map(|&n| Vec::with_capacity(if n < 2 { 0 } else { n as usize }))
            .collect();
        for (doc, vector) in vectors.iter().enumerate() {
            for &(id, w) in vector {
                if df[id as usize] >= 2 {
                    postings[id as usize].push((doc as u32, w));
                }
            }
        }
        postings.par_iter_mut().for_each(|list| {
            if list.len() > POSTINGS {
                let heavier =
                    |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
                list.select_nth_unstable_by(POSTINGS - 1, heavier);
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
        // Which terms are looked up matters, not their order: the sum
        // below runs in term-id order (the query's), whatever is kept.
        if heaviest.len() > QUERY_TERMS {
            heaviest.select_nth_unstable_by(QUERY_TERMS - 1, |a, b| {
                b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
            });
            heaviest.truncate(QUERY_TERMS);
            heaviest.sort_unstable_by_key(|&&(id, _)| id);
        }
        // The hot loop: locals, no self test (the paper itself is dropped
        // below), so the scores stay in registers.
        let (score, touched) = (&mut s.score[..], &mut s.touched);
        for &&(id, wq) in &heaviest {
            for &(other, wd) in &self.postings[id as usize] {
                let slot = &mut score[other as usize];
                if *slot == 0.0 {
                    touched.push(other);
                }
                *slot += wq * wd;
            }
        }
        let mut candidates: Vec<(f32, u32)> = (touched.iter())
            .filter(|&&d| d as usize != doc)
            .map(|&d| (score[d as usize], d))
            .collect();
        for &d in touched.iter() {
            score[d as usize] = 0.0;
        }
        touched.clear();
        let keep = (count * 4).max(20);
        if candidates.len() > keep {
            candidates.select_nth_unstable_by(keep - 1, best_first);
            candidates.truncate(keep);
        }
        // The partial scores chose the candidates; the exact cosine ranks
        // them, against the query spread out by term id (a lookup per term,
        // not a branchy merge of two sorted lists).
        for &(id, w) in query {
            s.query[id as usize] = w;
        }
        let mut ranked: Vec<(f32, u32)> = candidates
            .into_iter()
            .map(|(_, d)| (cosine(&s.query, &vectors[d as usize]), d))
            .filter(|&(score, _)| score >= MIN_SCORE)
            .collect();
        for &(id, _) in query {
            s.query[id as usize] = 0.0;
        }
        ranked.sort_unstable_by(best_first);
        ranked.truncate(count);
        ranked.into_iter().map(|(_, d)| d as usize).collect()
    }
}

/// Higher score first; ties to the paper first in slug order.
fn best_first(a: &(f32, u32), b: &(f32, u32)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The dot product of a unit vector spread out by term id (zero where it
/// has no weight) and one sorted by term id: the same sum, in the same
/// order, as merging the two sorted lists.
fn cosine(query: &[f32], b: &Vector) -> f32 {
    b.iter()
        .fold(0.0, |sum, &(id, w)| sum + query[id as usize] * w)
}

/// A thread's score accumulator, cleared after each paper.
struct Scratch {
    score: Vec<f32>,
    touched: Vec<u32>,
    /// The query's weights by term id, zero elsewhere.
    query: Vec<f32>,
}

impl Scratch {
    fn new(papers: usize, terms: usize) -> Scratch {
        Scratch {
            score: vec![0.0; papers],
            touched: Vec::new(),
            query: vec![0.0; terms],
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
            key: None,
            title: title.into(),
            arxiv: None,
            date: None,
            authors: None,
            organization: None,
            upvotes: 0,
            tags: tags.iter().map(std::string::ToString::to_string).collect(),
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
        let words = words("We propose the Models and policies of a corpus, 2025 loss");
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
    fn the_stop_word_list_is_sorted_without_duplicates() {
        assert!(
            STOP_WORDS.windows(2).all(|w| w[0] < w[1]),
            "sort STOP_WORDS"
        );
    }
}
