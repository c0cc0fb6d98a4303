//! What every listing of papers shares (latest, top, trending, a tag, an
//! organization, a month, a week, a day, undated): pagination, the papers of one page with their cards, the
//! listing variables. Each listing kind wraps a [`Page`] in its own job and
//! adds its own variables.

use serde_json::{Map, Value, json};

use crate::diagnostic::Diagnostic;
use crate::render::context;
use crate::render::engine::{Bytes, Env, Inputs, PaperRef};
use crate::site::urls;

/// One page of a listing: what its heading, cards and pagination show.
#[derive(Hash)]
pub struct Page<'s> {
    /// URL of the listing's first page (`""`, `top/`, `tags/llm/`).
    base: String,
    page: usize,
    pages: usize,
    /// Papers in the whole listing.
    count: usize,
    shown: Vec<PaperRef<'s>>,
    /// Whether some template reads `papers` (else only `cards` is filled).
    fill_papers: bool,
}

/// Cuts listings into pages; made once per kind.
pub struct Pager<'s> {
    inputs: &'s Inputs<'s>,
    per: usize,
    fill_papers: bool,
}

impl<'s> Pager<'s> {
    pub fn new(inputs: &'s Inputs<'s>) -> Pager<'s> {
        Pager {
            inputs,
            per: inputs.site.config.paginate.max(1),
            // Cloning every summary into every listing is most of their
            // cost, so `papers` is only filled when a template uses it.
            fill_papers: context::templates_use(inputs.theme, "papers"),
        }
    }

    /// Every page of the listing at `base` of these papers (positions in
    /// `site.papers`, in listing order), with its URL: `config.paginate`
    /// papers a page, or all of them on one page.
    pub fn pages(&self, base: &str, papers: &[usize], paginate: bool) -> Vec<(String, Page<'s>)> {
        let per = if paginate {
            self.per
        } else {
            papers.len().max(1)
        };
        let pages = papers.len().div_ceil(per).max(1);
        (1..=pages)
            .map(|page| {
                let start = ((page - 1) * per).min(papers.len());
                let end = (start + per).min(papers.len());
                let job = Page {
                    base: base.to_string(),
                    page,
                    pages,
                    count: papers.len(),
                    shown: self.inputs.papers(&papers[start..end]),
                    fill_papers: self.fill_papers,
                };
                (urls::page(base, page), job)
            })
            .collect()
    }
}

impl Page<'_> {
    /// Papers in the whole listing.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Renders the page with `template`. `kind` and `title` name the listing
    /// (`— page N` is added after the first page); `own` holds its own variables.
    pub fn render(
        &self,
        env: &Env,
        url: &str,
        template: &str,
        kind: &str,
        title: &str,
        mut own: Map<String, Value>,
    ) -> Result<Bytes, Diagnostic> {
        let title = if self.page > 1 {
            format!("{title} — page {}", self.page)
        } else {
            title.to_string()
        };
        own.insert("kind".into(), json!(kind));
        own.insert("title".into(), json!(title));
        own.insert("count".into(), json!(self.count));
        if self.fill_papers {
            let papers = self.shown.iter().map(|&p| env.summary_with_card(p));
            own.insert("papers".into(), Value::Array(papers.collect()));
        }
        // The cards already rendered, joined: one string for Tera to copy.
        let mut cards = String::with_capacity(self.shown.len() * 1600);
        for &p in &self.shown {
            cards.push_str(env.data(p).card);
        }
        own.insert("cards".into(), json!(cards));
        let url_of = |n: usize| env.url(&urls::page(&self.base, n));
        let (page, pages) = (self.page, self.pages);
        own.insert(
            "pagination".into(),
            json!({
                "current": page,
                "total": pages,
                "previous": (page > 1).then(|| url_of(page - 1)),
                "next": (page < pages).then(|| url_of(page + 1)),
                "first": url_of(1),
                "last": url_of(pages),
            }),
        );
        env.page(template, url, own)
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;

    #[test]
    fn a_theme_that_loops_over_papers_gets_them() {
        let theme = theme_with(&[(
            "list.html",
            "{% for p in papers %}[{{ p.title }}|{{ p.upvotes }}]{% endfor %}",
        )]);
        let out = build_with(&sample(), &theme);
        assert_eq!(
            text(&out, "top/index.html"),
            "[Beta method|12][Gamma rays|7]"
        );
    }

    #[test]
    fn pagination_links_every_page_of_a_listing() {
        let theme = theme_with(&[(
            "list.html",
            "{{ pagination.current }}/{{ pagination.total }} {{ pagination.previous }} {{ pagination.next }} {{ pagination.first }} {{ pagination.last }} {{ count }} {{ title }}",
        )]);
        let out = build_with(&sample(), &theme);
        assert_eq!(
            text(&out, "top/index.html"),
            "1/2  /top/page/2/ /top/ /top/page/2/ 4 Top papers"
        );
        assert_eq!(
            text(&out, "top/page/2/index.html"),
            "2/2 /top/  /top/ /top/page/2/ 4 Top papers — page 2"
        );
        assert!(!out.files.contains_key("top/page/3/index.html"));
    }
}
