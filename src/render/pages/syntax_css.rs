//! `/syntax.css`: the colours of highlighted code, unless the theme ships
//! its own.

use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};
use crate::render::highlight;
use crate::site::urls;

/// Made from syntect's themes alone: its key is its URL and the site key.
#[derive(Hash)]
struct SyntaxCss;

pub fn jobs<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    if !inputs.theme.statics.contains_key(urls::syntax_css()) {
        out.file(urls::syntax_css(), SyntaxCss);
    }
}

impl Render for SyntaxCss {
    fn render(&self, _env: &Env, _url: &str) -> Result<Bytes, Diagnostic> {
        Ok(Bytes::from(highlight::syntax_css().as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn syntax_css_is_written_unless_the_theme_has_one() {
        let out = build(&sample(), "https://example.org/");
        assert!(text(&out, "syntax.css").contains(".hl-"));
        let mut theme = default_theme();
        theme
            .statics
            .insert("syntax.css".into(), b"mine".to_vec().into());
        let out = build_with(&sample(), &theme);
        assert_eq!(text(&out, "syntax.css"), "mine");
    }
}
