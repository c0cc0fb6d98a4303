//! Builds the search index's files from every document's words: the term
//! shards, the record shards (in content-named blocks), the upvotes and
//! organizations files, and the manifest that names them all. The format
//! is described in docs/search.md; `static/search/query.mjs` reads it.

use std::collections::hash_map::Entry as Slot;

use rustc_hash::FxHashMap;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::encode::{self, LEVELS};
use super::tokenise;
use crate::render::json;

/// Field weights: a word in the title counts four times a word in the
/// abstract (BM25F's weighted term frequency).
pub const TITLE: f32 = 4.0;
pub const TAGS: f32 = 3.0;
pub const ORGANIZATION: f32 = 2.0;
pub const BODY: f32 = 1.0;

/// BM25's term-frequency saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// Records per record shard: the 20 results a page shows touch at most 20
/// small files, whatever the site's size.
pub const RECORDS_PER_SHARD: usize = 4;
/// Record shards per block: a block's shards sit in a folder named by the
/// hash of the block's bytes (`r/<block hash>/<n>.json`), so the manifest
/// names 64 shards with one hash and a result needs no lookup in between.
pub const SHARDS_PER_BLOCK: usize = 64;
/// A term shard is cut before it grows past this many bytes (a single
/// term's postings may be bigger, and then make a shard of their own).
pub const TERM_SHARD_BYTES: usize = 12 * 1024;
/// The manifest format; the reader refuses another.
pub const FORMAT: u32 = 1;

/// One document's words, folded and not yet stemmed, each with its
/// field-weighted frequency; made once per change of the paper.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    /// The distinct words, one after another (one allocation per document,
    /// not one per word).
    text: Box<str>,
    /// Each distinct word's end in `text` and its frequency, in order of
    /// first appearance.
    words: Box<[(u32, f32)]>,
    /// Words in the document (BM25's document length).
    len: u32,
}

impl Doc {
    /// The words of each `(text, weight)` field.
    pub fn new(fields: &[(&str, f32)]) -> Doc {
        let folded: Vec<_> = fields.iter().map(|(t, _)| tokenise::fold(t)).collect();
        let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
        let mut counts: Vec<(&str, f32)> = Vec::new();
        let mut len = 0u32;
        for (text, &(_, weight)) in folded.iter().zip(fields) {
            tokenise::each_folded_word(text, |w| {
                len += 1;
                match seen.entry(w) {
                    Slot::Occupied(e) => counts[*e.get()].1 += weight,
                    Slot::Vacant(e) => {
                        e.insert(counts.len());
                        counts.push((w, weight));
                    }
                }
            });
        }
        let mut text = String::with_capacity(counts.iter().map(|(w, _)| w.len()).sum());
        let words = (counts.iter())
            .map(|&(w, tf)| {
                text.push_str(w);
                (text.len() as u32, tf)
            })
            .collect();
        Doc {
            text: text.into(),
            words,
            len,
        }
    }

    /// Each distinct word with its frequency.
    pub fn words(&self) -> impl Iterator<Item = (&str, f32)> {
        let mut start = 0;
        self.words.iter().map(move |&(end, tf)| {
            let w = &self.text[start..end as usize];
            start = end as usize;
            (w, tf)
        })
    }
}

/// What a result shows: `[title, site path, date, organization, upvotes,
/// [tags], excerpt]`, made once per change of the paper.
#[derive(Serialize)]
pub struct Record<'a>(
    pub &'a str,
    pub &'a str,
    pub Option<String>,
    pub Option<&'a str>,
    pub u32,
    pub &'a [String],
    pub &'a str,
);

impl Record<'_> {
    pub fn to_json(&self) -> Box<[u8]> {
        json::record(self)
    }
}

/// One document in id order (ids are positions: newest paper first,
/// undated papers, then free pages).
pub struct DocIn<'a> {
    pub doc: &'a Doc,
    pub record: &'a [u8],
    /// Filter terms: `#<tag slug>` for each tag, `@<organization slug>`.
    pub facets: Vec<String>,
    pub upvotes: u32,
}

/// Everything the index is built from.
pub struct Input<'a> {
    pub docs: Vec<DocIn<'a>>,
    /// How many of `docs` are papers (the rest are free pages).
    pub papers: usize,
    /// `(year, first id, id past the last)`, newest year first.
    pub years: Vec<(i32, usize, usize)>,
    /// `(name, slug, papers)` of every tag, by name.
    pub tags: Vec<(&'a str, String, usize)>,
    /// `(name, slug, papers)` of every organization, most papers first.
    pub orgs: Vec<(&'a str, String, usize)>,
}

/// A file of the index: its path under the search folder and its bytes.
pub type File = (String, Vec<u8>);

/// The manifest's name in the search folder; every other file is named
/// by its content.
pub const MANIFEST: &str = "index.json";

/// Builds every file of the index (paths relative to the search folder).
pub fn build(input: &Input) -> Vec<File> {
    let mut files = Vec::new();
    let terms = term_shards(input, &mut files);
    let blocks = record_shards(input, &mut files);

    let mut upvotes = String::with_capacity(input.docs.len() * 2);
    for d in &input.docs {
        encode::number(&mut upvotes, u64::from(d.upvotes));
    }
    let upvotes = shard(&mut files, "u", json::record(&upvotes).into_vec());
    let orgs: Vec<_> = input
        .orgs
        .iter()
        .map(|(n, s, c)| json!([n, s, c]))
        .collect();
    let orgs = shard(&mut files, "o", json::record(&orgs).into_vec());

    let manifest = json!({
        "format": FORMAT,
        "docs": input.docs.len(),
        "papers": input.papers,
        "terms": terms,
        "records": { "per": RECORDS_PER_SHARD, "per_block": SHARDS_PER_BLOCK, "blocks": blocks },
        "upvotes": upvotes,
        "orgs": orgs,
        "years": input.years.iter().map(|(y, a, b)| json!([y, a, b])).collect::<Vec<_>>(),
        "tags": input.tags.iter().map(|(n, s, c)| json!([n, s, c])).collect::<Vec<_>>(),
        "levels": LEVELS,
    });
    let mut bytes = json::record(&manifest).into_vec();
    bytes.push(b'\n');
    files.push((MANIFEST.to_string(), bytes));
    files
}

/// Adds `bytes` as `<kind>/<content name>.json`; returns the name.
fn shard(files: &mut Vec<File>, kind: &str, bytes: Vec<u8>) -> String {
    let name = encode::content_name(&bytes);
    files.push((format!("{kind}/{name}.json"), bytes));
    name
}

/// One entry of a term shard, in key order.
enum Entry {
    /// A term: its idf (×100, rounded) and its postings.
    Term(u32, String),
    /// A word whose term differs from it, for prefix search (`quantization`
    /// → `quantiz`).
    Word(String),
}

/// A term shard's JSON: `{"t": [[term, idf×100, postings], ...], "w":
/// [[word, term], ...]}`.
#[derive(Serialize)]
struct TermShard<'a> {
    t: Vec<(&'a str, u32, &'a str)>,
    w: Vec<(&'a str, &'a str)>,
}

/// The term shards; returns `[first key, name]` of each, in key order.
fn term_shards(input: &Input, files: &mut Vec<File>) -> Vec<(String, String)> {
    // Postings per word, documents in id order.
    let mut words: FxHashMap<&str, Vec<(u32, f32)>> = FxHashMap::default();
    for (id, d) in input.docs.iter().enumerate() {
        for (w, tf) in d.doc.words() {
            words.entry(w).or_default().push((id as u32, tf));
        }
    }
    // Words → terms (stems); each distinct word is stemmed once.
    let distinct: Vec<&str> = words.keys().copied().collect();
    let stems: Vec<String> = (distinct.par_iter())
        .map(|w| tokenise::term(w).into_owned())
        .collect();
    let mut by_term: FxHashMap<String, Vec<&str>> = FxHashMap::default();
    for (w, term) in distinct.into_iter().zip(stems) {
        by_term.entry(term).or_default().push(w);
    }
    let n = input.docs.len().max(1) as f32;
    let avg_len = input.docs.iter().map(|d| d.doc.len as f32).sum::<f32>() / n;
    let lens: Vec<f32> = input.docs.iter().map(|d| d.doc.len as f32).collect();

    let by_term: Vec<(String, Vec<&str>)> = by_term.into_iter().collect();
    let mut entries: Vec<(String, Entry)> = (by_term.into_par_iter())
        .flat_map_iter(|(term, mut surfaces)| {
            surfaces.sort_unstable();
            let list: Vec<(u32, f32)> = if surfaces.len() == 1 {
                words[surfaces[0]].clone()
            } else {
                let mut all: Vec<(u32, f32)> =
                    surfaces.iter().flat_map(|w| &words[w]).copied().collect();
                all.sort_by_key(|p| p.0);
                all.dedup_by(|b, a| {
                    let same = a.0 == b.0;
                    if same {
                        a.1 += b.1;
                    }
                    same
                });
                all
            };
            let df = list.len() as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let levelled: Vec<(u32, u32)> = list
                .iter()
                .map(|&(id, tf)| {
                    let norm = K1 * (1.0 - B + B * lens[id as usize] / avg_len.max(1.0));
                    let saturated = tf / (tf + norm); // in [0, 1)
                    (id, (saturated * LEVELS as f32) as u32)
                })
                .collect();
            let mut out: Vec<(String, Entry)> = (surfaces.iter())
                .filter(|w| **w != term)
                .map(|w| (w.to_string(), Entry::Word(term.clone())))
                .collect();
            let postings = encode::postings(&levelled);
            out.push((term, Entry::Term((idf * 100.0).round() as u32, postings)));
            out
        })
        .collect();
    // Filter terms: ids only, weight level 0.
    let mut facets: FxHashMap<&str, Vec<(u32, u32)>> = FxHashMap::default();
    for (id, d) in input.docs.iter().enumerate() {
        for f in &d.facets {
            facets.entry(f).or_default().push((id as u32, 0));
        }
    }
    for (f, mut list) in facets {
        list.dedup();
        entries.push((f.to_string(), Entry::Term(0, encode::postings(&list))));
    }
    // Key order (code points: `str` order), terms before words of one key.
    entries.par_sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| matches!(a.1, Entry::Word(_)).cmp(&matches!(b.1, Entry::Word(_))))
    });

    // Where the shards are cut (sequential: each cut depends on the last).
    let mut cuts = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let mut end = start;
        let mut size = 0;
        while end < entries.len() {
            let cost = entries[end].0.len()
                + 8
                + match &entries[end].1 {
                    Entry::Term(_, p) => p.len() + 6,
                    Entry::Word(t) => t.len(),
                };
            // Cut only between keys, and only after one entry at least.
            if end > start && size + cost > TERM_SHARD_BYTES && entries[end].0 != entries[end - 1].0
            {
                break;
            }
            size += cost;
            end += 1;
        }
        cuts.push((start, end));
        start = end;
    }
    // Each shard's bytes and name, in parallel, kept in key order.
    let shards: Vec<(String, Vec<u8>)> = (cuts.par_iter())
        .map(|&(start, end)| {
            let chunk = &entries[start..end];
            let mut shard = TermShard {
                t: Vec::new(),
                w: Vec::new(),
            };
            for (key, e) in chunk {
                match e {
                    Entry::Term(idf, postings) => shard.t.push((key, *idf, postings)),
                    Entry::Word(term) => shard.w.push((key, term)),
                }
            }
            let bytes = json::record(&shard).into_vec();
            (encode::content_name(&bytes), bytes)
        })
        .collect();
    let mut out = Vec::with_capacity(shards.len());
    for (&(start, _), (name, bytes)) in cuts.iter().zip(shards) {
        // The first shard starts at the lowest key, so every key has one.
        let first = if start == 0 {
            String::new()
        } else {
            entries[start].0.clone()
        };
        files.push((format!("t/{name}.json"), bytes));
        out.push((first, name));
    }
    out
}

/// The record shards, a folder per block; returns the blocks' names in
/// order.
fn record_shards(input: &Input, files: &mut Vec<File>) -> Vec<String> {
    let shards: Vec<Vec<u8>> = (input.docs.chunks(RECORDS_PER_SHARD))
        .map(|chunk| json::join(chunk.iter().map(|d| d.record), b"[", b",", b"]"))
        .collect();
    let mut blocks = Vec::new();
    for block in shards.chunks(SHARDS_PER_BLOCK) {
        let mut all = Vec::new();
        for shard in block {
            all.extend_from_slice(&(shard.len() as u64).to_le_bytes());
            all.extend_from_slice(shard);
        }
        let name = encode::content_name(&all);
        for (i, shard) in block.iter().enumerate() {
            files.push((format!("r/{name}/{i}.json"), shard.clone()));
        }
        blocks.push(name);
    }
    blocks
}

#[cfg(test)]
mod tests;
