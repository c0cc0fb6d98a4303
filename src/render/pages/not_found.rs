//! `/404.html`: what static hosts show for a URL with no page.

use serde_json::{Map, json};

use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};
use crate::site::urls;

#[derive(Hash)]
struct NotFound;

pub fn jobs<'s>(_: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    out.file(urls::not_found(), NotFound);
}

impl Render for NotFound {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let mut own = Map::new();
        own.insert("title".into(), json!("Page not found"));
        // Served at any missing URL: it is no page's canonical version.
        own.insert("canonical".into(), serde_json::Value::Null);
        env.page("404.html", url, own)
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn the_not_found_page_links_home_and_is_not_in_the_sitemap() {
        let out = build(&sample(), "https://example.org/");
        let page = text(&out, "404.html");
        assert!(page.contains("Page not found"), "{page}");
        assert!(!page.contains("rel=\"canonical\""), "{page}");
        assert!(!text(&out, "sitemap.xml").contains("404"));
    }
}
