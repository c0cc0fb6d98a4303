//! `gazette-bench gen`: a synthetic site in the real digest format.
//!
//! Deterministic: the same paper count and seed give a byte-identical
//! corpus (own PRNG, fixed iteration order, no clock, no hash-map order).
//! Dumps are named `YYYY-MM-DD.txt` by listing date (the year rules read
//! the year from the name) and config.toml lists every dump's year as well,
//! so year-less dates resolve whatever the file-name rule accepts.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{Context, bail};
use chrono::{Datelike, Duration, NaiveDate};

use crate::rng::Rng;
use crate::words::*;

/// About this many entries per dump, as on the real listing pages.
const ENTRIES_PER_DUMP: usize = 100;
/// Share of papers listed again in a later dump.
const REPEAT_SHARE: f64 = 0.10;
/// Share of abstracts with a code link.
const CODE_SHARE: f64 = 0.30;

/// What `generate` wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenReport {
    /// Distinct papers.
    pub papers: usize,
    /// Entries across all dumps (papers plus repeats).
    pub entries: usize,
    pub dumps: usize,
}

/// One distinct paper, as every dump that lists it prints it.
#[derive(Debug, Clone)]
struct Paper {
    title: String,
    abstract_text: String,
    /// The metadata block's first line, or `None` for an entry without one.
    who: Option<String>,
    date: NaiveDate,
    /// Print the date's year (`May 4, 2022`) or leave it to the dump's year.
    explicit_year: bool,
    upvotes: Option<u32>,
}

/// Writes config.toml, digests/*.txt and the default theme into `dir`.
/// Refuses 0 papers, and a non-empty `dir` unless `force` (which then
/// replaces config.toml and the whole of digests/, and nothing else).
pub fn generate(dir: &Path, papers: usize, seed: u64, force: bool) -> anyhow::Result<GenReport> {
    if papers == 0 {
        bail!("--papers must be at least 1: a corpus of 0 papers measures nothing");
    }
    check_target(dir, force)?;
    let dumps = plan_dumps(papers);
    let corpus = make_papers(papers, &dumps, seed);

    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let digests = dir.join("digests");
    if digests.exists() {
        fs::remove_dir_all(&digests)
            .with_context(|| format!("cannot clear {}", digests.display()))?;
    }
    fs::create_dir_all(&digests).with_context(|| format!("cannot create {}", digests.display()))?;

    let mut rng = Rng::new(seed ^ 0xD1B5_4A32_D192_ED03);
    let listed = assign_entries(&corpus, dumps.len(), &mut rng);
    let mut entries = 0;
    for (dump, members) in dumps.iter().zip(&listed) {
        entries += members.len();
        let text = dump_text(dump, members, &corpus, &mut rng);
        let path = digests.join(&dump.file_name);
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let config = config_text(papers, seed, &dumps);
    let config_path = dir.join("config.toml");
    fs::write(&config_path, config)
        .with_context(|| format!("cannot write {}", config_path.display()))?;
    gazette::scaffold::write_default_theme(dir)
        .with_context(|| format!("cannot write the default theme into {}", dir.display()))?;
    Ok(GenReport {
        papers,
        entries,
        dumps: dumps.len(),
    })
}

fn check_target(dir: &Path, force: bool) -> anyhow::Result<()> {
    if dir.exists() && !dir.is_dir() {
        bail!("{} exists and is not a folder", dir.display());
    }
    if force || !dir.exists() {
        return Ok(());
    }
    let mut entries =
        fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    if entries.next().is_some() {
        bail!(
            "{} is not empty; pass --force to write the corpus into it anyway \
             (replaces config.toml and digests/)",
            dir.display()
        );
    }
    Ok(())
}

/// One dump: its listing date and file name.
#[derive(Debug, Clone)]
struct Dump {
    listing: NaiveDate,
    file_name: String,
}

/// First listing day: the corpus spans three calendar years from here.
fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 2).expect("valid date")
}

/// Dumps spread evenly over 2023-2025, one file per listing date; past
/// one dump a day, same-day dumps get `-2`, `-3`, ... after the date.
fn plan_dumps(papers: usize) -> Vec<Dump> {
    let count = papers.div_ceil(ENTRIES_PER_DUMP * 9 / 10).max(1);
    let span = 3 * 365 - 2;
    let mut dumps: Vec<Dump> = Vec::with_capacity(count);
    for i in 0..count {
        let day = first_day() + Duration::days((i * span / count) as i64);
        let same_day = dumps.iter().rev().take_while(|d| d.listing == day).count();
        let file_name = if same_day == 0 {
            format!("{day}.txt")
        } else {
            format!("{day}-{}.txt", same_day + 1)
        };
        dumps.push(Dump {
            listing: day,
            file_name,
        });
    }
    dumps
}

/// Papers in order of first listing: paper i first appears in dump
/// `i * dumps / papers`. Titles are unique by the importer's title key, so
/// distinct papers never merge.
fn make_papers(count: usize, dumps: &[Dump], seed: u64) -> Vec<Paper> {
    let mut rng = Rng::new(seed);
    let mut taken = HashSet::with_capacity(count);
    (0..count)
        .map(|i| {
            let listing = dumps[i * dumps.len() / count].listing;
            let task = rng.below(TASKS.len());
            let title = unique_title(&mut rng, task, &mut taken);
            make_paper(&mut rng, title, task, listing)
        })
        .collect()
}

fn unique_title(rng: &mut Rng, task: usize, taken: &mut HashSet<String>) -> String {
    for attempt in 0.. {
        let mut title = make_title(rng, task);
        if attempt >= 8 {
            // Vocabulary exhausted for this draw: number it.
            write!(title, " {}", taken.len() + attempt).expect("write to String");
        }
        if taken.insert(gazette::import::title_key(&title)) {
            return title;
        }
    }
    unreachable!("the loop returns once a title is new")
}

fn acronym(rng: &mut Rng) -> String {
    format!(
        "{}{}{}",
        rng.pick(SYLLABLES),
        rng.pick(SYLLABLES),
        rng.pick(SUFFIXES)
    )
}

/// A title on the paper's main task (`TASKS[task]`).
fn make_title(rng: &mut Rng, task: usize) -> String {
    let (task, _) = TASKS[task];
    let adj = rng.pick(ADJECTIVES);
    let method = rng.pick(METHODS);
    let technique = rng.pick(TECHNIQUES);
    match rng.below(5) {
        0 => format!("{}: {adj} {method} for {task}", acronym(rng)),
        1 => format!("{adj} {method} for {task} with {technique}"),
        2 => format!("{}: Scaling {task} via {technique}", acronym(rng)),
        3 => format!("On the Role of {technique} in {adj} {task}"),
        _ => format!("{}: Towards {adj} {task}", acronym(rng)),
    }
}

fn make_paper(rng: &mut Rng, title: String, task: usize, listing: NaiveDate) -> Paper {
    let abstract_text = make_abstract(rng, task);
    let who = if rng.chance(0.04) {
        None
    } else if rng.chance(0.10) {
        Some(rng.pick(ORGANIZATIONS).to_string())
    } else {
        // 1-12 authors, small teams most common.
        let n = 1 + (rng.unit() * rng.unit() * 12.0) as usize;
        Some(format!("  • {n} authors"))
    };
    let (date, explicit_year) = paper_date(rng, listing);
    Paper {
        title,
        abstract_text,
        who,
        date,
        explicit_year,
        upvotes: upvotes(rng),
    }
}

/// Most papers are dated within days of their listing (printed without a
/// year); a third are older papers dated with their year.
fn paper_date(rng: &mut Rng, listing: NaiveDate) -> (NaiveDate, bool) {
    if rng.chance(0.65) {
        let date = listing - Duration::days(rng.below(7) as i64);
        // A year-less date means the listing's year: cross a new year only with the year printed.
        (date, date.year() != listing.year())
    } else {
        let oldest = NaiveDate::from_ymd_opt(2020, 1, 1).expect("valid date");
        let days = (listing - oldest).num_days().max(1) as usize;
        (oldest + Duration::days(rng.below(days) as i64), true)
    }
}

/// Skewed like the real thing: half have none, most have a few, a few have hundreds.
fn upvotes(rng: &mut Rng) -> Option<u32> {
    if rng.chance(0.5) {
        None
    } else {
        Some((rng.unit().powi(4) * 400.0) as u32 + 1)
    }
}

/// 150-250 words about the paper's main task and one other.
fn make_abstract(rng: &mut Rng, task: usize) -> String {
    let (_, task) = TASKS[task];
    let (_, other) = *rng.pick(TASKS);
    let name = acronym(rng);
    let target = rng.range(150, 250);
    let mut sentences = vec![
        format!(
            "Recent progress in {task} has been driven by {} {}, yet existing approaches remain {}.",
            rng.pick(ADJECTIVES).to_lowercase(),
            rng.pick(METHODS).to_lowercase(),
            rng.pick(LIMITATIONS)
        ),
        format!(
            "In this paper, we propose {name}, a {} framework that uses {} to {}.",
            rng.pick(ADJECTIVES).to_lowercase(),
            rng.pick(TECHNIQUES).to_lowercase(),
            rng.pick(GOALS)
        ),
        format!(
            "Our key idea is to combine {} with {}, which also transfers to {other}.",
            rng.pick(TECHNIQUES).to_lowercase(),
            rng.pick(METHODS).to_lowercase()
        ),
    ];
    let mut words: usize = sentences.iter().map(|s| s.split(' ').count()).sum();
    while words < target {
        let sentence = match rng.below(4) {
            0 => format!(
                "On {} and {}, {name} improves {} by {}.{}% over strong baselines.",
                rng.pick(BENCHMARKS),
                rng.pick(BENCHMARKS),
                rng.pick(METRICS),
                rng.range(1, 40),
                rng.below(10)
            ),
            1 => format!(
                "Compared with prior {} for {task}, our method is {} and {}.",
                rng.pick(METHODS).to_lowercase(),
                rng.pick(ADJECTIVES).to_lowercase(),
                rng.pick(ADJECTIVES).to_lowercase()
            ),
            _ => rng.pick(FILLERS).to_string(),
        };
        words += sentence.split(' ').count();
        sentences.push(sentence);
    }
    if rng.chance(0.10) {
        sentences.push(format!("The model {}.", rng.pick(LATEX_DEBRIS)));
    }
    if rng.chance(CODE_SHARE) {
        let url = format!(
            "https://github.com/{}/{}",
            rng.pick(OWNERS),
            name.to_lowercase()
        );
        // Links glued to punctuation, as in the real dumps.
        sentences.push(match rng.below(3) {
            0 => format!("Code is available at {url}."),
            1 => format!("Code and models: {url} ."),
            _ => format!("We release our code ({url})."),
        });
    }
    sentences.join(" ")
}

/// Which papers each dump lists, in listing order: each paper in its own
/// dump, and ~10% once more in a later dump (within the next 30).
fn assign_entries(corpus: &[Paper], dumps: usize, rng: &mut Rng) -> Vec<Vec<Listed>> {
    let mut listed: Vec<Vec<Listed>> = vec![Vec::new(); dumps];
    for (i, _) in corpus.iter().enumerate() {
        let home = i * dumps / corpus.len();
        listed[home].push(Listed {
            paper: i,
            repeat: false,
        });
        if rng.chance(REPEAT_SHARE) && home + 1 < dumps {
            let later = (home + rng.range(1, 30)).min(dumps - 1);
            listed[later].push(Listed {
                paper: i,
                repeat: true,
            });
        }
    }
    for members in &mut listed {
        shuffle(members, rng);
    }
    listed
}

#[derive(Debug, Clone, Copy)]
struct Listed {
    paper: usize,
    repeat: bool,
}

fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_day(date: NaiveDate) -> String {
    format!("{} {}", MONTHS[date.month0() as usize], date.day())
}

fn dump_text(dump: &Dump, members: &[Listed], corpus: &[Paper], rng: &mut Rng) -> String {
    let mut text = String::with_capacity(members.len() * 1600);
    text.push_str("new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n");
    // Both spellings of the byline occur in real dumps.
    if rng.chance(0.5) {
        text.push_str("Daily Papers\n\nby AK and the research community\n\n");
    } else {
        text.push_str("Daily Papers\n\nbyAK and the research community\n\n");
    }
    writeln!(text, "{}\n", month_day(dump.listing)).expect("write to String");
    for listed in members {
        let paper = &corpus[listed.paper];
        write!(text, "{}\n\n{}\n\n", paper.title, paper.abstract_text).expect("write to String");
        let Some(who) = &paper.who else { continue };
        let mut date = month_day(paper.date);
        // A repeat keeps its explicit year when its date lies in another
        // year than the later dump's listing.
        if paper.explicit_year || paper.date.year() != dump.listing.year() {
            write!(date, ", {}", paper.date.year()).expect("write to String");
        }
        // A later listing shows at least as many upvotes.
        let upvotes = paper.upvotes.map(|u| {
            if listed.repeat {
                u + rng.below(5) as u32
            } else {
                u
            }
        });
        if let Some(u) = upvotes {
            write!(date, " {u}").expect("write to String");
        }
        write!(text, "{who}\n·\n{date}\n\n").expect("write to String");
    }
    text
}

fn config_text(papers: usize, seed: u64, dumps: &[Dump]) -> String {
    let mut text = format!(
        "# Synthetic corpus: `gazette bench gen --papers {papers} --seed {seed}`.\n\
         title = \"Gazette benchmark ({papers} papers)\"\n\
         description = \"A synthetic corpus for measuring builds\"\n\
         base_url = \"https://bench.example.org/\"\n\
         \n[import]\n\
         # The file names carry the year too; this keeps year-less dates right\n\
         # whatever the file-name rule accepts.\n\
         [import.years]\n"
    );
    for dump in dumps {
        writeln!(text, "\"{}\" = {}", dump.file_name, dump.listing.year()).expect("write");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                (rel, fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn the_same_seed_writes_the_same_bytes_and_another_seed_does_not() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            tmp.path().join("a"),
            tmp.path().join("b"),
            tmp.path().join("c"),
        );
        generate(&a, 300, 5, false).unwrap();
        generate(&b, 300, 5, false).unwrap();
        generate(&c, 300, 6, false).unwrap();
        assert_eq!(corpus_bytes(&a), corpus_bytes(&b));
        assert_ne!(corpus_bytes(&a), corpus_bytes(&c));
    }

    #[test]
    fn zero_papers_is_refused_with_a_message_naming_the_flag() {
        let tmp = tempfile::tempdir().unwrap();
        let err = generate(&tmp.path().join("x"), 0, 1, false).unwrap_err();
        assert!(err.to_string().contains("--papers"), "{err}");
    }

    #[test]
    fn a_non_empty_folder_is_refused_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
        let err = generate(tmp.path(), 10, 1, false).unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        generate(tmp.path(), 10, 1, true).unwrap();
        assert_eq!(
            fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn dumps_hold_about_a_hundred_entries_with_some_repeats() {
        let tmp = tempfile::tempdir().unwrap();
        let report = generate(tmp.path(), 2000, 1, false).unwrap();
        assert_eq!(report.papers, 2000);
        let per_dump = report.entries / report.dumps;
        assert!((80..=120).contains(&per_dump), "{report:?}");
        let repeats = report.entries - report.papers;
        assert!((100..=300).contains(&repeats), "{report:?}");
    }

    #[test]
    fn many_dumps_on_one_day_get_distinct_file_names() {
        let dumps = plan_dumps(200_000);
        let names: HashSet<&str> = dumps.iter().map(|d| d.file_name.as_str()).collect();
        assert_eq!(names.len(), dumps.len());
        assert_eq!(dumps.first().unwrap().listing.year(), 2023);
        assert_eq!(dumps.last().unwrap().listing.year(), 2025);
    }

    #[test]
    fn entries_follow_the_digest_format() {
        let tmp = tempfile::tempdir().unwrap();
        generate(tmp.path(), 200, 3, false).unwrap();
        let first = tmp.path().join("digests").join("2023-01-02.txt");
        let text = fs::read_to_string(first).unwrap();
        assert!(text.starts_with("new\n\nGet trending papers"));
        assert!(
            text.contains("\nJan 2\n\n"),
            "listing date after the header"
        );
        assert!(text.contains("\n·\n"), "metadata blocks");
        assert!(text.contains(" authors\n·\n"));
        let config = fs::read_to_string(tmp.path().join("config.toml")).unwrap();
        gazette::config::Config::parse(&config, "config.toml").unwrap();
        assert!(tmp.path().join("themes/default").is_dir());
    }
}
