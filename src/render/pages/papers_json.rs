//! `/papers.json`: every paper's facts, machine-readable, in slug order,
//! one JSON object per line inside the array (diffable, still one JSON
//! document). Each paper's line ([`record`]) is made once per change of
//! the paper where the render keeps it (`serve`), else as it is written;
//! the file is written line by line, never whole in memory, into a folder.

use serde::Serialize;

use std::io::{self, Write};

use crate::render::context::Globals;
use crate::render::engine::{Env, Inputs, Jobs, PaperRef, RenderStream};
use crate::render::json;
use crate::site::{Paper, urls};

#[derive(Serialize)]
struct Facts<'a> {
    slug: &'a str,
    url: String,
    title: &'a str,
    date: Option<String>,
    authors: Option<u32>,
    organization: Option<&'a str>,
    upvotes: u32,
    tags: &'a [String],
    code: Option<&'a str>,
    links: &'a [String],
    digests: &'a [String],
    #[serde(rename = "abstract")]
    abstract_: &'a str,
}

/// One paper's line: JSON, markup-safe.
pub fn record(globals: &Globals, p: &Paper) -> Box<[u8]> {
    json::record(&Facts {
        slug: &p.slug,
        url: globals.abs(&urls::paper(&p.slug)),
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

#[derive(Hash)]
struct PapersJson<'s> {
    papers: &'s [PaperRef<'s>],
}

pub fn jobs<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let papers = inputs.all_papers();
    out.stream(urls::papers_json(), PapersJson { papers });
}

impl RenderStream for PapersJson<'_> {
    fn write(&self, env: &Env, _url: &str, out: &mut dyn Write) -> io::Result<()> {
        if self.papers.is_empty() {
            return out.write_all(b"[\n]\n");
        }
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

    #[test]
    fn papers_json_holds_every_paper_in_slug_order_one_per_line() {
        let out = build(&sample(), "https://example.org/");
        let lines = text(&out, "papers.json");
        assert_eq!(lines.lines().count(), 4 + 2, "{lines}");
        let json: Vec<serde_json::Value> = serde_json::from_str(lines).unwrap();
        let slugs: Vec<&str> = json.iter().map(|p| p["slug"].as_str().unwrap()).collect();
        assert_eq!(slugs, ["alpha", "beta", "delta", "gamma"]);
        assert_eq!(json[0]["url"], "https://example.org/papers/alpha/");
        assert_eq!(
            json[0]["abstract"],
            "Abstract of Alpha model. It has several sentences about the method."
        );
        let empty = build(&site_of(vec![], vec![]), "https://example.org/");
        assert_eq!(text(&empty, "papers.json"), "[\n]\n");
    }
}
