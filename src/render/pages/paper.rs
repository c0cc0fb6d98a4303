//! `/papers/<slug>/`: one page per paper, with its neighbours in `latest`
//! order as previous and next.

use serde_json::{Map, Value, json};

use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, PaperRef, Render};
use crate::site::urls;

#[derive(Hash)]
struct PaperPage<'s> {
    paper: PaperRef<'s>,
    previous: Option<PaperRef<'s>>,
    next: Option<PaperRef<'s>>,
}

pub fn jobs<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let latest = inputs.papers(&inputs.site.index.latest);
    for (pos, &paper) in latest.iter().enumerate() {
        let job = PaperPage {
            paper,
            previous: pos.checked_sub(1).map(|p| latest[p]),
            next: latest.get(pos + 1).copied(),
        };
        out.page(urls::paper(&paper.paper.slug), job);
    }
}

impl Render for PaperPage<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let summary = |p: Option<PaperRef>| p.map_or(Value::Null, |p| env.data(p).summary.clone());
        let mut own = Map::new();
        own.insert("title".into(), json!(self.paper.paper.title));
        own.insert("paper".into(), env.data(self.paper).full.clone());
        own.insert("previous".into(), summary(self.previous));
        own.insert("next".into(), summary(self.next));
        env.page("paper.html", url, own)
    }

    fn source(&self) -> Option<String> {
        Some(self.paper.paper.source.display().to_string())
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
        assert!(page.contains("000_a.txt"), "digests listed");
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
