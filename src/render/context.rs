//! What templates see: every paper turned into template data once per
//! change (a short `summary` for listings with its card and compact row
//! pre-rendered, and the `full` record for its own page), plus the values
//! every page shares.
//! Listing pages then only clone summaries; nothing is re-sorted.

use std::sync::Mutex;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value, json};
use tera::{Context, Tera};

use super::{Theme, markdown, math, outbound, pages, theme};
use crate::diagnostic::Diagnostic;
use crate::site::{Paper, Site, urls};

/// Values shared by every page, and the base URL in its two forms.
pub struct Globals {
    /// Path part of the base URL, with slashes at both ends (`/`, `/sub/`).
    pub base_path: String,
    /// The base URL with one trailing slash.
    pub base_url: String,
    pub values: Map<String, Value>,
    /// Contexts holding just `values`, lent to one page at a time: Tera 1
    /// renders only from a whole `Context`, and copying the shared values
    /// into a fresh one for each of 30,000 pages and cards showed in the
    /// profile (docs/performance.md). A page's own values go in for its
    /// render and come out after it.
    spare: Mutex<Vec<Context>>,
}

impl Globals {
    pub fn new(site: &Site, base_url: &str) -> Globals {
        // Encoded so that every URL built on it may be printed unescaped.
        let base_url =
            urls::encode_path(&format!("{}/", base_url.trim_end_matches('/'))).into_owned();
        let base_path = urls::encode_path(&crate::config::base_path(&base_url)).into_owned();
        // Precomputed: a url() call per link per page adds up at 10,000 pages.
        let at = |path: &str| format!("{base_path}{}", urls::encode_path(path));
        let mut values = Map::new();
        values.insert(
            "config".into(),
            serde_json::to_value(&site.config).unwrap_or(Value::Null),
        );
        values.insert("base_path".into(), json!(base_path));
        values.insert("base_url".into(), json!(base_url));
        let pages: Vec<Value> = site
            .pages
            .iter()
            .map(
                |p| json!({"title": p.title, "slug": p.slug, "url": at(&urls::free_page(&p.slug))}),
            )
            .collect();
        let about = site
            .pages
            .iter()
            .find(|p| p.slug == "about")
            .map(|p| at(&urls::free_page(&p.slug)));
        values.insert(
            "nav".into(),
            json!({
                "latest": at(urls::latest()),
                "top": at(urls::top()),
                "tags": at(urls::tags()),
                "archive": at(urls::archive()),
                "search": at(urls::search()),
                "trending": at(urls::trending()),
                "listings": at(urls::listings()),
                "orgs": at(urls::orgs()),
                "about": about,
                "pages": pages,
                "feed": at(urls::feed()),
                "papers_json": at(urls::papers_json()),
                "style": at(urls::stylesheet()),
                "syntax": at(urls::syntax_css()),
            }),
        );
        Globals {
            base_path,
            base_url,
            values,
            spare: Mutex::new(Vec::new()),
        }
    }

    /// Root-relative URL of a site path (`tags/` → `/sub/tags/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, urls::encode_path(path))
    }

    /// Absolute URL of a site path, for feeds, the sitemap and canonical links.
    pub fn abs(&self, path: &str) -> String {
        format!("{}{}", self.base_url, urls::encode_path(path))
    }

    /// Runs `f` with a Tera context holding the shared values, `page_url`
    /// and `canonical` for `path`, and the page's own values (which win
    /// over shared ones of the same name). `f` may take its own values
    /// back out; whatever else it leaves is cleared after it.
    pub fn with_context<R>(
        &self,
        path: &str,
        own: Map<String, Value>,
        f: impl FnOnce(&mut Context) -> R,
    ) -> R {
        let spare = self.spare.lock().map(|mut s| s.pop()).ok().flatten();
        let mut ctx = spare.unwrap_or_else(|| {
            Context::from_value(Value::Object(self.values.clone()))
                .expect("an object is a valid context")
        });
        let mut page = Map::new();
        page.insert("page_url".into(), json!(self.url(path)));
        page.insert("canonical".into(), json!(self.abs(path)));
        page.extend(own);
        let keys: Vec<String> = page.keys().cloned().collect();
        ctx.extend(Context::from_value(Value::Object(page)).expect("an object is a valid context"));
        let out = f(&mut ctx);
        // Back to just the shared values, for the next page.
        for key in keys {
            match self.values.get(&key) {
                Some(shared) => ctx.insert(key, shared),
                None => drop(ctx.remove(&key)),
            }
        }
        if let Ok(mut spare) = self.spare.lock() {
            spare.push(ctx);
        }
        out
    }
}

/// Only http(s) URLs become links: a `javascript:` URL in a digest or a
/// hand edit must not turn into a clickable script.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// `Apr 28, 2025`, or `undated`.
pub fn date_display(date: Option<NaiveDate>) -> String {
    match date {
        Some(d) => d.format("%b %-d, %Y").to_string(),
        None => "undated".to_string(),
    }
}

/// `April` for 4 (`?` outside 1..=12).
pub fn month_name(month: u32) -> &'static str {
    crate::months::name(month).unwrap_or("?")
}

/// The first sentences of an abstract, cut at a word boundary.
pub fn excerpt(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// A paper as template data, made once per change of the paper.
pub struct PaperData {
    /// For listings and neighbours: the short fields, without `card`
    /// (most places that take a summary drop it, so it is not cloned in).
    pub summary: Summary,
    /// The paper's card, rendered once and spliced into every listing.
    /// Boxed: exactly its length, where Tera's output has room for 2,000
    /// bytes (at 100,000 papers, ~300 MiB of the card and row held empty).
    pub card: Box<str>,
    /// Its compact row (`partials/row.html`), for long listings.
    pub row: Box<str>,
    /// What one job each reads ([`Parts`]) when the render keeps them;
    /// `None` in a one-off render (`gazette build`), where that job makes
    /// them itself: the whole site's worth is never held at once.
    pub parts: Option<Box<Parts>>,
}

/// The parts of a paper's template data that one job each reads, made
/// ahead and kept where the next render reuses them (`serve`): an edit
/// then re-makes one paper's, not every paper's.
pub struct Parts {
    /// For the paper's own page: everything ([`full`]).
    pub full: Value,
    /// Its line of `papers.json`.
    pub facts_json: Box<[u8]>,
    pub search: Search,
}

/// What search finds a paper by, and what a search result shows of it.
#[derive(Clone)]
pub struct Search {
    pub doc: crate::render::search::Doc,
    pub record: Box<[u8]>,
}

impl Search {
    /// `plain_abstract` is [`math::text_to_plain`] of the abstract.
    pub fn of(globals: &Globals, paper: &Paper, plain_abstract: &str) -> Search {
        Search {
            doc: pages::search::doc(paper, plain_abstract),
            record: pages::search::record(globals, paper, plain_abstract),
        }
    }
}

const EXCERPT_CHARS: usize = 280;

/// A tag as templates see it.
#[derive(Serialize)]
struct Tag {
    name: String,
    slug: String,
    url: Option<String>,
}

impl Tag {
    fn of(globals: &Globals, tag: &str) -> Tag {
        let slug = urls::tag_slug(tag);
        // A tag with no letters or digits has no page to link to.
        let url = (!slug.is_empty()).then(|| globals.url(&urls::tag(tag)));
        Tag {
            name: tag.to_string(),
            slug,
            url,
        }
    }
}

/// A paper's short fields, as listings and neighbours show them (its
/// `card` aside). Held for every paper while a site renders, so typed:
/// about a third of the memory of the same fields as a JSON value, which
/// [`Summary::value`] makes when a page needs one (as cheap as the clone
/// it replaces).
#[derive(Serialize)]
pub struct Summary {
    slug: String,
    url: String,
    title: String,
    date: Option<String>,
    date_display: String,
    date_url: String,
    authors: Option<u32>,
    organization: Option<String>,
    organization_url: Option<String>,
    upvotes: u32,
    tags: Vec<Tag>,
    code: Option<String>,
    abstract_short: String,
}

impl Summary {
    /// `plain_abstract` is [`math::text_to_plain`] of the abstract, made
    /// once per paper in [`paper_data`] (search uses it too).
    fn of(globals: &Globals, paper: &Paper, plain_abstract: &str) -> Summary {
        Summary {
            slug: paper.slug.clone(),
            url: globals.url(&urls::paper(&paper.slug)),
            title: paper.title.clone(),
            date: paper.date.map(|d| d.format("%Y-%m-%d").to_string()),
            date_display: date_display(paper.date),
            date_url: globals.url(&urls::date(paper.date)),
            authors: paper.authors,
            organization: paper.organization.clone(),
            // Every organization has a page (`site::urls::org_slug`), a blank one aside.
            organization_url: (paper.organization.as_deref())
                .filter(|o| !o.trim().is_empty())
                .map(|o| globals.url(&urls::org(o))),
            upvotes: paper.upvotes,
            tags: paper.tags.iter().map(|t| Tag::of(globals, t)).collect(),
            code: paper.code.clone().filter(|c| is_web_url(c)),
            // Math reads as text here (`O(n log n)`): an excerpt may cut a formula.
            abstract_short: excerpt(plain_abstract, EXCERPT_CHARS),
        }
    }

    /// The fields as template data (an object).
    pub fn value(&self) -> Value {
        serde_json::to_value(self).expect("a summary serialises")
    }

    fn fields(&self) -> Map<String, Value> {
        match self.value() {
            Value::Object(fields) => fields,
            _ => unreachable!("a struct serialises as an object"),
        }
    }
}

/// Builds a paper's template data and renders its card; with `keep`, its
/// [`Parts`] too.
pub fn paper_data(
    globals: &Globals,
    tera: &Tera,
    theme: &Theme,
    paper: &Paper,
    keep: bool,
) -> Result<PaperData, Diagnostic> {
    let plain_abstract = math::text_to_plain(&paper.abstract_);
    let summary = Summary::of(globals, paper, &plain_abstract);
    let (Shapes { card, row }, _) = shapes(globals, tera, theme, paper, summary.fields())?;
    let parts = keep.then(|| {
        Box::new(Parts {
            full: full(globals, paper, &summary),
            facts_json: pages::papers_json::record(paper),
            search: Search::of(globals, paper, &plain_abstract),
        })
    });
    Ok(PaperData {
        summary,
        card: card.into_boxed_str(),
        row: row.into_boxed_str(),
        parts,
    })
}

/// What a paper's own page shows of it: its `summary` (without `card`)
/// and everything else.
pub fn full(globals: &Globals, paper: &Paper, summary: &Summary) -> Value {
    let mut full = summary.fields();
    full.insert("abstract".into(), json!(paper.abstract_));
    full.insert(
        "abstract_html".into(),
        json!(math::text_to_html(&paper.abstract_)),
    );
    let out = outbound::of(paper);
    full.insert("arxiv".into(), json!(out.arxiv));
    full.insert("arxiv_url".into(), json!(out.arxiv_url));
    full.insert("huggingface_url".into(), json!(out.huggingface_url));
    let links: Vec<&String> = paper.links.iter().filter(|l| is_web_url(l)).collect();
    full.insert("links".into(), json!(links));
    full.insert("digests".into(), json!(paper.digests));
    // Notes sit under the page's "Notes" heading: their `#` is one level down.
    full.insert(
        "notes".into(),
        json!(markdown::to_html_shifted(&paper.body, 1)),
    );
    full.insert(
        "extra".into(),
        serde_json::to_value(&paper.extra).unwrap_or(Value::Null),
    );
    full.insert(
        "permalink".into(),
        json!(globals.abs(&urls::paper(&paper.slug))),
    );
    full.insert(
        "month_url".into(),
        json!(paper.date.map(|d| {
            use chrono::Datelike;
            globals.url(&urls::month(d.year(), d.month()))
        })),
    );
    full.insert(
        "week_url".into(),
        json!(paper.date.map(|d| {
            let (year, week) = urls::iso_week(d);
            globals.url(&urls::week(year, week))
        })),
    );
    Value::Object(full)
}

/// A paper as listings show it: its card and its compact row.
pub struct Shapes {
    pub card: String,
    pub row: String,
}

/// The compact row of a listing: optional, so a theme made before it
/// existed still loads (its rows are then its cards).
pub const ROW_TEMPLATE: &str = "partials/row.html";
const CARD_TEMPLATE: &str = "partials/card.html";

/// Renders `paper`'s card and row from `summary` (its summary fields,
/// without `card`), with the paper's page as `page_url`; gives the summary
/// back (taken out of the context rather than cloned: this runs per paper).
pub fn shapes(
    globals: &Globals,
    tera: &Tera,
    theme: &Theme,
    paper: &Paper,
    summary: Map<String, Value>,
) -> Result<(Shapes, Map<String, Value>), Diagnostic> {
    let mut own = Map::new();
    own.insert("paper".into(), Value::Object(summary));
    globals.with_context(&urls::paper(&paper.slug), own, |ctx| {
        let render = |name: &str| {
            tera.render(name, ctx).map_err(|e| {
                theme::template_error(theme, Some(name), &e, "cannot render a paper card")
            })
        };
        let card = render(CARD_TEMPLATE)?;
        let row = if theme.templates.contains_key(ROW_TEMPLATE) {
            render(ROW_TEMPLATE)?
        } else {
            card.clone()
        };
        let Some(Value::Object(summary)) = ctx.remove("paper") else {
            unreachable!("inserted above")
        };
        Ok((Shapes { card, row }, summary))
    })
}

/// Whether any template uses the variable `name` inside a `{{ }}` or
/// `{% %}` tag. Listings only fill `papers` when one does: cloning every
/// summary for every listing page is most of their cost.
pub fn templates_use(theme: &Theme, name: &str) -> bool {
    theme.templates.values().any(|src| {
        let mut rest = src.as_str();
        while let Some(open) = rest.find(['{']) {
            let after = &rest[open + 1..];
            let close = match after.chars().next() {
                Some('{') => after.find("}}"),
                Some('%') => after.find("%}"),
                _ => {
                    rest = after;
                    continue;
                }
            };
            let Some(close) = close else { return false };
            if mentions(&after[..close], name) {
                return true;
            }
            rest = &after[close..];
        }
        false
    })
}

fn mentions(tag: &str, name: &str) -> bool {
    // String literals (`url(path='papers.json')`) are not variables.
    let mut code = String::with_capacity(tag.len());
    let mut quote = None;
    for c in tag.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None => code.push(c),
        }
    }
    let tag = code.as_str();
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    tag.match_indices(name).any(|(i, _)| {
        let before = tag[..i].chars().next_back();
        let after = tag[i + name.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_variable_use_is_found_only_in_tags() {
        let mut theme = Theme::default();
        theme.templates.insert(
            "a".into(),
            "No papers yet. {{ nav.papers_json }} {{ url(path='papers.json') }}".into(),
        );
        assert!(!templates_use(&theme, "papers"));
        theme
            .templates
            .insert("b".into(), "{% for p in papers %}{% endfor %}".into());
        assert!(templates_use(&theme, "papers"));
    }

    /// Contexts are lent from page to page: what one page put in must not
    /// show on the next, and a shared value a page replaced comes back.
    #[test]
    fn a_page_sees_only_its_own_values_and_the_shared_ones() {
        let site = crate::render::fixtures::sample();
        let globals = Globals::new(&site, "https://example.org/");
        let mut tera = Tera::default();
        tera.add_raw_template(
            "t",
            "{{ config.title }}|{{ page_url }}|{{ canonical }}|{{ listing | default(value='-') }}",
        )
        .unwrap();
        let render = |path: &str, own: Map<String, Value>| {
            globals.with_context(path, own, |ctx| tera.render("t", ctx).unwrap())
        };
        let mut own = Map::new();
        own.insert("listing".into(), json!("mine"));
        own.insert("config".into(), json!({"title": "Replaced"}));
        assert_eq!(
            render("tags/", own),
            "Replaced|/tags/|https://example.org/tags/|mine"
        );
        let title = &site.config.title;
        for _ in 0..3 {
            assert_eq!(
                render("top/", Map::new()),
                format!("{title}|/top/|https://example.org/top/|-")
            );
        }
    }

    #[test]
    fn excerpt_cuts_at_a_word() {
        let e = excerpt("one two three four five six", 12);
        assert_eq!(e, "one two…");
        assert_eq!(excerpt("short", 12), "short");
    }
}
