//! The theme's `static/` files (with the site's `static/` laid over them),
//! copied as they are.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};

#[derive(Hash)]
struct Static<'s> {
    bytes: &'s Bytes,
    /// The file it is copied from (`static/robots.txt`).
    origin: Option<&'s str>,
}

pub fn jobs<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    for (name, bytes) in &inputs.theme.statics {
        let origin = inputs.theme.static_sources.get(name).map(String::as_str);
        out.file(name.as_str(), Static { bytes, origin });
    }
}

impl Render for Static<'_> {
    fn render(&self, _env: &Env, _url: &str) -> Result<Bytes, Diagnostic> {
        Ok(Arc::clone(self.bytes))
    }

    fn source(&self) -> Option<String> {
        self.origin.map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn static_files_are_copied_byte_for_byte() {
        let mut theme = default_theme();
        theme
            .statics
            .insert("img/logo.png".into(), vec![0u8, 159, 146, 150].into());
        let out = build_with(&sample(), &theme);
        assert_eq!(&*out.files["img/logo.png"], &[0u8, 159, 146, 150]);
        assert_eq!(out.files["style.css"], theme.statics["style.css"]);
    }

    /// A static file at a page's address would hide the page: which of
    /// the two the person meant is not for Gazette to guess.
    #[test]
    fn a_static_file_at_a_pages_address_is_an_error_naming_both() {
        for (path, page) in [
            ("about/index.html", "content/about.md"),
            ("papers/alpha/index.html", "content/papers/alpha.md"),
            ("tags/llm/index.html", "/tags/llm/"),
            ("index.html", "/"),
        ] {
            let mut theme = default_theme();
            theme.statics.insert(path.into(), b"mine".to_vec().into());
            theme
                .static_sources
                .insert(path.into(), format!("static/{path}"));
            let err = render_err(&sample(), &theme);
            assert_eq!(err.len(), 1, "{path}: {err:?}");
            assert_eq!(err[0].file, format!("static/{path}"), "{}", err[0]);
            assert!(err[0].message.contains(page), "{path}: {}", err[0]);
        }
    }

    #[test]
    fn a_static_file_replaces_a_generated_one_of_the_same_name() {
        let mut theme = default_theme();
        for name in ["robots.txt", "sitemap.xml", "feed.xml"] {
            theme.statics.insert(name.into(), b"mine".to_vec().into());
        }
        let out = build_with(&sample(), &theme);
        for name in ["robots.txt", "sitemap.xml", "feed.xml"] {
            assert_eq!(text(&out, name), "mine", "{name}");
        }
    }
}
