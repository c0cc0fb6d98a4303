//! `/papers/<slug>/`: one page per paper, with the listings it was in, the
//! papers most like it (`site::related`), and its neighbours in `latest`
//! order as previous and next.

use serde_json::{Map, Value, json};

use super::listings::Summary;
use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Noted, PaperRef, Render};
use crate::site::urls;

#[derive(Hash)]
struct PaperPage<'s> {
    /// The page shows its notes; the others' cards do not.
    paper: Noted<'s>,
    previous: Option<PaperRef<'s>>,
    next: Option<PaperRef<'s>>,
    /// The papers most like it, best first.
    related: Vec<PaperRef<'s>>,
    /// The listings it was in, newest first.
    listed: Vec<Summary<'s>>,
}

pub fn jobs<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let index = &inputs.site.index;
    let latest = inputs.papers(&index.latest);
    for (pos, &paper) in latest.iter().enumerate() {
        let at = index.latest[pos];
        let job = PaperPage {
            paper: paper.noted(),
            previous: pos.checked_sub(1).map(|p| latest[p]),
            next: latest.get(pos + 1).copied(),
            related: inputs.papers(&index.related[at]),
            listed: (index.listed_in[at].iter())
                .map(|&l| Summary::of(&index.listings[l]))
                .collect(),
        };
        out.page(urls::paper(&paper.paper.slug), job);
    }
}

impl Render for PaperPage<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let summary = |p: Option<PaperRef>| p.map_or(Value::Null, |p| env.summary_with_card(p));
        let mut own = Map::new();
        own.insert("title".into(), json!(self.paper.0.paper.title));
        own.insert("paper".into(), env.full(self.paper));
        own.insert("previous".into(), summary(self.previous));
        own.insert("next".into(), summary(self.next));
        let mine: Vec<String> = (self.paper.0.paper.tags.iter())
            .map(|t| urls::tag_slug(t))
            .collect();
        let related = (self.related.iter())
            .map(|&p| {
                let mut r = env.data(p).summary.value();
                if let Some(fields) = r.as_object_mut() {
                    let shared: Vec<Value> = (fields["tags"].as_array().into_iter().flatten())
                        .filter(|t| {
                            t["slug"]
                                .as_str()
                                .is_some_and(|s| mine.iter().any(|m| m == s))
                        })
                        .cloned()
                        .collect();
                    fields.insert("shared_tags".into(), Value::Array(shared));
                }
                r
            })
            .collect();
        own.insert("related".into(), Value::Array(related));
        let listed = self.listed.iter().map(|l| l.value(env)).collect();
        own.insert("listed".into(), Value::Array(listed));
        env.page("paper.html", url, own)
    }

    fn source(&self) -> Option<String> {
        Some(self.paper.0.paper.source.display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn paper_page_shows_facts_notes_and_neighbours() {
        let out = build(&sample(), "https://example.org/");
        let page = text(&out, "papers/gamma/index.html");
        assert!(page.contains("<h1>Gamma rays</h1>"));
        assert!(page.contains("Apr 28, 2025"));
        assert!(page.contains("3 authors"));
        assert!(page.contains("▲ 7"));
        assert!(page.contains("href=\"/tags/physics/\""));
        assert!(
            page.contains("<h3 id=\"why\">Why</h3>"),
            "notes rendered from Markdown"
        );
        assert!(
            page.contains("class=\"hl-"),
            "code highlighted with classes"
        );
        assert!(
            page.contains("href=\"/listings/2025-04-28/\""),
            "the listing it was in: {page}"
        );
        assert!(
            page.contains("href=\"https://github.com/x/gamma\""),
            "code link"
        );
        // latest order: alpha, gamma (Apr 28, by title), beta (Mar 2), delta (undated)
        assert!(
            page.contains("rel=\"prev\" href=\"/papers/alpha/\""),
            "{page}"
        );
        assert!(page.contains("rel=\"next\" href=\"/papers/beta/\""));
        let undated = text(&out, "papers/delta/index.html");
        assert!(undated.contains("undated"));
        assert!(
            !undated.contains("rel=\"next\""),
            "the last paper has no next"
        );
    }

    #[test]
    fn every_paper_page_has_a_related_section_with_shared_tags() {
        let mut site = sample();
        // Alpha and Beta share the `llm` tag and their words.
        site.papers[0].abstract_ = "Large language model reasoning with chain of thought.".into();
        site.papers[1].abstract_ =
            "Reasoning in large language models via chain of thought.".into();
        let site = site_of(site.papers, site.pages);
        let out = build(&site, "https://example.org/");
        for slug in ["alpha", "beta", "gamma", "delta"] {
            let page = text(&out, &format!("papers/{slug}/index.html"));
            assert!(page.contains("<section id=\"related\""), "{slug}: {page}");
        }
        let alpha = text(&out, "papers/alpha/index.html");
        let related = &alpha[alpha.find("id=\"related\"").unwrap()..];
        assert!(related.contains("href=\"/papers/beta/\""), "{related}");
        assert!(related.contains(">llm</a>"), "the shared tag: {related}");
        assert!(related.contains("Mar 2, 2025"), "its date: {related}");

        let mut off = site.clone();
        off.config.related.count = 0;
        let out = build(&reindexed(off), "https://example.org/");
        assert!(!text(&out, "papers/alpha/index.html").contains("id=\"related\""));
    }

    #[test]
    fn a_paper_links_out_to_arxiv_and_hugging_face() {
        let mut with_id = paper("x", "X marks", Some((2025, 1, 1)), 0, &[]);
        with_id.arxiv = Some("2510.12345".into());
        let without = paper("y", "Why & how", Some((2025, 1, 1)), 0, &[]);
        let out = build(
            &site_of(vec![with_id, without], vec![]),
            "https://example.org/",
        );
        let x = text(&out, "papers/x/index.html");
        assert!(
            x.contains("href=\"https://arxiv.org/abs/2510.12345\""),
            "{x}"
        );
        assert!(
            x.contains("href=\"https://huggingface.co/papers/2510.12345\""),
            "{x}"
        );
        let y = text(&out, "papers/y/index.html");
        assert!(
            y.contains("href=\"https://arxiv.org/search/?query=Why+%26+how&amp;searchtype=title\""),
            "{y}"
        );
        assert!(
            y.contains("href=\"https://huggingface.co/papers?q=Why+%26+how\""),
            "{y}"
        );
    }

    #[test]
    fn a_script_url_in_a_paper_is_not_a_link() {
        let mut p = paper("x", "X", Some((2025, 1, 1)), 0, &[]);
        p.code = Some("javascript:alert(1)".into());
        p.links = vec!["javascript:alert(2)".into()];
        let out = build(&site_of(vec![p], vec![]), "https://example.org/");
        for (path, bytes) in &out.files {
            if path.ends_with(".html") {
                assert!(
                    !String::from_utf8_lossy(bytes).contains("javascript:"),
                    "{path}"
                );
            }
        }
    }
}
