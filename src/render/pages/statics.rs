//! The theme's `static/` files (with the site's `static/` laid over them),
//! copied as they are.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};

#[derive(Hash)]
struct Static<'s>(&'s Bytes);

pub fn jobs<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    for (name, bytes) in &inputs.theme.statics {
        out.file(name.as_str(), Static(bytes));
    }
}

impl Render for Static<'_> {
    fn render(&self, _env: &Env, _url: &str) -> Result<Bytes, Diagnostic> {
        Ok(Arc::clone(self.0))
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
