//! `/top/`, `/top/page/N/`: the papers by upvotes.

use serde_json::Map;

use super::listing::{Page, Pager};
use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};
use crate::site::urls;

#[derive(Hash)]
struct Top<'s>(Page<'s>);

pub fn jobs<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let top = &inputs.site.index.top;
    for (url, page) in Pager::new(inputs).pages(urls::top(), top, true) {
        out.page(url, Top(page));
    }
}

impl Render for Top<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        self.0
            .render(env, url, "list.html", "top", "Top papers", Map::new())
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn top_papers_come_most_upvoted_first() {
        let out = build(&sample(), "https://example.org/");
        let top = text(&out, "top/index.html");
        assert!(top.find("Beta method").unwrap() < top.find("Gamma rays").unwrap());
        assert!(!top.contains("Alpha model"), "page 1 holds 2 papers");
    }
}
