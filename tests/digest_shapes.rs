//! Dumps as people save them: the plain copy, the copy with links and
//! Markdown exports of the daily, search and trending pages import as
//! exactly their papers, with their facts and arXiv ids, and nothing else
//! (`tests/fixtures/digests/`, written after public captures of the pages).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use gazette::config::Config;
use gazette::digest::{Who, parse};
use gazette::import::{ImportReport, import_site};
use gazette::page::{self, PageFile};

mod common;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/digests")
}

fn fixture(name: &str) -> Vec<u8> {
    fs::read(fixtures_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A site with these dumps (from the fixtures, or the seeds) and no pages.
fn site_with(dumps: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("digests")).unwrap();
    for (name, bytes) in dumps {
        fs::write(dir.path().join("digests").join(name), bytes).unwrap();
    }
    dir
}

fn import(root: &Path) -> ImportReport {
    let config = Config::load(root).unwrap();
    import_site(root, &config).expect("import runs")
}

/// Every page by title.
fn pages(root: &Path) -> BTreeMap<String, PageFile> {
    let Ok(entries) = fs::read_dir(root.join("content/papers")) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .map(|path| {
            let text = fs::read_to_string(&path).unwrap();
            let page = page::read(&text, &path.display().to_string()).unwrap();
            (page.front.facts.title.clone(), page)
        })
        .collect()
}

fn messages(report: &ImportReport) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .map(std::string::ToString::to_string)
        .collect()
}

/// Who wrote a paper, as its page says.
#[derive(Debug, Clone, Copy, PartialEq)]
enum By {
    Authors(u32),
    Org(&'static str, &'static str),
}

/// One paper of the fixtures, as a reader of the page sees it.
struct Expected {
    arxiv: &'static str,
    title: &'static str,
    by: By,
    /// (year, month, day); year-less dates are in the year of the file name.
    date: (i32, u32, u32),
    upvotes: Option<u32>,
    comments: Option<u32>,
    /// How the abstract starts and ends.
    abstract_start: &'static str,
    abstract_end: &'static str,
}

const PAPERS: [Expected; 12] = [
    Expected {
        arxiv: "2606.00683",
        title: "Sparse Lattice Attention for Long-Document Retrieval",
        by: By::Org("Lattice Lab", "lattice-lab"),
        date: (2026, 5, 29),
        upvotes: Some(101),
        comments: Some(6),
        abstract_start: "Retrieval over long documents forces a choice",
        abstract_end: "Code: https://github.com/lattice-lab/sla.",
    },
    Expected {
        arxiv: "2609.11115",
        title: "Tidewater: A Streaming Benchmark for Coastal Flood Forecasting",
        by: By::Org("Carnegie Mellon University", "CarnegieMellonU"),
        date: (2026, 9, 9),
        upvotes: Some(173),
        comments: Some(9),
        abstract_start: "Coastal flood forecasts are judged on archived storms",
        abstract_end: "available at https://tidewater-bench.github.io.",
    },
    Expected {
        arxiv: "2502.20581",
        title: "Measuring How Code Review Comments Change Pull Requests",
        by: By::Authors(3),
        date: (2025, 2, 27),
        upvotes: None,
        comments: None,
        abstract_start: "Code review is meant to change code, yet most studies count comments rather than the edits they cause. We link 1.8 million review comments from 2,400 open-source repositories",
        abstract_end: "We release the linked dataset and the classifier.",
    },
    Expected {
        arxiv: "2605.08583",
        title: "Cite or It Didn't Happen: Verifying References in Generated Surveys",
        by: By::Org("University of Massachusetts Amherst", "umass"),
        date: (2026, 5, 8),
        upvotes: Some(1),
        comments: Some(1),
        abstract_start: "Language models asked to write literature surveys",
        abstract_end: "Code: https://github.com/cite-check/citecheck.",
    },
    Expected {
        arxiv: "2609.00319",
        title: "Harbor: Multilingual Audits of Health Answers from Chat Assistants",
        by: By::Authors(10),
        date: (2026, 8, 30),
        upvotes: None,
        comments: None,
        abstract_start: "People increasingly ask chat assistants",
        abstract_end: "the answers and the source classifier.",
    },
    Expected {
        arxiv: "2403.01774",
        title: "WebQuill: Attributed Summaries of Chinese Web Search Results",
        by: By::Authors(9),
        date: (2024, 3, 3),
        upvotes: None,
        comments: None,
        abstract_start: "Summaries of web search results are useful only when each claim can be traced to the page that supports it. We present WebQuill",
        abstract_end: "The dataset and evaluation code will be released.",
    },
    Expected {
        arxiv: "2410.22349",
        title: "2048",
        by: By::Authors(5),
        date: (2024, 10, 14),
        upvotes: Some(14),
        comments: Some(4),
        abstract_start: "We study the sliding-tile game 2048",
        abstract_end: "We release the environment and the traces.",
    },
    Expected {
        arxiv: "2509.04499",
        title: "DeepAudit: Tracing Claims to Sources in Research Agents [v2]",
        by: By::Authors(6),
        date: (2025, 9, 1),
        upvotes: None,
        comments: None,
        abstract_start: "Research agents write long reports",
        abstract_end: "adds two systems and a human validation study.",
    },
    Expected {
        arxiv: "2511.12142",
        title: "MAVEN-QA: Multimodal Source Attribution for Visual Questions",
        by: By::Authors(4),
        date: (2025, 11, 15),
        upvotes: Some(2),
        comments: None,
        abstract_start: "Answers to questions about images",
        abstract_end: "The benchmark and the evaluation toolkit are public.",
    },
    Expected {
        arxiv: "2307.12794",
        title: "NoDOI: A Dataset of Citations from Workshop Papers",
        by: By::Authors(4),
        date: (2023, 7, 24),
        upvotes: None,
        comments: None,
        abstract_start: "Workshop and conference papers in computer science",
        abstract_end: "its matching accuracy and the gaps that remain.",
    },
    Expected {
        arxiv: "2608.27394",
        title: "RATIO-2: Retrieval Across Typed Ideation Operations",
        by: By::Authors(2),
        date: (2026, 8, 31),
        upvotes: Some(5),
        comments: Some(2),
        abstract_start: "Scientific literature can inspire new work",
        abstract_end: "for fewer than half of the queries.",
    },
    Expected {
        arxiv: "1802.08979",
        title: "ShellNet: Mapping English Requests to Shell Commands",
        by: By::Authors(4),
        date: (2018, 2, 24),
        upvotes: None,
        comments: None,
        abstract_start: "We present a corpus of 9,300 shell commands",
        abstract_end: "a functionally equivalent one for a further 17%.",
    },
];

/// What one fixture holds and which of the facts its shape shows.
struct Fixture {
    name: &'static str,
    /// How many of `PAPERS`, from the first.
    papers: usize,
    arxiv: bool,
    comments: bool,
    /// The trending page shows `0` where a listing shows no count.
    upvotes_zero_for_none: bool,
}

const FIXTURES: [Fixture; 6] = [
    Fixture {
        name: "markdown-search-2026-10-02.md",
        papers: 12,
        arxiv: true,
        comments: true,
        upvotes_zero_for_none: false,
    },
    Fixture {
        name: "markdown-trending.md",
        papers: 10,
        arxiv: true,
        comments: false,
        upvotes_zero_for_none: true,
    },
    Fixture {
        name: "markdown-refs-2026-06-29.md",
        papers: 10,
        arxiv: false,
        comments: true,
        upvotes_zero_for_none: false,
    },
    Fixture {
        name: "linked-search-2026-03-25.txt",
        papers: 12,
        arxiv: true,
        comments: true,
        upvotes_zero_for_none: false,
    },
    Fixture {
        name: "plain-search-2026-03-25.txt",
        papers: 12,
        arxiv: false,
        comments: false,
        upvotes_zero_for_none: false,
    },
    Fixture {
        name: "plain-trending.txt",
        papers: 10,
        arxiv: false,
        comments: false,
        upvotes_zero_for_none: true,
    },
];

#[test]
fn each_shape_imports_exactly_its_papers_with_their_facts() {
    for fx in &FIXTURES {
        let site = site_with(&[(fx.name, fixture(fx.name))]);
        let report = import(site.path());
        assert!(
            report.diagnostics.is_empty(),
            "{}: {:#?}",
            fx.name,
            messages(&report)
        );
        let pages = pages(site.path());
        let expected = &PAPERS[..fx.papers];
        let titles: Vec<&str> = expected.iter().map(|p| p.title).collect();
        assert_eq!(
            pages.keys().map(String::as_str).collect::<Vec<_>>(),
            {
                let mut t = titles.clone();
                t.sort();
                t
            },
            "{}: exactly its papers",
            fx.name
        );
        for p in expected {
            let f = &pages[p.title].front.facts;
            let what = format!("{}: {}", fx.name, p.title);
            assert_eq!(f.arxiv.as_deref(), fx.arxiv.then_some(p.arxiv), "{what}");
            assert_eq!(
                f.date,
                chrono::NaiveDate::from_ymd_opt(p.date.0, p.date.1, p.date.2),
                "{what}"
            );
            let upvotes = match p.upvotes {
                None if fx.upvotes_zero_for_none => Some(0),
                n => n,
            };
            assert_eq!(f.upvotes, upvotes, "{what}");
            match p.by {
                By::Authors(n) => {
                    assert_eq!(
                        (f.authors, f.organization.as_deref()),
                        (Some(n), None),
                        "{what}"
                    );
                }
                By::Org(name, _) => {
                    assert_eq!(
                        (f.authors, f.organization.as_deref()),
                        (None, Some(name)),
                        "{what}"
                    );
                }
            }
            assert!(
                f.abstract_.starts_with(p.abstract_start) && f.abstract_.ends_with(p.abstract_end),
                "{what}: {}",
                f.abstract_
            );
            assert!(
                !f.abstract_.contains(['\\', '[', ']']),
                "{what}: {}",
                f.abstract_
            );
            assert_eq!(f.digests, [fx.name], "{what}");
        }
        let sla = &pages[PAPERS[0].title].front.facts;
        assert_eq!(
            sla.code.as_deref(),
            Some("https://github.com/lattice-lab/sla"),
            "{}: the abstract's code link",
            fx.name
        );
    }
}

#[test]
fn comment_counts_and_organization_handles_are_read_where_shown() {
    for fx in FIXTURES.iter().filter(|f| f.name != "plain-trending.txt") {
        let d = parse(&fixture(fx.name), fx.name);
        for p in &PAPERS[..fx.papers] {
            let e = d
                .entries
                .iter()
                .find(|e| e.title == p.title)
                .unwrap_or_else(|| panic!("{}: {}", fx.name, p.title));
            let what = format!("{}: {}", fx.name, p.title);
            assert_eq!(e.comments, p.comments.filter(|_| fx.comments), "{what}");
            if let (By::Org(name, handle), Some(Who::Organization { name: n, handle: h })) =
                (p.by, &e.who)
            {
                assert_eq!((n.as_str(), h.as_deref()), (name, Some(handle)), "{what}");
            }
        }
    }
}

#[test]
fn the_same_papers_saved_three_ways_are_one_page_each_with_the_arxiv_id() {
    let names = [
        "linked-search-2026-03-25.txt",
        "markdown-search-2026-10-02.md",
        "plain-search-2026-03-25.txt",
    ];
    let dumps: Vec<(&str, Vec<u8>)> = names.iter().map(|n| (*n, fixture(n))).collect();
    let site = site_with(&dumps);
    let report = import(site.path());
    assert!(report.diagnostics.is_empty(), "{:#?}", messages(&report));
    let pages = pages(site.path());
    assert_eq!(pages.len(), 12);
    for p in &PAPERS {
        let f = &pages[p.title].front.facts;
        assert_eq!(f.arxiv.as_deref(), Some(p.arxiv), "{}", p.title);
        assert_eq!(f.digests, names, "{}", p.title);
    }
    // A second import over the same dumps changes no byte.
    let before: Vec<String> = walk(&site.path().join("content/papers"));
    let again = import(site.path());
    assert_eq!((again.added, again.updated), (0, 0));
    assert_eq!(walk(&site.path().join("content/papers")), before);
}

fn walk(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| fs::read_to_string(p).unwrap())
        .collect()
}

#[test]
fn a_markdown_dump_with_bad_links_keeps_every_real_paper_and_reports_the_rest() {
    let name = "bad-markdown-2026-07-04.md";
    let d = parse(&fixture(name), name);
    let titles: Vec<&str> = d.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Hopper [v2]: Nested Brackets Survive in a Title",
            "2048",
            "Nebula: Six Digits After the Dot Are Not an arXiv Id",
            "Truncated: The Last Entry Is Cut Mid-Link",
        ]
    );
    let hopper = &d.entries[0];
    assert_eq!(hopper.arxiv.as_deref(), Some("2607.01234"));
    assert_eq!(hopper.upvotes, Some(7));
    assert!(
        hopper.abstract_raw.ends_with(
            "our code is at the project page (https://hopper-v2.github.io) and \
             https://github.com/hopper-lab/hopper."
        ),
        "{}",
        hopper.abstract_raw
    );
    let nebula = &d.entries[2];
    assert_eq!(nebula.arxiv, None);
    assert_eq!(
        nebula.who,
        Some(Who::Organization {
            name: "Nebula AI".into(),
            handle: Some("nebula-ai".into())
        })
    );
    let cut = &d.entries[3];
    assert!(
        cut.abstract_raw
            .starts_with("This abstract was being saved")
    );
    assert!(cut.abstract_raw.ends_with("in the middle of a"));

    // Every skipped or doubtful line is reported at its line.
    let text = String::from_utf8(fixture(name)).unwrap();
    let line_of = |needle: &str| 1 + text.lines().position(|l| l.contains(needle)).unwrap();
    let at: Vec<(usize, &str)> = d
        .diagnostics
        .iter()
        .map(|m| (m.line, m.message.as_str()))
        .collect();
    let expect = [
        (line_of("### [](https"), "no title text"),
        (
            line_of("a-link-is-not-a-title]"),
            "a URL where a paper title",
        ),
        (line_of("Six Digits"), "not an arXiv id"),
        (line_of("[This abstract was being saved"), "never closed"),
        (line_of("Truncated: The Last"), "looks truncated"),
    ];
    assert_eq!(at.len(), expect.len(), "{at:#?}");
    for (line, words) in expect {
        assert!(
            at.iter().any(|(l, m)| *l == line && m.contains(words)),
            "{line}: {words} in {at:#?}"
        );
    }

    let site = site_with(&[(name, fixture(name))]);
    import(site.path());
    let pages = pages(site.path());
    assert_eq!(pages.len(), 4, "{:?}", pages.keys());
    assert_eq!(
        pages["Hopper [v2]: Nested Brackets Survive in a Title"]
            .front
            .facts
            .code
            .as_deref(),
        Some("https://github.com/hopper-lab/hopper")
    );
}

#[test]
fn a_page_saved_twice_into_one_file_is_reported_and_imports_once() {
    let name = "bad-linked-saved-twice-2026-03-25.txt";
    let site = site_with(&[(name, fixture(name))]);
    let report = import(site.path());
    let msgs = messages(&report);
    assert_eq!(msgs.len(), 1, "{msgs:#?}");
    assert!(
        msgs[0].contains("two pages saved into one file"),
        "{msgs:?}"
    );
    let pages = pages(site.path());
    let titles: Vec<&str> = pages.keys().map(String::as_str).collect();
    let mut expected: Vec<&str> = PAPERS[..3].iter().map(|p| p.title).collect();
    expected.sort();
    assert_eq!(titles, expected);
}

#[test]
fn a_file_that_is_no_listing_is_not_a_digest_and_imports_nothing() {
    let name = "not-a-digest.md";
    let site = site_with(&[(name, fixture(name))]);
    let report = import(site.path());
    let msgs = messages(&report);
    assert_eq!(
        msgs,
        [
            "digests/not-a-digest.md:1: warning: not a digest: no paper found in it \
          (only a page header, or nothing recognisable, from \"# My reading notes\" on); \
          nothing imported from this file"
        ]
    );
    assert!(pages(site.path()).is_empty());
}

/// Done when: across every fixture in the suite (and the seeds), no
/// imported page's title is a URL, a bare number that is not a real
/// entry's title, a navigation word, a header line or a date.
#[test]
fn no_fixture_ever_imports_a_page_titled_with_page_text() {
    // Titles that are numbers and are real papers in the fixtures.
    let real_number_titles = ["2048"];
    let page_text = [
        "new",
        "subscribe",
        "daily papers",
        "trending papers",
        "by ak and the research community",
        "byak and the research community",
        "get trending papers in your email inbox!",
        "get trending papers in your email inbox once a day!",
        "daily",
        "weekly",
        "monthly",
        "hugging face",
        "models",
        "datasets",
        "spaces",
        "buckets new",
        "docs",
        "enterprise",
        "pricing",
        "log in",
        "sign up",
        "previous",
        "next",
        "submitted by",
        "upvote",
        "github",
        "arxiv page",
        "system theme",
        "company",
        "tos",
        "privacy",
        "about",
        "careers",
        "website",
        "ak",
        "source citations",
        "trending papers ranked by github stars activity",
        "daily papers - hugging face",
        "extracted text",
        "web source",
        "my reading notes",
        "next week",
        "[content truncated]",
    ];
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dumps: Vec<PathBuf> = fs::read_dir(fixtures_dir())
        .unwrap()
        .chain(fs::read_dir(repo.join("digests")).unwrap())
        .map(|e| e.unwrap().path())
        .collect();
    dumps.sort();
    assert!(dumps.len() >= 14, "{dumps:?}");
    let mut checked = 0;
    for dump in &dumps {
        let name = dump.file_name().unwrap().to_str().unwrap();
        let site = site_with(&[(name, fs::read(dump).unwrap())]);
        import(site.path());
        for title in pages(site.path()).into_keys() {
            let t = title.trim();
            let lower = t.to_lowercase();
            let numeric = t.chars().any(|c| c.is_ascii_digit())
                && t.chars()
                    .all(|c| c.is_ascii_digit() || " .,+-k".contains(c));
            let date = {
                let mut w = t.split_whitespace();
                let month = w.next().unwrap_or("");
                "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"
                    .split(' ')
                    .any(|m| m == month)
                    && w.next()
                        .is_some_and(|d| d.trim_end_matches(',').parse::<u32>().is_ok())
            };
            assert!(!t.is_empty(), "{name}: an empty title");
            assert!(
                !lower.contains("://") && !lower.starts_with("www."),
                "{name}: URL title {t:?}"
            );
            assert!(
                !numeric || real_number_titles.contains(&t),
                "{name}: number title {t:?}"
            );
            assert!(
                !page_text.contains(&lower.as_str()),
                "{name}: page text {t:?}"
            );
            assert!(
                !t.starts_with(['#', '[', '!', '-', '*', '·', '<']),
                "{name}: markup {t:?}"
            );
            assert!(!date, "{name}: date title {t:?}");
            checked += 1;
        }
    }
    assert!(checked > 280 + 60, "{checked} titles checked");
}

/// Done when: the seeds import byte for byte as the repository's pages.
#[test]
fn the_seeds_still_import_byte_identically() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds: Vec<(String, Vec<u8>)> = fs::read_dir(repo.join("digests"))
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    let borrowed: Vec<(&str, Vec<u8>)> =
        seeds.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let site = site_with(&borrowed);
    fs::copy(repo.join("config.toml"), site.path().join("config.toml")).unwrap();
    import(site.path());
    let names = |dir: &Path| -> Vec<String> {
        let mut n: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    };
    let (ours, theirs) = (
        repo.join("content/papers"),
        site.path().join("content/papers"),
    );
    assert_eq!(names(&ours), names(&theirs));
    assert_eq!(walk(&ours), walk(&theirs));
}

fn dump_markdown(id: &str, title: &str) -> Vec<u8> {
    format!(
        "# Daily Papers\n\nMay 4\n\n[3](https://huggingface.co/login?next=%2Fpapers%2F{id})\n\n\
         ### [{title}](https://huggingface.co/papers/{id})\n\n\
         [We scale everything and report what we find across many settings.](https://huggingface.co/papers/{id})\n\n\
         [- 4 authors](https://huggingface.co/papers/{id})\n\n·\n\nMay 2\n"
    )
    .into_bytes()
}

#[test]
fn a_page_gains_its_arxiv_id_later_and_a_same_titled_paper_gets_its_own_page() {
    let title = "Scaling Laws for Everything";
    let plain = format!(
        "Daily Papers\n\nMay 4\n\n{title}\n\nWe scale everything and report what we find across many settings.\n\n  • 4 authors\n·\nMay 2\n"
    );
    let site = site_with(&[("2026-05-04-a.txt", plain.into_bytes())]);
    import(site.path());
    let first = pages(site.path());
    assert_eq!(first[title].front.facts.arxiv, None);

    // The same paper saved as Markdown: the page gains the id, no second page.
    fs::write(
        site.path().join("digests/2026-05-04-b.md"),
        dump_markdown("2605.00001", title),
    )
    .unwrap();
    let report = import(site.path());
    assert_eq!(
        (report.added, report.updated),
        (0, 1),
        "{:?}",
        messages(&report)
    );
    let second = pages(site.path());
    assert_eq!(second.len(), 1);
    assert_eq!(
        second[title].front.facts.arxiv.as_deref(),
        Some("2605.00001")
    );

    // Another paper with the same title and its own id gets its own page,
    // and the first keeps its file and id.
    fs::write(
        site.path().join("digests/2026-05-04-c.md"),
        dump_markdown("2605.00002", title),
    )
    .unwrap();
    let report = import(site.path());
    assert_eq!(
        (report.added, report.updated),
        (1, 0),
        "{:?}",
        messages(&report)
    );
    let file =
        |name: &str| fs::read_to_string(site.path().join("content/papers").join(name)).unwrap();
    assert_eq!(walk(&site.path().join("content/papers")).len(), 2);
    let (a, b) = (
        file("scaling-laws-for-everything.md"),
        file("scaling-laws-for-everything-2.md"),
    );
    assert!(a.contains("arxiv = \"2605.00001\""), "{a}");
    assert!(b.contains("arxiv = \"2605.00002\""), "{b}");
    let again = import(site.path());
    assert_eq!((again.added, again.updated), (0, 0));
}

#[test]
fn the_arxiv_id_reaches_the_templates_as_paper_arxiv() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let name = "markdown-search-2026-10-02.md";
    let plain = "Daily Papers\n\nMay 4\n\nA Paper Without An Id\n\nAn abstract that is long enough to read as one, with a full stop.\n\n  • 2 authors\n·\nMay 2\n";
    let site = site_with(&[
        (name, fixture(name)),
        ("2026-05-04.txt", plain.as_bytes().to_vec()),
    ]);
    fs::copy(repo.join("config.toml"), site.path().join("config.toml")).unwrap();
    common::copy_dir(&repo.join("themes"), &site.path().join("themes"));
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(
        site.path().join("templates/paper.html"),
        "<p>{{ paper.title }}: {% if paper.arxiv %}arXiv {{ paper.arxiv }}{% else %}no arXiv id{% endif %}</p>\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--root")
        .arg(site.path())
        .arg("build")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = |slug: &str| {
        fs::read_to_string(site.path().join(format!("public/papers/{slug}/index.html"))).unwrap()
    };
    assert_eq!(
        page("sparse-lattice-attention-for-long-document-retrieval"),
        "<p>Sparse Lattice Attention for Long-Document Retrieval: arXiv 2606.00683</p>\n"
    );
    assert_eq!(
        page("a-paper-without-an-id"),
        "<p>A Paper Without An Id: no arXiv id</p>\n"
    );
}
