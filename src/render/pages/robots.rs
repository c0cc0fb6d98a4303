//! `/robots.txt`: everything may be crawled; where the sitemap is.

use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};
use crate::site::urls;

#[derive(Hash)]
struct Robots;

pub fn jobs<'s>(_: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    out.file(urls::robots(), Robots);
}

impl Render for Robots {
    fn render(&self, env: &Env, _url: &str) -> Result<Bytes, Diagnostic> {
        let sitemap = env.globals().abs(urls::sitemap());
        let text = format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n");
        Ok(Bytes::from(text.into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn robots_points_at_the_sitemap_under_the_base_url() {
        let out = build(&sample(), "https://example.org/sub/");
        assert_eq!(
            text(&out, "robots.txt"),
            "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sub/sitemap.xml\n"
        );
    }
}
