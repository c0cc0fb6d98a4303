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

/// What the manifest says besides the documents.
pub struct Meta<'a> {
    /// How many documents are papers (the rest are free pages).
    pub papers: usize,
    /// `(year, first id, id past the last)`, newest year first.
    pub years: Vec<(i32, usize, usize)>,
    /// `(name, slug, papers)` of every tag, by name.
    pub tags: Vec<(&'a str, String, usize)>,
    /// `(name, slug, papers)` of every organization, most papers first.
    pub orgs: Vec<(&'a str, String, usize)>,
}

/// Everything the index is built from, at once (see [`Builder`] to add
/// documents one by one).
pub struct Input<'a> {
    pub docs: Vec<DocIn<'a>>,
    pub meta: Meta<'a>,
}

/// A file of the index: its path under the search folder and its bytes.
pub type File = (String, Vec<u8>);

/// The manifest's name in the search folder; every other file is named
/// by its content.
pub const MANIFEST: &str = "index.json";

/// Builds every file of the index (paths relative to the search folder).
pub fn build(input: &Input) -> Vec<File> {
    let mut files = Vec::new();
    let mut builder = Builder::default();
    for d in &input.docs {
        builder.add(d.doc, d.record, &d.facets, d.upvotes, &mut |f| {
            files.push(f);
        });
    }
    builder.finish(&input.meta, &mut |f| files.push(f));
    files
}

/// Builds the index from one document at a time, in id order, handing
/// each file to `out` as soon as it is made: a document's words become
/// postings as it is added, and its record joins a record block that is
/// written once full. So the index never holds every document's words
/// at once (at 100,000 papers they took ~250 MiB besides the postings),
/// nor every file's bytes. The same bytes as [`build`] on the same
/// documents, which it is made of.
#[derive(Default)]
pub struct Builder {
    /// Each distinct word's postings: (document id, weighted frequency),
    /// in id order.
    words: FxHashMap<Box<str>, Vec<(u32, f32)>>,
    /// Each filter term's documents, in id order.
    facets: FxHashMap<String, Vec<(u32, u32)>>,
    /// Each document's length in words (BM25's), in id order.
    lens: Vec<u32>,
    upvotes: String,
    /// The record shard being filled, and the records in it.
    shard: Vec<u8>,
    in_shard: usize,
    /// The full shards of the block being filled.
    block: Vec<Vec<u8>>,
    /// The names of the blocks written, in order.
    blocks: Vec<String>,
}

impl Builder {
    /// Adds the next document (its id is the number added before it).
    pub fn add(
        &mut self,
        doc: &Doc,
        record: &[u8],
        facets: &[String],
        upvotes: u32,
        out: &mut dyn FnMut(File),
    ) {
        let id = self.lens.len() as u32;
        for (w, tf) in doc.words() {
            match self.words.get_mut(w) {
                Some(list) => list.push((id, tf)),
                None => {
                    self.words.insert(w.into(), vec![(id, tf)]);
                }
            }
        }
        for f in facets {
            match self.facets.get_mut(f.as_str()) {
                Some(list) => list.push((id, 0)),
                None => {
                    self.facets.insert(f.clone(), vec![(id, 0)]);
                }
            }
        }
        self.lens.push(doc.len);
        encode::number(&mut self.upvotes, u64::from(upvotes));
        self.shard
            .push(if self.in_shard == 0 { b'[' } else { b',' });
        self.shard.extend_from_slice(record);
        self.in_shard += 1;
        if self.in_shard == RECORDS_PER_SHARD {
            self.end_shard(out);
        }
    }

    /// Closes the record shard being filled; writes the block once full.
    fn end_shard(&mut self, out: &mut dyn FnMut(File)) {
        self.shard.push(b']');
        self.in_shard = 0;
        self.block.push(std::mem::take(&mut self.shard));
        if self.block.len() == SHARDS_PER_BLOCK {
            self.end_block(out);
        }
    }

    /// Writes the block's shards in a folder named by their bytes.
    fn end_block(&mut self, out: &mut dyn FnMut(File)) {
        let mut all = Vec::new();
        for shard in &self.block {
            all.extend_from_slice(&(shard.len() as u64).to_le_bytes());
            all.extend_from_slice(shard);
        }
        let name = encode::content_name(&all);
        for (i, shard) in self.block.drain(..).enumerate() {
            out((format!("r/{name}/{i}.json"), shard));
        }
        self.blocks.push(name);
    }

    /// Writes the rest: the last record block, the term shards, the
    /// upvotes and organizations files and, last, the manifest.
    pub fn finish(mut self, meta: &Meta, out: &mut dyn FnMut(File)) {
        if self.in_shard > 0 {
            self.end_shard(out);
        }
        if !self.block.is_empty() {
            self.end_block(out);
        }
        let docs = self.lens.len();
        let blocks = std::mem::take(&mut self.blocks);
        let upvotes = std::mem::take(&mut self.upvotes);
        let terms = term_shards(self, out);

        let upvotes = shard(out, "u", json::record(&upvotes).into_vec());
        let orgs: Vec<_> = meta.orgs.iter().map(|(n, s, c)| json!([n, s, c])).collect();
        let orgs = shard(out, "o", json::record(&orgs).into_vec());

        let manifest = json!({
            "format": FORMAT,
            "docs": docs,
            "papers": meta.papers,
            "terms": terms,
            "records": { "per": RECORDS_PER_SHARD, "per_block": SHARDS_PER_BLOCK, "blocks": blocks },
            "upvotes": upvotes,
            "orgs": orgs,
            "years": meta.years.iter().map(|(y, a, b)| json!([y, a, b])).collect::<Vec<_>>(),
            "tags": meta.tags.iter().map(|(n, s, c)| json!([n, s, c])).collect::<Vec<_>>(),
            "levels": LEVELS,
        });
        let mut bytes = json::record(&manifest).into_vec();
        bytes.push(b'\n');
        out((MANIFEST.to_string(), bytes));
    }
}

/// Hands `bytes` to `out` as `<kind>/<content name>.json`; returns the name.
fn shard(out: &mut dyn FnMut(File), kind: &str, bytes: Vec<u8>) -> String {
    let name = encode::content_name(&bytes);
    out((format!("{kind}/{name}.json"), bytes));
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

/// The term shards, from the builder's postings; returns `[first key,
/// name]` of each, in key order.
fn term_shards(built: Builder, out: &mut dyn FnMut(File)) -> Vec<(String, String)> {
    let Builder {
        words,
        facets,
        lens,
        ..
    } = built;
    // Words → terms (stems); each distinct word is stemmed once.
    let distinct: Vec<&str> = words.keys().map(|w| &**w).collect();
    let stems: Vec<String> = (distinct.par_iter())
        .map(|w| tokenise::term(w).into_owned())
        .collect();
    let mut by_term: FxHashMap<String, Vec<&str>> = FxHashMap::default();
    for (w, term) in distinct.into_iter().zip(stems) {
        by_term.entry(term).or_default().push(w);
    }
    let n = lens.len().max(1) as f32;
    let avg_len = lens.iter().map(|&l| l as f32).sum::<f32>() / n;
    let lens: Vec<f32> = lens.iter().map(|&l| l as f32).collect();

    let by_term: Vec<(String, Vec<&str>)> = by_term.into_iter().collect();
    let mut entries: Vec<(String, Entry)> = (by_term.into_par_iter())
        .flat_map_iter(|(term, mut surfaces)| {
            surfaces.sort_unstable();
            let list: Vec<(u32, f32)> = if surfaces.len() == 1 {
                words[surfaces[0]].clone()
            } else {
                let mut all: Vec<(u32, f32)> =
                    surfaces.iter().flat_map(|w| &words[*w]).copied().collect();
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
    // The postings are encoded: the lists go before the shards are made.
    drop(words);
    // Filter terms: ids only, weight level 0.
    for (f, mut list) in facets {
        list.dedup();
        entries.push((f, Entry::Term(0, encode::postings(&list))));
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
    let mut named = Vec::with_capacity(shards.len());
    for (&(start, _), (name, bytes)) in cuts.iter().zip(shards) {
        // The first shard starts at the lowest key, so every key has one.
        let first = if start == 0 {
            String::new()
        } else {
            entries[start].0.clone()
        };
        out((format!("t/{name}.json"), bytes));
        named.push((first, name));
    }
    named
}

#[cfg(test)]
mod tests;
