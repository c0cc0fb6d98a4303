//! The engine over whole sites: determinism, reuse, errors.

use std::sync::Arc;

use crate::output::Output;
use crate::render::fixtures::*;
use crate::render::{Edit, Pass, RenderCache, render, render_pass};
use crate::site::{Paper, Site};

#[test]
fn two_renders_are_byte_identical() {
    let site = sample();
    assert_eq!(
        build(&site, "https://example.org/"),
        build(&site, "https://example.org/")
    );
}

/// `gazette build` renders once and makes what one job each reads of a
/// paper (its page's data, its `papers.json` line, its search words) in
/// that job; `serve` makes them ahead and keeps them. The site must not
/// tell which.
#[test]
fn a_one_off_render_makes_the_same_bytes_as_one_that_keeps_its_parts() {
    let site = sample();
    let theme = default_theme();
    let once = render_with(&site, &theme, &mut RenderCache::once());
    assert_eq!(once, build_with(&site, &theme));
    assert!(text(&once, "papers/gamma/index.html").contains("It is <em>good</em>"));
}

/// Forty papers over three tags and four months.
fn forty_papers() -> Site {
    let mut papers = Vec::new();
    for i in 0..40 {
        let tag = ["llm", "vision", "audio"][i % 3];
        papers.push(paper(
            &format!("p{i:02}"),
            &format!("Paper {i}"),
            Some((2025, 1 + (i % 4) as u32, 1 + (i % 20) as u32)),
            i as u32,
            &[tag],
        ));
    }
    site_of(papers, vec![free_page("about", "About", "x")])
}

#[test]
fn an_incremental_render_equals_a_full_one_and_reuses_most_pages() {
    let mut site = forty_papers();
    site.config.paginate = 5;
    let pages = site.pages.clone();
    let theme = default_theme();
    let mut cache = RenderCache::default();
    let (_, first) = render(&site, &theme, "https://example.org/", &mut cache).unwrap();
    assert_eq!(first.reused, 0);

    let mut papers = site.papers.clone();
    let i = papers.iter().position(|p| p.slug == "p17").unwrap();
    papers[i].title = "Paper 17, revised".into();
    papers[i].body = "New *notes*.".into();
    let mut site = site_of(papers, pages);
    site.config.paginate = 5;
    let (incremental, stats) = render(&site, &theme, "https://example.org/", &mut cache).unwrap();
    assert_eq!(
        *incremental,
        build_with(&site, &theme),
        "an incremental render must equal a full one"
    );
    assert!(text(&incremental, "papers/p17/index.html").contains("Paper 17, revised"));
    assert!(stats.reused > 3 * stats.rendered, "{stats:?}");
    assert!(stats.rendered > 0);

    // Nothing changed: everything reused.
    let (_, again) = render(&site, &theme, "https://example.org/", &mut cache).unwrap();
    assert_eq!(again.rendered, 0, "{again:?}");
}

/// Notes show on the paper's own page and are searched, nowhere else: an
/// edit of them alone must not render every listing, feed and neighbour
/// that shows the paper's card again (at 10,000 papers that was most of
/// `serve`'s time after a save).
#[test]
fn a_notes_edit_renders_only_the_papers_page_and_the_search_index() {
    let site = sample();
    let theme = default_theme();
    let mut cache = RenderCache::default();
    let (before, _) = render(&site, &theme, "https://example.org/", &mut cache).unwrap();

    let mut papers = site.papers.clone();
    let i = papers.iter().position(|p| p.slug == "alpha").unwrap();
    papers[i].body = "A *new* note about **quokkas**.".into();
    let site = site_of(papers, site.pages.clone());
    let (after, stats) = render(&site, &theme, "https://example.org/", &mut cache).unwrap();
    assert_eq!(*after, build_with(&site, &theme));
    assert!(text(&after, "papers/alpha/index.html").contains("quokkas"));

    // A file kept from the last render is the very same allocation.
    let rendered: Vec<&String> = (after.files.iter())
        .filter(|(path, bytes)| {
            before
                .files
                .get(*path)
                .is_none_or(|old| !std::sync::Arc::ptr_eq(old, bytes))
        })
        .map(|(path, _)| path)
        .collect();
    assert_eq!(rendered.len(), stats.rendered);
    let others: Vec<&&String> = (rendered.iter())
        .filter(|p| **p != "papers/alpha/index.html" && !p.starts_with("search/"))
        .collect();
    assert!(
        others.is_empty(),
        "rendered again although they do not show notes: {others:?}"
    );
    assert!(
        rendered.iter().any(|p| p.starts_with("search/")),
        "notes are searched"
    );
}

/// `serve` tells the engine when only notes changed: then only the jobs
/// that show the edited papers' notes (their pages, the search index) are
/// made and keyed again, not every job of every kind, and every other file
/// is the very one the last render made. What it makes is still the full
/// render, through a run of such edits; and a caller that says "notes
/// only" when more changed gets a full plan.
#[test]
fn a_notes_only_render_makes_only_the_jobs_showing_the_notes_and_equals_a_full_one() {
    let theme = default_theme();
    let pass = |site: &Site, cache: &mut RenderCache, edit| {
        let (out, stats) =
            render_pass(site, &theme, "https://example.org/", cache, Pass::All, edit).unwrap();
        assert_eq!(*out, build_with(site, &theme), "{edit:?}");
        (out, stats)
    };
    // More papers than a job may show the notes of and be told by paper:
    // the search index shows every paper's.
    let mut site = forty_papers();
    let mut cache = RenderCache::default();
    // The first render has nothing to reuse, whatever the caller says.
    let (mut before, first) = pass(&site, &mut cache, Edit::NotesOnly);
    assert_eq!(first.reused, 0);
    let every_job = first.planned;
    for round in 0..3 {
        let mut papers = site.papers.clone();
        let i = (round * 2) % papers.len();
        papers[i].body = format!("Round {round}: a note about **quokkas**.");
        let page = format!("papers/{}/index.html", papers[i].slug);
        site = site_of(papers, site.pages.clone());
        let (after, stats) = pass(&site, &mut cache, Edit::NotesOnly);
        assert_eq!(stats.planned, 2, "its page and the search index: {stats:?}");
        assert!(stats.reused > stats.rendered, "{stats:?}");
        assert!(text(&after, &page).contains("quokkas"));
        for (path, bytes) in &after.files {
            let kept = before
                .files
                .get(path)
                .is_some_and(|b| Arc::ptr_eq(b, bytes));
            assert!(
                kept || *path == page || path.starts_with("search/"),
                "round {round}: {path} made again though it shows no notes"
            );
        }
        before = after;
    }
    // Two papers' notes at once.
    let mut papers = site.papers.clone();
    papers[1].body = "One note.".into();
    papers[3].body = "Another.".into();
    site = site_of(papers, site.pages.clone());
    let (_, stats) = pass(&site, &mut cache, Edit::NotesOnly);
    assert_eq!(stats.planned, 3, "{stats:?}");
    // Said to be notes only, but a title changed: planned in full.
    let mut papers = site.papers.clone();
    papers[0].title = "Retitled".into();
    site = site_of(papers, site.pages.clone());
    let (_, stats) = pass(&site, &mut cache, Edit::NotesOnly);
    assert_eq!(stats.planned, every_job);
    // And a notes edit after that one still makes only what shows them.
    let mut papers = site.papers.clone();
    papers[1].body = "Last note.".into();
    site = site_of(papers, site.pages.clone());
    let (_, stats) = pass(&site, &mut cache, Edit::NotesOnly);
    assert_eq!(stats.planned, 2, "{stats:?}");
}

/// `serve` shows an edited page before it makes the search index again
/// ([`Pass::PagesFirst`]): after a notes edit the first pass makes the
/// page and keeps the last index, the next pass makes the index, and the
/// files of the old index are gone (its shards are named by content).
#[test]
fn a_notes_edit_shown_pages_first_then_makes_the_index_and_drops_the_old_one() {
    let theme = default_theme();
    let site = forty_papers();
    let mut cache = RenderCache::default();
    let url = "https://example.org/";
    let (before, _) = render_pass(&site, &theme, url, &mut cache, Pass::All, Edit::Any).unwrap();
    let mut papers = site.papers.clone();
    papers[2].body = "Zygomorphic quokkas.".into();
    let site = site_of(papers, site.pages.clone());
    let search = |o: &Output| -> Vec<(String, Vec<u8>)> {
        (o.files.iter())
            .filter(|(p, _)| p.starts_with("search/") && p.ends_with(".json"))
            .map(|(p, b)| (p.clone(), b.to_vec()))
            .collect()
    };
    let (first, stats) = render_pass(
        &site,
        &theme,
        url,
        &mut cache,
        Pass::PagesFirst,
        Edit::NotesOnly,
    )
    .unwrap();
    assert_eq!(stats.deferred, 1, "{stats:?}");
    assert_eq!(search(&first), search(&before), "the last index meanwhile");
    let page = format!("papers/{}/index.html", site.papers[2].slug);
    assert!(text(&first, &page).contains("Zygomorphic"));
    let (rest, stats) =
        render_pass(&site, &theme, url, &mut cache, Pass::All, Edit::NotesOnly).unwrap();
    assert_eq!(stats.planned, 1, "the index alone: {stats:?}");
    assert_eq!(*rest, build_with(&site, &theme));
    assert_ne!(search(&rest), search(&before));
    // Nothing left to make.
    let (again, stats) =
        render_pass(&site, &theme, url, &mut cache, Pass::All, Edit::NotesOnly).unwrap();
    assert_eq!((stats.planned, stats.rendered), (0, 0), "{stats:?}");
    assert_eq!(again, rest);
}

/// A tiny deterministic generator, so a failing case names its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

const TAGS: &[&str] = &["llm", "LLM", "Llm", "vision", "?!"];

fn random_paper(rng: &mut Rng, n: usize) -> Paper {
    let date = match rng.below(5) {
        0 => None,
        d => Some((2025, 1 + (d as u32 % 2), 1 + rng.below(3) as u32)),
    };
    let tags: Vec<&str> = (0..1 + rng.below(2)).map(|_| rng.pick(TAGS)).collect();
    let title = format!("{} {n}", rng.pick(&["Alpha", "Beta", "Gamma"]));
    paper(&format!("p{n}"), &title, date, rng.below(4) as u32, &tags)
}

/// One random edit of the kind a person or an import makes.
fn edit(rng: &mut Rng, site: &Site, next: &mut usize) -> Site {
    let mut papers = site.papers.clone();
    let mut pages = site.pages.clone();
    let i = rng.below(papers.len().max(1));
    match (rng.below(12), papers.is_empty()) {
        (0, _) | (_, true) => {
            *next += 1;
            papers.push(random_paper(rng, *next));
        }
        (1, _) => {
            papers.remove(i);
        }
        (2, _) => papers[i].title = format!("Edited {}", rng.below(100)),
        (3, _) => papers[i].date = random_paper(rng, 0).date,
        (4, _) => papers[i].upvotes = rng.below(20) as u32,
        (5, _) => papers[i].tags = vec![rng.pick(TAGS).to_string()],
        (6, _) => papers[i].body = format!("Note {}", rng.below(100)),
        (7, _) => papers[i].abstract_ = format!("We show {}", rng.below(100)),
        (8, _) => papers[i].code = Some(format!("https://example.org/{}", rng.below(9))),
        (9, _) => {
            let value = toml::Value::Integer(rng.below(9) as i64);
            papers[i].extra.insert("rating".into(), value);
        }
        (10, _) => pages[0].title = format!("About {}", rng.below(100)),
        _ => pages[0].body = format!("We read {}", rng.below(100)),
    }
    let mut edited = site_of(papers, pages);
    edited.config.feeds.limit = 2;
    edited
}

/// Whatever is edited, a render that reuses the last one's cache makes
/// exactly what a fresh render makes: no page kind's key misses a value
/// its page shows. Every template prints its whole context, so a value
/// that reaches a page but not its key shows up as a difference.
#[test]
fn incremental_renders_equal_full_ones_through_random_edits() {
    let dump = "{{ __tera_context }}";
    let listing = "{{ __tera_context }} {{ papers | json_encode() }}";
    let theme = theme_with(&[
        ("index.html", listing),
        ("list.html", listing),
        ("paper.html", dump),
        ("tags.html", dump),
        ("archive.html", dump),
        ("search.html", dump),
        ("page.html", dump),
        ("404.html", dump),
        ("partials/card.html", dump),
    ]);
    for seed in 0..20 {
        let mut rng = Rng(seed);
        let mut next = 0;
        let papers: Vec<Paper> = (0..8)
            .map(|_| {
                next += 1;
                random_paper(&mut rng, next)
            })
            .collect();
        let mut site = site_of(papers, vec![free_page("about", "About", "x")]);
        site.config.feeds.limit = 2;
        let mut cache = RenderCache::default();
        render_with(&site, &theme, &mut cache);
        for step in 0..6 {
            site = edit(&mut rng, &site, &mut next);
            let incremental = render_with(&site, &theme, &mut cache);
            // From nothing but the Tera instance (parsing the templates
            // again would take most of this test's time).
            let mut fresh = RenderCache {
                tera: cache.tera.clone(),
                ..RenderCache::default()
            };
            let full = render_with(&site, &theme, &mut fresh);
            for (path, bytes) in &full.files {
                assert!(
                    incremental.files.get(path) == Some(bytes),
                    "seed {seed}, edit {step}: {path} differs from a full render"
                );
            }
            assert_eq!(incremental.files.len(), full.files.len(), "seed {seed}");
        }
    }
}

#[test]
fn a_missing_variable_names_the_template_and_the_page() {
    let theme = theme_with(&[(
        "tags.html",
        "{% extends \"base.html\" %}{% block content %}{{ nope.nothing }}{% endblock content %}",
    )]);
    let err = render_err(&sample(), &theme);
    assert_eq!(err.len(), 1, "{err:?}");
    assert_eq!(err[0].file, "templates/tags.html");
    assert!(err[0].message.contains("nope.nothing"), "{}", err[0]);
    assert!(
        err[0].message.ends_with("(page /tags/)"),
        "names the page: {}",
        err[0]
    );
}

#[test]
fn a_broken_card_template_is_one_error_not_one_per_paper() {
    let theme = theme_with(&[("partials/card.html", "{{ paper.missing }}")]);
    let err = render_err(&sample(), &theme);
    assert_eq!(err.len(), 1, "{err:?}");
    assert_eq!(err[0].file, "templates/partials/card.html");
    assert!(
        err[0].message.ends_with("(page /papers/alpha/ and 3 more)"),
        "{}",
        err[0]
    );
}

#[test]
fn a_template_syntax_error_names_file_and_line() {
    let theme = theme_with(&[("page.html", "ok\n{% if %}\n")]);
    let err = render_err(&sample(), &theme);
    assert_eq!(err[0].file, "templates/page.html", "{err:?}");
    assert_eq!(err[0].line, 2, "{}", err[0]);
}

/// A site problem stops the render before any paper is rendered, even
/// when the card template is broken too.
#[test]
fn a_free_page_problem_is_reported_before_template_errors() {
    let mut site = sample();
    site.pages.push(free_page("top", "Top", "mine"));
    let theme = theme_with(&[("partials/card.html", "{{ paper.missing }}")]);
    let err = render_err(&site, &theme);
    assert_eq!(err.len(), 1, "{err:?}");
    assert_eq!(err[0].file, "content/top.md");
}

/// Any two kinds whose pages land on one path (organizations that slugify
/// alike, say) are caught, named by their sources when they have them.
mod collisions {
    use super::super::plan::collisions;
    use super::super::{Bytes, Env, Jobs, Render};
    use crate::diagnostic::Diagnostic;

    #[derive(Hash)]
    struct Made(Option<&'static str>);

    impl Render for Made {
        fn render(&self, _: &Env, _: &str) -> Result<Bytes, Diagnostic> {
            Ok(Bytes::from(&b""[..]))
        }

        fn source(&self) -> Option<String> {
            self.0.map(String::from)
        }
    }

    fn errors(make: impl FnOnce(&mut Jobs)) -> Vec<String> {
        let mut jobs = Jobs::default();
        make(&mut jobs);
        collisions(&jobs.list)
            .iter()
            .map(std::string::ToString::to_string)
            .collect()
    }

    #[test]
    fn two_pages_at_one_path_are_an_error_whoever_made_them() {
        assert_eq!(
            errors(|out| {
                out.page("orgs/kyutai/", Made(None));
                out.page("orgs/kyutai/", Made(None));
            }),
            [
                "gazette: error: /orgs/kyutai/ is made twice, by two of Gazette's pages: \
              one would hide the other; rename or remove one"
            ]
        );
        assert_eq!(
            errors(|out| {
                out.page("orgs/kyutai/", Made(None));
                out.page("orgs/kyutai/", Made(Some("content/papers/b.md")));
            }),
            [
                "content/papers/b.md: error: /orgs/kyutai/ is made twice, by this file and by \
              Gazette's page /orgs/kyutai/: one would hide the other; rename or remove one"
            ]
        );
        // A page and a file at one path, in either order.
        assert_eq!(
            errors(|out| {
                out.file("x/index.html", Made(Some("static/x/index.html")));
                out.page("x/", Made(Some("content/x.md")));
            })
            .len(),
            1
        );
    }

    #[test]
    fn a_later_file_may_replace_an_earlier_file() {
        assert!(
            errors(|out| {
                out.file("robots.txt", Made(None));
                out.file("robots.txt", Made(Some("static/robots.txt")));
            })
            .is_empty()
        );
    }
}
