//! `/<slug>/` for each free page `content/<slug>.md`, in the template its
//! front matter names (`page.html` by default).

use std::hash::{Hash, Hasher};

use serde_json::{Map, Value, json};

use crate::diagnostic::Diagnostic;
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};
use crate::render::markdown;
use crate::site::urls;

#[derive(Hash)]
struct Free<'s> {
    /// The page's file (`content/about.md`).
    source: &'s std::path::Path,
    title: &'s str,
    slug: &'s str,
    template: &'s str,
    body: &'s str,
    extra: Extra<'s>,
}

/// The fields the person added to the front matter; hashes as their text.
struct Extra<'s>(&'s toml::Table);

impl Hash for Extra<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.to_string().hash(state);
    }
}

/// Each free page; none may take a URL Gazette writes, and its template
/// must exist (load already refused two pages with one slug).
pub fn jobs<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    for page in &inputs.site.pages {
        let file = page.source.display().to_string();
        let top = page.slug.split('/').next().unwrap_or("");
        if page.slug.is_empty() || urls::RESERVED.contains(&top) {
            out.error(Diagnostic::error(
                &file,
                1,
                format!(
                    "the page's URL /{}/ is one Gazette writes itself (reserved: {}); give it another slug",
                    page.slug,
                    urls::RESERVED.join(", ")
                ),
            ));
        }
        if !inputs.theme.templates.contains_key(&page.template) {
            out.error(Diagnostic::error(
                &file,
                1,
                format!(
                    "the page asks for template `{}`, which the theme does not have",
                    page.template
                ),
            ));
        }
        let job = Free {
            source: &page.source,
            title: &page.title,
            slug: &page.slug,
            template: &page.template,
            body: &page.body,
            extra: Extra(&page.extra),
        };
        out.page(urls::free_page(&page.slug), job);
    }
}

impl Render for Free<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let extra = serde_json::to_value(self.extra.0).unwrap_or(Value::Null);
        let mut own = Map::new();
        own.insert("title".into(), json!(self.title));
        own.insert(
            "page".into(),
            json!({
                "title": self.title,
                "slug": self.slug,
                "url": env.url(&urls::free_page(self.slug)),
                "content": markdown::to_html(self.body),
                "extra": extra,
            }),
        );
        env.page(self.template, url, own)
    }

    fn source(&self) -> Option<String> {
        Some(self.source.display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn free_pages_render_markdown_in_their_template() {
        let out = build(&sample(), "https://example.org/");
        let about = text(&out, "about/index.html");
        assert!(about.contains("<h1>About</h1>"));
        assert!(about.contains("We read <em>papers</em>."));
        assert!(about.contains("aria-current=\"page\">About"));
    }

    #[test]
    fn a_free_page_gets_its_own_front_matter_fields() {
        let mut page = free_page("colophon", "Colophon", "x");
        page.extra
            .insert("motto".into(), toml::Value::from("read <more>"));
        page.extra.insert("year".into(), toml::Value::from(2025));
        let site = site_of(vec![], vec![page]);
        let theme = theme_with(&[("page.html", "{{ page.extra.motto }} {{ page.extra.year }}")]);
        let out = build_with(&site, &theme);
        assert_eq!(text(&out, "colophon/index.html"), "read &lt;more&gt; 2025");
    }

    #[test]
    fn about_is_in_the_navigation_only_when_the_page_exists() {
        let out = build(&sample(), "https://example.org/");
        assert!(text(&out, "index.html").contains("href=\"/about/\""));
        let mut site = sample();
        site.pages.clear();
        let out = build(&site, "https://example.org/");
        assert!(!text(&out, "index.html").contains("/about/"));
    }

    #[test]
    fn a_free_page_may_not_take_a_gazette_url() {
        let mut site = sample();
        site.pages.push(free_page("tags", "Tags", "mine"));
        let err = render_err(&site, &default_theme());
        assert_eq!(err[0].file, "content/tags.md");
        assert!(err[0].message.contains("/tags/"), "{}", err[0]);
    }

    #[test]
    fn a_free_page_must_name_a_template_the_theme_has() {
        let mut site = sample();
        site.pages[0].template = "nope.html".into();
        let err = render_err(&site, &default_theme());
        assert_eq!(err.len(), 1, "{err:?}");
        assert_eq!(err[0].file, "content/about.md");
        assert!(err[0].message.contains("`nope.html`"), "{}", err[0]);
    }
}
