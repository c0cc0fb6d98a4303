//! The render plan: one job per output file, each with a key that hashes
//! everything the file shows. Jobs run in parallel; a job whose key is in
//! the cache reuses the bytes it made last time.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde_json::{Map, Value, json};
use tera::Tera;

use super::context::{self, Globals, PaperData, UNDATED, month_name};
use super::{RenderCache, RenderStats, Theme, feeds, highlight, markdown, search, theme};
use crate::diagnostic::Diagnostic;
use crate::output::Output;
use crate::site::{Paper, Site, urls};

/// Top-level URL segments Gazette writes itself; a free page may not take one.
const RESERVED: &[&str] = &["page", "top", "papers", "tags", "dates", "search"];

/// A listing of papers, and where it lives.
#[derive(Debug, Clone, Copy)]
enum List {
    Latest,
    Top,
    /// Index into `Plan::tags`.
    Tag(usize),
    Month(i32, u32),
    Day(NaiveDate),
    Undated,
}

#[derive(Debug, Clone)]
enum Job {
    Listing {
        list: List,
        page: usize,
        pages: usize,
    },
    /// Position in `index.latest`.
    Paper(usize),
    Tags,
    Archive,
    Search,
    NotFound,
    Free(usize),
    /// `None`: the site feed; `Some(i)`: the feed of tag `i`.
    Feed(Option<usize>),
    Sitemap,
    Robots,
    PapersJson,
    SearchJson,
    SyntaxCss,
    Static(String),
}

/// Tags that share a URL slug (`LLM`, `llm`) share one page.
struct TagGroup {
    name: String,
    slug: String,
    papers: Vec<usize>,
}

/// Everything jobs read, prepared once per render.
struct Plan<'a> {
    site: &'a Site,
    theme: &'a Theme,
    tera: &'a Tera,
    globals: Globals,
    site_key: u64,
    /// Per paper (by position in `site.papers`): key and template data.
    keys: Vec<u64>,
    data: Vec<Arc<PaperData>>,
    tags: Vec<TagGroup>,
    /// Whether some template reads `papers` on listing pages.
    fill_papers: bool,
}

/// A failure while rendering one page; grouped by diagnostic afterwards.
type JobError = (Diagnostic, String);

/// A finished job: output path, key, bytes, and whether they were reused.
type Done = (String, u64, Arc<[u8]>, bool);

pub fn render_all(
    site: &Site,
    theme: &Theme,
    base_url: &str,
    cache: &mut RenderCache,
) -> Result<(Output, RenderStats), Vec<Diagnostic>> {
    let globals = Globals::new(site, base_url);
    let site_key = site_key(site, theme, &globals);
    let tera = match &cache.tera {
        Some((key, tera)) if *key == site_key => Arc::clone(tera),
        _ => {
            let tera = Arc::new(theme::build_tera(
                theme,
                &globals.base_path,
                &globals.base_url,
            )?);
            cache.tera = Some((site_key, Arc::clone(&tera)));
            tera
        }
    };
    check_free_pages(site, theme)?;

    // Each paper's template data, reused when neither it nor the site changed.
    let keys: Vec<u64> = site
        .papers
        .par_iter()
        .map(|p| hash_of(&(site_key, paper_hash(p))))
        .collect();
    let made: Vec<Result<Arc<PaperData>, JobError>> = site
        .papers
        .par_iter()
        .zip(keys.par_iter())
        .map(|(paper, key)| match cache.papers.get(key) {
            Some(data) => Ok(Arc::clone(data)),
            None => context::paper_data(&globals, &tera, theme, paper)
                .map(Arc::new)
                .map_err(|d| (d, urls::paper(&paper.slug))),
        })
        .collect();
    let mut data = Vec::with_capacity(made.len());
    let mut errors = Vec::new();
    for m in made {
        match m {
            Ok(d) => data.push(d),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(group_errors(errors));
    }

    let plan = Plan {
        site,
        theme,
        tera: &tera,
        globals,
        site_key,
        keys,
        data,
        tags: tag_groups(site),
        fill_papers: context::templates_use(theme, "papers"),
    };
    let jobs = plan.jobs();

    let results: Vec<Result<Done, JobError>> = jobs
        .par_iter()
        .map(|job| {
            let url = plan.url_path(job);
            let key = plan.key(job, &url);
            let path = urls::file_for(&url);
            if let Some((old, bytes)) = cache.files.get(&path)
                && *old == key
            {
                return Ok((path, key, Arc::clone(bytes), true));
            }
            let bytes = plan
                .run(job)
                .map_err(|d| (d, plan.file(job).trim_end_matches("index.html").to_string()))?;
            Ok((path, key, bytes, false))
        })
        .collect();

    let mut output = Output::default();
    let mut files = HashMap::with_capacity(results.len());
    let mut stats = RenderStats::default();
    for r in results {
        match r {
            Ok((path, key, bytes, reused)) => {
                if reused {
                    stats.reused += 1;
                } else {
                    stats.rendered += 1;
                }
                files.insert(path.clone(), (key, Arc::clone(&bytes)));
                output.files.insert(path, bytes);
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(group_errors(errors));
    }
    cache.files = files;
    cache.papers = plan
        .keys
        .iter()
        .zip(&plan.data)
        .map(|(k, d)| (*k, Arc::clone(d)))
        .collect();
    Ok((output, stats))
}

/// One diagnostic per distinct problem, naming the first page it broke and
/// how many others: a bad card template must not print 10,000 lines.
fn group_errors(errors: Vec<JobError>) -> Vec<Diagnostic> {
    let mut groups: BTreeMap<Diagnostic, (String, usize)> = BTreeMap::new();
    for (d, page) in errors {
        let entry = groups.entry(d).or_insert((page.clone(), 0));
        entry.0 = entry.0.clone().min(page);
        entry.1 += 1;
    }
    groups
        .into_iter()
        .map(|(mut d, (page, n))| {
            let page = if page.is_empty() {
                "/".to_string()
            } else {
                format!("/{page}")
            };
            d.message = match n {
                1 => format!("{} (page {page})", d.message),
                _ => format!("{} (page {page} and {} more)", d.message, n - 1),
            };
            d
        })
        .collect()
}

/// Free pages must not take a URL Gazette uses, and their template must exist.
fn check_free_pages(site: &Site, theme: &Theme) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut seen: BTreeMap<&str, &std::path::Path> = BTreeMap::new();
    for page in &site.pages {
        let file = page.source.display().to_string();
        let top = page.slug.split('/').next().unwrap_or("");
        if page.slug.is_empty() || RESERVED.contains(&top) {
            errors.push(Diagnostic::error(
                &file,
                1,
                format!(
                    "the page's URL /{}/ is one Gazette writes itself (reserved: {}); give it another slug",
                    page.slug,
                    RESERVED.join(", ")
                ),
            ));
        }
        if let Some(other) = seen.insert(&page.slug, &page.source) {
            errors.push(Diagnostic::error(
                &file,
                1,
                format!("{} already has the URL /{}/", other.display(), page.slug),
            ));
        }
        if !theme.templates.contains_key(&page.template) {
            errors.push(Diagnostic::error(
                &file,
                1,
                format!(
                    "the page asks for template `{}`, which the theme does not have",
                    page.template
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn tag_groups(site: &Site) -> Vec<TagGroup> {
    let mut by_slug: BTreeMap<String, Vec<(&String, &Vec<usize>)>> = BTreeMap::new();
    for (name, papers) in &site.index.by_tag {
        let slug = urls::tag_slug(name);
        if slug.is_empty() || papers.is_empty() {
            continue; // no letters or digits: no page to give it
        }
        by_slug.entry(slug).or_default().push((name, papers));
    }
    // Rank in `latest` order, only needed to merge tags sharing a slug.
    let rank: Option<Vec<usize>> = by_slug.values().any(|v| v.len() > 1).then(|| {
        let mut rank = vec![usize::MAX; site.papers.len()];
        for (pos, &i) in site.index.latest.iter().enumerate() {
            rank[i] = pos;
        }
        rank
    });
    by_slug
        .into_iter()
        .map(|(slug, names)| {
            let papers = if names.len() == 1 {
                names[0].1.clone()
            } else {
                let rank = rank.as_ref().expect("computed when slugs collide");
                let mut all: Vec<usize> =
                    names.iter().flat_map(|(_, p)| p.iter().copied()).collect();
                all.sort_by_key(|&i| rank[i]);
                all.dedup();
                all
            };
            TagGroup {
                name: names[0].0.clone(),
                slug,
                papers,
            }
        })
        .collect()
}

fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// Everything a paper's template data depends on, besides the site key.
fn paper_hash(p: &Paper) -> u64 {
    let mut h = DefaultHasher::new();
    // A loaded page's fingerprint hashes its whole file, so with the slug
    // and path it stands for every field; hashing 10,000 abstracts again on
    // each `serve` rebuild would cost more than the edit.
    if p.fingerprint != 0 {
        (&p.slug, &p.source, p.fingerprint).hash(&mut h);
        return h.finish();
    }
    (
        &p.slug,
        &p.source,
        &p.title,
        p.date,
        p.authors,
        &p.organization,
    )
        .hash(&mut h);
    (p.upvotes, &p.tags, &p.code, &p.links, &p.digests).hash(&mut h);
    (&p.abstract_, &p.body, p.fingerprint).hash(&mut h);
    if !p.extra.is_empty() {
        p.extra.to_string().hash(&mut h);
    }
    h.finish()
}

/// What every page depends on: templates, statics' names, config, base URL,
/// and the free pages' titles (they are in the navigation).
fn site_key(site: &Site, theme: &Theme, globals: &Globals) -> u64 {
    let mut h = DefaultHasher::new();
    theme.templates.hash(&mut h);
    globals.base_url.hash(&mut h);
    serde_json::to_string(&site.config)
        .unwrap_or_default()
        .hash(&mut h);
    for p in &site.pages {
        (&p.slug, &p.title).hash(&mut h);
    }
    h.finish()
}

impl List {
    fn base(&self, plan: &Plan) -> String {
        match *self {
            List::Latest => String::new(),
            List::Top => "top/".to_string(),
            List::Tag(i) => format!("tags/{}/", plan.tags[i].slug),
            List::Month(y, m) => urls::month(y, m),
            List::Day(d) => urls::day(d),
            List::Undated => UNDATED.to_string(),
        }
    }

    fn papers<'p>(&self, plan: &'p Plan) -> &'p [usize] {
        let index = &plan.site.index;
        match *self {
            List::Latest => &index.latest,
            List::Top => &index.top,
            List::Tag(i) => &plan.tags[i].papers,
            List::Month(y, m) => index.by_month.get(&(y, m)).map_or(&[], |v| v),
            List::Day(d) => index.by_day.get(&d).map_or(&[], |v| v),
            List::Undated => &index.undated,
        }
    }

    fn paginated(&self) -> bool {
        matches!(self, List::Latest | List::Top | List::Tag(_))
    }
}

impl Plan<'_> {
    fn jobs(&self) -> Vec<Job> {
        let index = &self.site.index;
        let per = self.site.config.paginate.max(1);
        let mut jobs = Vec::new();
        let mut lists = vec![List::Latest, List::Top];
        lists.extend((0..self.tags.len()).map(List::Tag));
        lists.extend(index.by_month.keys().map(|&(y, m)| List::Month(y, m)));
        lists.extend(index.by_day.keys().map(|&d| List::Day(d)));
        if !index.undated.is_empty() {
            lists.push(List::Undated);
        }
        for list in lists {
            let pages = if list.paginated() {
                list.papers(self).len().div_ceil(per).max(1)
            } else {
                1
            };
            jobs.extend((1..=pages).map(|page| Job::Listing { list, page, pages }));
        }
        jobs.extend((0..index.latest.len()).map(Job::Paper));
        jobs.extend([Job::Tags, Job::Archive, Job::Search, Job::NotFound]);
        jobs.extend((0..self.site.pages.len()).map(Job::Free));
        jobs.push(Job::Feed(None));
        jobs.extend((0..self.tags.len()).map(|i| Job::Feed(Some(i))));
        jobs.extend([Job::Sitemap, Job::Robots, Job::PapersJson, Job::SearchJson]);
        if !self.theme.statics.contains_key(highlight::SYNTAX_CSS) {
            jobs.push(Job::SyntaxCss);
        }
        jobs.extend(self.theme.statics.keys().cloned().map(Job::Static));
        jobs
    }

    /// The URL path (site-relative) a job's page lives at.
    fn url_path(&self, job: &Job) -> String {
        match job {
            Job::Listing { list, page, .. } => urls::page(&list.base(self), *page),
            Job::Paper(pos) => urls::paper(&self.paper_at(*pos).slug),
            Job::Tags => "tags/".into(),
            Job::Archive => "dates/".into(),
            Job::Search => "search/".into(),
            Job::NotFound => "404.html".into(),
            Job::Free(i) => format!("{}/", self.site.pages[*i].slug),
            Job::Feed(None) => "feed.xml".into(),
            Job::Feed(Some(i)) => format!("tags/{}/feed.xml", self.tags[*i].slug),
            Job::Sitemap => "sitemap.xml".into(),
            Job::Robots => "robots.txt".into(),
            Job::PapersJson => "papers.json".into(),
            Job::SearchJson => "search.json".into(),
            Job::SyntaxCss => highlight::SYNTAX_CSS.into(),
            Job::Static(name) => name.clone(),
        }
    }

    fn file(&self, job: &Job) -> String {
        urls::file_for(&self.url_path(job))
    }

    fn paper_at(&self, pos: usize) -> &Paper {
        &self.site.papers[self.site.index.latest[pos]]
    }

    /// Hash of everything the job's output shows.
    fn key(&self, job: &Job, url_path: &str) -> u64 {
        let mut h = DefaultHasher::new();
        self.site_key.hash(&mut h);
        url_path.hash(&mut h);
        let index = &self.site.index;
        match job {
            Job::Listing { list, page, pages } => {
                // The heading shows the listing's size.
                (page, pages, list.papers(self).len()).hash(&mut h);
                for &i in self.page_slice(*list, *page) {
                    self.keys[i].hash(&mut h);
                }
                if let List::Month(y, m) = list {
                    // The month page lists its days with counts.
                    for (d, v) in index.by_day.range(month_days(*y, *m)) {
                        (d, v.len()).hash(&mut h);
                    }
                }
            }
            Job::Paper(pos) => {
                let neighbours = [pos.checked_sub(1), Some(*pos), Some(pos + 1)];
                for p in neighbours.into_iter().flatten() {
                    index.latest.get(p).map(|&i| self.keys[i]).hash(&mut h);
                }
            }
            Job::Tags | Job::Search => {
                for t in &self.tags {
                    (&t.name, &t.slug, t.papers.len()).hash(&mut h);
                }
                index.latest.len().hash(&mut h);
            }
            Job::Archive => {
                for (k, v) in &index.by_month {
                    (k, v.len()).hash(&mut h);
                }
                for (k, v) in &index.by_day {
                    (k, v.len()).hash(&mut h);
                }
                index.undated.len().hash(&mut h);
            }
            Job::NotFound | Job::Robots => {}
            Job::Free(i) => {
                let p = &self.site.pages[*i];
                (&p.source, &p.template, &p.body, p.fingerprint).hash(&mut h);
                if !p.extra.is_empty() {
                    p.extra.to_string().hash(&mut h);
                }
            }
            Job::Feed(tag) => {
                for &i in self.feed_papers(*tag) {
                    self.keys[i].hash(&mut h);
                }
            }
            Job::Sitemap => self.sitemap_paths().hash(&mut h),
            Job::PapersJson | Job::SearchJson => {
                self.keys.hash(&mut h);
                index.latest.hash(&mut h);
            }
            Job::SyntaxCss => {}
            Job::Static(name) => self.theme.statics[name].hash(&mut h),
        }
        h.finish()
    }

    fn page_slice(&self, list: List, page: usize) -> &[usize] {
        let all = list.papers(self);
        if !list.paginated() {
            return all;
        }
        let per = self.site.config.paginate.max(1);
        let start = ((page - 1) * per).min(all.len());
        &all[start..(start + per).min(all.len())]
    }

    fn feed_papers(&self, tag: Option<usize>) -> &[usize] {
        let all = match tag {
            None => &self.site.index.latest[..],
            Some(i) => &self.tags[i].papers[..],
        };
        &all[..self.site.config.feeds.limit.min(all.len())]
    }

    fn sitemap_paths(&self) -> Vec<String> {
        self.jobs()
            .iter()
            .filter(|j| {
                matches!(
                    j,
                    Job::Listing { .. }
                        | Job::Paper(_)
                        | Job::Tags
                        | Job::Archive
                        | Job::Search
                        | Job::Free(_)
                )
            })
            .map(|j| self.url_path(j))
            .collect()
    }

    fn run(&self, job: &Job) -> Result<Arc<[u8]>, Diagnostic> {
        let g = &self.globals;
        let bytes: Vec<u8> = match job {
            Job::Listing { list, page, pages } => return self.listing(*list, *page, *pages),
            Job::Paper(pos) => return self.paper_page(*pos),
            Job::Tags => return self.page("tags.html", job, self.tags_context()),
            Job::Archive => return self.page("archive.html", job, self.archive_context()),
            Job::Search => {
                let mut own = self.tags_context();
                own.insert("title".into(), json!("Search"));
                own.insert("search_index".into(), json!(g.url("search.json")));
                own.insert("search_script".into(), json!(g.url("search.js")));
                own.insert("total".into(), json!(self.site.papers.len()));
                return self.page("search.html", job, own);
            }
            Job::NotFound => {
                let mut own = Map::new();
                own.insert("title".into(), json!("Page not found"));
                return self.page("404.html", job, own);
            }
            Job::Free(i) => {
                let p = &self.site.pages[*i];
                let mut own = Map::new();
                own.insert("title".into(), json!(p.title));
                own.insert(
                    "page".into(),
                    json!({
                        "title": p.title,
                        "slug": p.slug,
                        "url": g.url(&format!("{}/", p.slug)),
                        "content": markdown::to_html(&p.body),
                        "extra": serde_json::to_value(&p.extra).unwrap_or(Value::Null),
                    }),
                );
                return self.page(&p.template, job, own);
            }
            Job::Feed(tag) => {
                let papers: Vec<&Paper> = self
                    .feed_papers(*tag)
                    .iter()
                    .map(|&i| &self.site.papers[i])
                    .collect();
                let config = &self.site.config;
                match tag {
                    None => feeds::rss(self.site, g, &config.title, "", &papers),
                    Some(t) => {
                        let group = &self.tags[*t];
                        let title = format!("{} — {}", config.title, group.name);
                        feeds::rss(
                            self.site,
                            g,
                            &title,
                            &format!("tags/{}/", group.slug),
                            &papers,
                        )
                    }
                }
            }
            Job::Sitemap => feeds::sitemap(g, &self.sitemap_paths()),
            Job::Robots => feeds::robots(g),
            Job::PapersJson => search::papers_json(self.data.iter().map(|d| &*d.facts_json)),
            Job::SearchJson => search::search_index(
                self.site
                    .index
                    .latest
                    .iter()
                    .map(|&i| &*self.data[i].search_json),
            ),
            Job::SyntaxCss => highlight::syntax_css().as_bytes().to_vec(),
            Job::Static(name) => return Ok(Arc::clone(&self.theme.statics[name])),
        };
        Ok(Arc::from(bytes))
    }

    /// Renders a template with the shared values plus `own`.
    fn page(
        &self,
        template: &str,
        job: &Job,
        own: Map<String, Value>,
    ) -> Result<Arc<[u8]>, Diagnostic> {
        let ctx = self.globals.context(&self.url_path(job), own);
        match self.tera.render(template, &ctx) {
            Ok(html) => Ok(Arc::from(html.into_bytes())),
            Err(e) => Err(theme::template_error(
                self.theme,
                Some(template),
                &e,
                "cannot render",
            )),
        }
    }

    fn summaries(&self, papers: &[usize]) -> Value {
        Value::Array(
            papers
                .iter()
                .map(|&i| self.data[i].summary.clone())
                .collect(),
        )
    }

    fn listing(&self, list: List, page: usize, pages: usize) -> Result<Arc<[u8]>, Diagnostic> {
        let g = &self.globals;
        let base = list.base(self);
        let all = list.papers(self);
        let mut own = Map::new();
        let (kind, title) = match list {
            List::Latest => ("latest", "Latest papers".to_string()),
            List::Top => ("top", "Top papers".to_string()),
            List::Tag(i) => ("tag", format!("Papers tagged “{}”", self.tags[i].name)),
            List::Month(y, m) => ("month", format!("{} {y}", month_name(m))),
            List::Day(d) => ("day", context::date_display(Some(d))),
            List::Undated => ("undated", "Undated papers".to_string()),
        };
        let title = if page > 1 {
            format!("{title} — page {page}")
        } else {
            title
        };
        own.insert("kind".into(), json!(kind));
        own.insert("title".into(), json!(title));
        own.insert("count".into(), json!(all.len()));
        let shown = self.page_slice(list, page);
        if self.fill_papers {
            own.insert("papers".into(), self.summaries(shown));
        }
        // The cards already rendered, joined: one string for Tera to copy.
        let mut cards = String::with_capacity(shown.len() * 1600);
        for &i in shown {
            if let Some(card) = self.data[i].summary["card"].as_str() {
                cards.push_str(card);
            }
        }
        own.insert("cards".into(), json!(cards));
        let url_of = |n: usize| g.url(&urls::page(&base, n));
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
        match list {
            List::Tag(i) => {
                own.insert("tag".into(), self.tag_entry(&self.tags[i]));
                own.insert("feed_url".into(), json!(g.url(&format!("{base}feed.xml"))));
            }
            List::Latest => {
                own.insert("feed_url".into(), json!(g.url("feed.xml")));
            }
            List::Month(y, m) => {
                own.insert("year".into(), json!(y));
                own.insert("month".into(), json!(m));
                own.insert("month_name".into(), json!(month_name(m)));
                let days: Vec<Value> = self
                    .site
                    .index
                    .by_day
                    .range(month_days(y, m))
                    .map(|(d, v)| day_entry(g, *d, v.len()))
                    .collect();
                own.insert("days".into(), Value::Array(days));
            }
            List::Day(d) => {
                own.insert("date".into(), json!(d.to_string()));
                own.insert(
                    "month_url".into(),
                    json!(g.url(&urls::month(d.year(), d.month()))),
                );
            }
            List::Top | List::Undated => {}
        }
        let template = if matches!(list, List::Latest) {
            "index.html"
        } else {
            "list.html"
        };
        let job = Job::Listing { list, page, pages };
        self.page(template, &job, own)
    }

    fn paper_page(&self, pos: usize) -> Result<Arc<[u8]>, Diagnostic> {
        let latest = &self.site.index.latest;
        let i = latest[pos];
        let neighbour = |p: Option<usize>| {
            p.and_then(|p| latest.get(p))
                .map_or(Value::Null, |&j| self.data[j].summary.clone())
        };
        let mut own = Map::new();
        own.insert("title".into(), json!(self.site.papers[i].title));
        own.insert("paper".into(), self.data[i].full.clone());
        own.insert("previous".into(), neighbour(pos.checked_sub(1)));
        own.insert("next".into(), neighbour(Some(pos + 1)));
        self.page("paper.html", &Job::Paper(pos), own)
    }

    fn tag_entry(&self, t: &TagGroup) -> Value {
        let g = &self.globals;
        json!({
            "name": t.name,
            "slug": t.slug,
            "url": g.url(&format!("tags/{}/", t.slug)),
            "feed_url": g.url(&format!("tags/{}/feed.xml", t.slug)),
            "count": t.papers.len(),
        })
    }

    fn tags_context(&self) -> Map<String, Value> {
        let mut own = Map::new();
        own.insert("title".into(), json!("Tags"));
        own.insert(
            "tags".into(),
            Value::Array(self.tags.iter().map(|t| self.tag_entry(t)).collect()),
        );
        own
    }

    fn archive_context(&self) -> Map<String, Value> {
        let g = &self.globals;
        let index = &self.site.index;
        let mut years: BTreeMap<i32, Vec<Value>> = BTreeMap::new();
        let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
        for (&(y, m), papers) in index.by_month.iter().rev() {
            let days: Vec<Value> = index
                .by_day
                .range(month_days(y, m))
                .map(|(d, v)| day_entry(g, *d, v.len()))
                .collect();
            years.entry(y).or_default().push(json!({
                "year": y,
                "month": m,
                "name": month_name(m),
                "url": g.url(&urls::month(y, m)),
                "count": papers.len(),
                "days": days,
            }));
            *counts.entry(y).or_default() += papers.len();
        }
        let years: Vec<Value> = years
            .into_iter()
            .rev()
            .map(|(y, months)| json!({"year": y, "count": counts[&y], "months": months}))
            .collect();
        let undated = (!index.undated.is_empty())
            .then(|| json!({"url": g.url(UNDATED), "count": index.undated.len()}));
        let mut own = Map::new();
        own.insert("title".into(), json!("Archive"));
        own.insert("years".into(), Value::Array(years));
        own.insert("undated".into(), undated.unwrap_or(Value::Null));
        own
    }
}

fn day_entry(g: &Globals, d: NaiveDate, count: usize) -> Value {
    json!({
        "day": d.day(),
        "date": d.to_string(),
        "date_display": context::date_display(Some(d)),
        "url": g.url(&urls::day(d)),
        "count": count,
    })
}

/// The days of a month, as a `by_day` range.
fn month_days(y: i32, m: u32) -> std::ops::RangeInclusive<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN);
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first);
    first..=last
}
