//! `/papers.json` and its chunks: every paper's facts, machine-readable.
//! `papers.json` is a small index naming one chunk per month of the
//! papers' dates (`papers/2025-04.json`, and `papers/undated.json`), so a
//! consumer fetches only the months it needs and no file grows with the
//! whole archive. A chunk holds its papers in slug order, one JSON object
//! per line inside the array (diffable, still one JSON document). Each
//! paper's line ([`record`]) is made once per change of the paper where
//! the render keeps it (`serve`), else as it is written; a chunk is
//! written line by line, never whole in memory, into a folder (a month
//! can hold most of a site). The format: docs/output.md.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, PaperRef, Render, RenderStream};
use crate::render::json;
use crate::site::{Paper, urls};

/// The format's version, in the index: 2 since the chunks (1 was one array).
const VERSION: u32 = 2;

/// A paper's facts. Left out rather than written as `null` or `[]`:
/// fields with no value, and the page's URL (the index's `paper_url`
/// with the slug in it).
#[derive(Serialize)]
struct Facts<'a> {
    slug: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authors: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<&'a str>,
    upvotes: u32,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    links: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    digests: &'a [String],
    #[serde(rename = "abstract")]
    abstract_: &'a str,
}

/// One paper's line: JSON, markup-safe.
pub fn record(p: &Paper) -> Box<[u8]> {
    json::record(&Facts {
        slug: &p.slug,
        title: &p.title,
        date: p.date.map(|d| d.to_string()),
        authors: p.authors,
        organization: p.organization.as_deref(),
        upvotes: p.upvotes,
        tags: &p.tags,
        code: p.code.as_deref(),
        links: &p.links,
        digests: &p.digests,
        abstract_: &p.abstract_,
    })
}

/// A chunk's month (year, month), or `None` for the undated papers.
type Month = Option<(i32, u32)>;

/// The index: the chunks, each with its month and size.
#[derive(Hash)]
struct Index {
    total: usize,
    /// (month, papers), oldest first, the undated chunk last.
    chunks: Vec<(Month, usize)>,
}

/// One chunk: its papers in slug order.
#[derive(Hash)]
struct Chunk<'s> {
    papers: Vec<PaperRef<'s>>,
}

pub fn jobs<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let index = &inputs.site.index;
    let mut months: Vec<(Month, Vec<usize>)> = (index.by_month.iter())
        .map(|(&month, papers)| (Some(month), papers.clone()))
        .collect();
    if !index.undated.is_empty() {
        months.push((None, index.undated.clone()));
    }
    let mut chunks = Vec::with_capacity(months.len());
    for (month, mut positions) in months {
        // Positions in `site.papers` are slug order.
        positions.sort_unstable();
        chunks.push((month, positions.len()));
        let papers = inputs.papers(&positions);
        out.stream(urls::papers_chunk(month), Chunk { papers });
    }
    let total = inputs.all_papers().len();
    out.file(urls::papers_json(), Index { total, chunks });
}

#[derive(Serialize)]
struct IndexJson {
    version: u32,
    count: usize,
    /// A paper's page: replace `{slug}` with its slug.
    paper_url: String,
    chunks: Vec<ChunkJson>,
}

#[derive(Serialize)]
struct ChunkJson {
    /// `YYYY-MM`, or null for the undated papers.
    month: Option<String>,
    url: String,
    count: usize,
}

impl Render for Index {
    fn render(&self, env: &Env, _url: &str) -> Result<Bytes, Diagnostic> {
        let base = env.globals();
        let index = IndexJson {
            version: VERSION,
            count: self.total,
            paper_url: format!("{}papers/{{slug}}/", base.base_url),
            chunks: (self.chunks.iter())
                .map(|&(month, count)| ChunkJson {
                    month: month.map(|(y, m)| format!("{y:04}-{m:02}")),
                    url: base.abs(&urls::papers_chunk(month)),
                    count,
                })
                .collect(),
        };
        let mut bytes = serde_json::to_vec_pretty(&index).expect("plain records serialise");
        bytes.push(b'\n');
        Ok(Bytes::from(bytes))
    }
}

impl RenderStream for Chunk<'_> {
    fn write(&self, env: &Env, _url: &str, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"[\n")?;
        for (i, &p) in self.papers.iter().enumerate() {
            if i > 0 {
                out.write_all(b",\n")?;
            }
            out.write_all(&env.facts_json(p))?;
        }
        out.write_all(b"\n]\n")
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    /// What a consumer does: read the index, fetch every chunk it names.
    fn all_papers(out: &crate::output::Output) -> Vec<serde_json::Value> {
        let index: serde_json::Value = serde_json::from_str(text(out, "papers.json")).unwrap();
        assert_eq!(index["version"], 2);
        let mut papers = Vec::new();
        for chunk in index["chunks"].as_array().unwrap() {
            let url = chunk["url"].as_str().unwrap();
            let path = url.strip_prefix("https://example.org/").unwrap();
            let lines = text(out, path);
            assert_eq!(
                lines.lines().count(),
                chunk["count"].as_u64().unwrap() as usize + 2,
                "one paper a line: {lines}"
            );
            let some: Vec<serde_json::Value> = serde_json::from_str(lines).unwrap();
            papers.extend(some);
        }
        assert_eq!(papers.len() as u64, index["count"].as_u64().unwrap());
        papers
    }

    #[test]
    fn papers_json_names_a_chunk_per_month_that_together_hold_every_paper() {
        let out = build(&sample(), "https://example.org/");
        let index: serde_json::Value = serde_json::from_str(text(&out, "papers.json")).unwrap();
        let months: Vec<Option<&str>> = (index["chunks"].as_array().unwrap().iter())
            .map(|c| c["month"].as_str())
            .collect();
        assert_eq!(months, [Some("2025-03"), Some("2025-04"), None]);
        assert_eq!(
            index["paper_url"], "https://example.org/papers/{slug}/",
            "{index}"
        );
        let papers = all_papers(&out);
        let slugs: Vec<&str> = papers.iter().map(|p| p["slug"].as_str().unwrap()).collect();
        assert_eq!(
            slugs,
            ["beta", "alpha", "gamma", "delta"],
            "months, then slugs"
        );
        assert_eq!(
            papers[1]["abstract"],
            "Abstract of Alpha model. It has several sentences about the method."
        );
        // Nothing derivable or empty is written: the URL, absent facts.
        assert!(papers.iter().all(|p| p.get("url").is_none()));
        let delta = &papers[3];
        assert!(delta.get("date").is_none() && delta.get("organization").is_none());
        assert_eq!(delta["upvotes"], papers[3]["upvotes"]);

        let empty = build(&site_of(vec![], vec![]), "https://example.org/");
        let index: serde_json::Value = serde_json::from_str(text(&empty, "papers.json")).unwrap();
        assert_eq!(index["count"], 0);
        assert_eq!(index["chunks"], serde_json::json!([]));
    }
}
