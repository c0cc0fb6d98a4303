//! `/`, `/page/N/`: the latest papers, newest first.

use serde_json::{Map, json};

use super::listing::{Page, Pager};
use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};
use crate::site::urls;

#[derive(Hash)]
struct Latest<'s>(Page<'s>);

pub fn jobs<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let latest = &inputs.site.index.latest;
    for (url, page) in Pager::new(inputs).pages(urls::latest(), latest, true) {
        out.page(url, Latest(page));
    }
}

impl Render for Latest<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let mut own = Map::new();
        own.insert("feed_url".into(), json!(env.url(urls::feed())));
        self.0
            .render(env, url, "index.html", "latest", "Latest papers", own)
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn the_home_page_shows_the_newest_papers_a_page_at_a_time() {
        let out = build(&sample(), "https://example.org/");
        let home = text(&out, "index.html");
        let (a, g) = (
            home.find("Alpha model").unwrap(),
            home.find("Gamma rays").unwrap(),
        );
        assert!(a < g);
        assert!(!home.contains("Beta method"), "page 1 holds 2 papers");
        assert!(home.contains("href=\"/page/2/\""));
        assert!(text(&out, "page/2/index.html").contains("Beta method"));
    }
}
