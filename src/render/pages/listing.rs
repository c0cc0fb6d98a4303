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
    /// Which listing variables some template reads.
    fill: Fill,
}

/// Which of `papers`, `cards` and `rows` some template reads: each is
/// only filled then, since copying every paper's data into every listing
/// page is most of a listing's cost.
#[derive(Hash, Clone, Copy)]
struct Fill {
    papers: bool,
    cards: bool,
    rows: bool,
}

/// Cuts listings into pages; made once per kind.
pub struct Pager<'s> {
    inputs: &'s Inputs<'s>,
    per: usize,
    fill: Fill,
}

impl<'s> Pager<'s> {
    pub fn new(inputs: &'s Inputs<'s>) -> Pager<'s> {
        Pager {
            inputs,
            per: inputs.site.config.paginate.max(1),
            fill: Fill {
                papers: context::templates_use(inputs.theme, "papers"),
                cards: context::templates_use(inputs.theme, "cards"),
                rows: context::templates_use(inputs.theme, "rows"),
            },
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
                    fill: self.fill,
                };
                (urls::page(base, page), job)
            })
            .collect()
    }
}

impl<'s> Page<'s> {
    /// The shown papers' pieces (cards or rows) end to end, in a string
    /// made at its final size: growing it piece by piece copied each
    /// listing's cards about twice over.
    fn joined<'e>(&self, piece: impl Fn(PaperRef<'s>) -> &'e str) -> String {
        let len = self.shown.iter().map(|&p| piece(p).len()).sum();
        let mut out = String::with_capacity(len);
        for &p in &self.shown {
            out.push_str(piece(p));
        }
        out
    }

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
        if self.fill.papers {
            let papers = self.shown.iter().map(|&p| env.summary_with_card(p));
            own.insert("papers".into(), Value::Array(papers.collect()));
        }
        // The cards and rows already rendered, joined: one string each for
        // Tera to copy.
        if self.fill.cards {
            let cards = self.joined(|p| env.data(p).card);
            own.insert("cards".into(), Value::String(cards));
        }
        if self.fill.rows {
            let rows = self.joined(|p| env.data(p).row);
            own.insert("rows".into(), Value::String(rows));
        }
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

    /// A long listing repeats every paper it holds: past the first page of
    /// the latest papers (and on top, tag and week pages) each paper is one
    /// line without its excerpt; the first page and a day's page keep cards.
    #[test]
    fn long_listings_show_a_line_a_paper_and_the_first_page_and_days_show_cards() {
        let out = build(&sample(), "https://example.org/");
        let excerpt = |title: &str| format!("<p class=\"abstract\">Abstract of {title}.");
        let home = text(&out, "index.html");
        assert!(home.contains(&excerpt("Alpha model")), "{home}");
        let day = text(&out, "dates/2025/03/02/index.html");
        assert!(day.contains(&excerpt("Beta method")), "{day}");
        for (path, title) in [
            ("page/2/index.html", "Beta method"),
            ("top/index.html", "Beta method"),
            ("tags/llm/index.html", "Alpha model"),
            ("dates/2025/w18/index.html", "Gamma rays"),
        ] {
            let page = text(&out, path);
            let row = format!(
                "<li><a href=\"/papers/{}/\">{title}</a>",
                title.split(' ').next().unwrap().to_lowercase()
            );
            assert!(page.contains(&row), "{path}: {page}");
            assert!(
                !page.contains("Abstract of"),
                "{path} repeats excerpts: {page}"
            );
        }
    }

    /// A theme made before rows existed has no `partials/row.html`: it
    /// still loads, and a `rows` it prints are its cards.
    #[test]
    fn a_theme_without_a_row_template_gets_its_cards_as_rows() {
        let mut theme = theme_with(&[
            ("partials/card.html", "[{{ paper.title }}]"),
            ("list.html", "{{ rows | safe }}"),
        ]);
        theme.templates.remove("partials/row.html");
        let out = build_with(&sample(), &theme);
        assert_eq!(text(&out, "top/index.html"), "[Beta method][Gamma rays]");
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
