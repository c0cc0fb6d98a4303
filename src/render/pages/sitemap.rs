//! `/sitemap.xml`: the absolute URL of every page the other kinds made.

use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};
use crate::render::escape;
use crate::site::urls;

#[derive(Hash)]
struct Sitemap {
    /// Site paths of every page, in the order the kinds made them.
    pages: Vec<String>,
}

pub fn jobs<'s>(_: &'s Inputs<'s>, pages: &[String], out: &mut Jobs<'s>) {
    let pages = pages.to_vec();
    out.file(urls::sitemap(), Sitemap { pages });
}

impl Render for Sitemap {
    fn render(&self, env: &Env, _url: &str) -> Result<Bytes, Diagnostic> {
        let mut out = String::with_capacity(100 + self.pages.len() * 80);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for path in &self.pages {
            out.push_str("  <url><loc>");
            out.push_str(&escape::html(&env.globals().abs(path)));
            out.push_str("</loc></url>\n");
        }
        out.push_str("</urlset>\n");
        Ok(Bytes::from(escape::xml_chars(&out).as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn the_sitemap_lists_every_html_page_but_the_404() {
        let out = build(&sample(), "https://example.org/sub/");
        let sitemap = text(&out, "sitemap.xml");
        let mut listed: Vec<String> = sitemap
            .lines()
            .filter_map(|l| l.trim().strip_prefix("<url><loc>https://example.org/sub/"))
            .map(|l| l.trim_end_matches("</loc></url>").to_string() + "index.html")
            .collect();
        listed.sort();
        let pages: Vec<&String> = (out.files.keys())
            .filter(|k| k.ends_with("index.html"))
            .collect();
        assert_eq!(listed.iter().collect::<Vec<_>>(), pages);
        assert!(!sitemap.contains("404"));
    }
}
