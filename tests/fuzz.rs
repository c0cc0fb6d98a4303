//! Fuzzing that stays: seeded mutation runs over the digest parser, the
//! page round trip (write → read → write) and import over whole mutated
//! sites, bounded so `cargo test` runs them every time.
//!
//! Each case has its own seed, printed when it fails. A longer run, or one
//! case again:
//!
//! ```sh
//! GAZETTE_FUZZ_CASES=20000 cargo test --release --test fuzz
//! GAZETTE_FUZZ_SEED=1234 GAZETTE_FUZZ_CASES=1 cargo test --test fuzz parser
//! ```
//!
//! (docs/dev/fuzzing.md says more.)

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use chrono::NaiveDate;
use gazette::config::Config;
use gazette::digest;
use gazette::import::{import_site, title_key};
use gazette::page::{self, Facts, facts::Listed};
use gazette::site::load::{LoadCache, load};

/// Cases per target unless `GAZETTE_FUZZ_CASES` says otherwise.
fn cases(default: u64) -> u64 {
    std::env::var("GAZETTE_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// The first case's seed (`GAZETTE_FUZZ_SEED`), else a fixed one per target.
fn first_seed(target: u64) -> u64 {
    std::env::var("GAZETTE_FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(target * 1_000_003)
}

/// Runs `case` once per seed; a panic names the seed that caused it.
fn run(target: u64, default_cases: u64, mut case: impl FnMut(&mut Rng)) {
    let first = first_seed(target);
    for seed in first..first + cases(default_cases) {
        let mut rng = Rng(seed);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(&mut rng)));
        if let Err(panic) = outcome {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| {
                    panic
                        .downcast_ref::<&str>()
                        .map(std::string::ToString::to_string)
                })
                .unwrap_or_default();
            panic!(
                "case failed; rerun it with GAZETTE_FUZZ_SEED={seed} GAZETTE_FUZZ_CASES=1: {message}"
            );
        }
    }
}

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }
}

/// What real dumps and hostile ones hold: the format's own lines, control
/// characters, markup, template syntax, LaTeX debris, odd Unicode.
const PIECES: &[&str] = &[
    "\0",
    "\u{1}",
    "\u{b}",
    "\u{1b}[2J",
    "\u{1b}]0;x\u{7}",
    "\r",
    "\r\n",
    "\u{feff}",
    "\u{fffe}",
    "\u{202e}",
    "\t",
    "\n\n",
    "+++",
    "+++\n",
    "{{ config.title }}",
    "{% raw %}",
    "<script>alert(1)</script>",
    "·",
    "  • 3 authors",
    "kyutai Kyutai",
    "Apr 28",
    "Apr 31",
    "May 4, 2022 1",
    "Jun 18 12",
    "Daily Papers",
    "byAK and the research community",
    "é",
    "𝔘",
    "\u{301}",
    "[x](javascript:alert(1))",
    "\\emph{x}",
    "\\%",
    "Rozi\\`ere",
    "https://github.com/a/b.",
    "\\url{http://x.org}",
    "C++",
    "C#",
    "#",
    "\"",
    "'''",
    "\\",
    "[imported]",
    "key = \"x\"",
];

/// A seed dump's text, read from the repository's `digests/`.
fn seeds() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("digests");
    let mut names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names.into_iter().map(|p| fs::read(p).unwrap()).collect()
}

/// A window of a seed (whole lines, a few KB), then a few mutations.
fn mutated_dump(rng: &mut Rng, seeds: &[Vec<u8>], max_len: usize) -> Vec<u8> {
    let seed = rng.pick(seeds);
    let start = rng.below(seed.len());
    let start = seed[..start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let len = 1 + rng.below(max_len);
    let end = (start + len).min(seed.len());
    // Half the time keep the page header, as a real dump has.
    let mut text = if rng.chance(50) {
        b"Daily Papers\n\nby AK and the research community\n\nApr 28\n\n".to_vec()
    } else {
        Vec::new()
    };
    text.extend_from_slice(&seed[start..end]);
    mutate(rng, text)
}

fn mutate(rng: &mut Rng, text: Vec<u8>) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = text
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    if lines.is_empty() {
        lines.push(Vec::new());
    }
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(lines.len());
        match rng.below(9) {
            0 => {
                let line = &mut lines[at];
                if !line.is_empty() {
                    let i = rng.below(line.len());
                    line[i] = rng.next() as u8;
                }
            }
            1 if lines.len() > 1 => {
                lines.remove(at);
            }
            2 => {
                let copy = lines[at].clone();
                lines.insert(at, copy);
            }
            3 => {
                let other = rng.below(lines.len());
                lines.swap(at, other);
            }
            4 | 5 => {
                let piece = rng.pick(PIECES).as_bytes();
                let line = &mut lines[at];
                let i = rng.below(line.len() + 1);
                line.splice(i..i, piece.iter().copied());
            }
            6 => lines[at] = b"\n".to_vec(),
            7 => {
                if lines[at].ends_with(b"\n") && !lines[at].ends_with(b"\r\n") {
                    let n = lines[at].len();
                    lines[at].insert(n - 1, b'\r');
                }
            }
            _ => {
                let line = &mut lines[at];
                let keep = rng.below(line.len() + 1);
                line.truncate(keep);
            }
        }
    }
    lines.concat()
}

#[test]
fn parser_reads_mutated_dumps_without_panicking_and_points_into_them() {
    let seeds = seeds();
    run(1, 400, |rng| {
        let text = mutated_dump(rng, &seeds, 12_000);
        // Lines as an editor counts them: a file with only CR line ends
        // (classic Mac) is split on CR, as the parser does.
        let end = if !text.contains(&b'\n') && text.contains(&b'\r') {
            b'\r'
        } else {
            b'\n'
        };
        let lines = text.split(|&b| b == end).count();
        let parsed = digest::parse(&text, "digests/fuzz.txt");
        assert!(
            parsed.entries.windows(2).all(|w| w[0].line < w[1].line),
            "entries in file order"
        );
        for entry in &parsed.entries {
            assert!(
                entry.line >= 1 && entry.line <= lines,
                "entry line {}",
                entry.line
            );
            assert!(!entry.title.trim().is_empty(), "an entry without a title");
        }
        for d in &parsed.diagnostics {
            assert!(d.line <= lines, "{d} points past the file's {lines} lines");
            let shown = d.to_string();
            assert!(
                !shown.chars().any(char::is_control),
                "a raw control character would reach the terminal: {shown:?}"
            );
        }
    });
}

/// Text a fact may hold: anything, often something nasty.
fn text(rng: &mut Rng, max_pieces: usize) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(max_pieces + 1) {
        if rng.chance(40) {
            s.push_str(rng.pick::<&str>(PIECES));
        } else if rng.chance(10) {
            s.push(char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('?'));
        } else {
            s.push_str(rng.pick::<&str>(&["model", "Data", " ", "LLM", "1.5", "-", "über", "α"]));
        }
    }
    s
}

fn facts(rng: &mut Rng) -> Facts {
    let mut title = text(rng, 8);
    if title.trim().is_empty() || !title.chars().any(char::is_alphanumeric) {
        title.push_str(" Title");
    }
    let strings = |rng: &mut Rng, n: usize| -> Vec<String> {
        (0..rng.below(n + 1)).map(|_| text(rng, 3)).collect()
    };
    Facts {
        title,
        date: rng
            .chance(70)
            .then(|| {
                NaiveDate::from_ymd_opt(
                    1990 + rng.below(60) as i32,
                    1 + rng.below(12) as u32,
                    1 + rng.below(28) as u32,
                )
            })
            .flatten(),
        authors: rng.chance(50).then(|| rng.next() as u32 % 500),
        organization: rng.chance(30).then(|| text(rng, 3)),
        upvotes: rng.chance(60).then(|| rng.next() as u32),
        tags: strings(rng, 4),
        code: rng
            .chance(40)
            .then(|| format!("https://github.com/x/{}", rng.below(1000))),
        links: strings(rng, 3),
        digests: {
            let mut d = strings(rng, 3);
            d.push("000.txt".to_string());
            d
        },
        abstract_: text(rng, 30),
        arxiv: rng
            .chance(20)
            .then(|| format!("2{:03}.{:05}", rng.below(1000), rng.below(100_000))),
        listed: (0..rng.below(4))
            .map(|_| Listed {
                digest: text(rng, 2),
                date: rng
                    .chance(70)
                    .then(|| NaiveDate::from_ymd_opt(2025, 1 + rng.below(12) as u32, 1))
                    .flatten(),
                position: rng.chance(80).then(|| 1 + rng.below(500) as u32),
                upvotes: rng.chance(50).then(|| rng.next() as u32),
            })
            .collect(),
    }
}

#[test]
fn pages_round_trip_any_facts_byte_for_byte() {
    run(2, 600, |rng| {
        let key = title_key(&text(rng, 5));
        let first = facts(rng);
        let written = page::new_page(&key, &first);
        let read = page::read(&written, "p.md").expect("a written page reads back");
        assert_eq!(read.front.facts, first);
        assert!(read.front.extra.is_empty(), "{:?}", read.front.extra);
        assert_eq!(read.body, "");
        let again = page::update_page(&written, "p.md", &key, &first).unwrap();
        assert_eq!(again.text, written, "write → read → write changes no byte");
        assert!(again.kept.is_empty() && again.moved.is_empty());

        // New facts from the digests, on a page with the person's notes,
        // in LF and in CRLF.
        let second = facts(rng);
        let notes = format!("{}\n", text(rng, 10)).replace(['\r', '\u{feff}'], "");
        for crlf in [false, true] {
            let mut page_text = format!("{written}{notes}");
            if crlf {
                page_text = page_text.replace('\n', "\r\n");
            }
            let updated = page::update_page(&page_text, "p.md", &key, &second).unwrap();
            let read = page::read(&updated.text, "p.md").unwrap();
            assert_eq!(read.front.facts, second, "crlf: {crlf}");
            let body = if crlf {
                notes.replace('\n', "\r\n")
            } else {
                notes.clone()
            };
            assert_eq!(read.body, body, "the notes are kept as they are");
            if crlf {
                let t = &updated.text;
                assert_eq!(t.matches('\n').count(), t.matches("\r\n").count(), "{t:?}");
            }
            let stable = page::update_page(&updated.text, "p.md", &key, &second).unwrap();
            assert_eq!(stable.text, updated.text, "crlf: {crlf}");
        }
    });
}

fn page_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = fs::read_dir(dir.join("content/papers")) else {
        return Vec::new();
    };
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn import_over_mutated_sites_loses_nothing_and_settles() {
    let seeds = seeds();
    run(3, 30, |rng| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("digests")).unwrap();
        let mut dumps = Vec::new();
        for i in 0..1 + rng.below(3) {
            let text = mutated_dump(rng, &seeds, 20_000);
            fs::write(root.join(format!("digests/{i}.txt")), &text).unwrap();
            dumps.push(text);
        }
        let config = Config::default();
        let first = import_site(root, &config).expect("import runs");
        let pages = page_files(root);
        assert_eq!(pages.len(), first.added, "{first:?}");

        // Every distinct paper has its page: without arXiv ids, one per
        // title key among the entries.
        let entries: Vec<digest::Entry> = dumps
            .iter()
            .flat_map(|d| digest::parse(d, "d.txt").entries)
            .collect();
        if entries.iter().all(|e| e.arxiv.is_none()) {
            let keys: BTreeSet<String> = entries
                .iter()
                .map(|e| title_key(&e.title))
                .filter(|k| !k.is_empty())
                .collect();
            assert_eq!(pages.len(), keys.len(), "one page per distinct paper");
        }
        let site = load(root, config.clone(), &mut LoadCache::default())
            .unwrap_or_else(|e| panic!("the imported pages load: {e:?}"));
        assert_eq!(site.papers.len(), pages.len());

        let second = import_site(root, &config).unwrap();
        assert_eq!((second.added, second.updated), (0, 0), "{second:?}");
        assert_eq!(page_files(root), pages, "a second import changes no byte");

        // A person's edit gone wrong on one page: import reports it, keeps
        // it byte for byte, and loses no other page.
        if let Some((name, bytes)) = pages.get(rng.below(pages.len().max(1))) {
            let broken = mutate(rng, bytes.clone());
            let path = root.join("content/papers").join(name);
            fs::write(&path, &broken).unwrap();
            import_site(root, &config).expect("import runs");
            let after = page_files(root);
            for (other, _) in &pages {
                assert!(after.iter().any(|(n, _)| n == other), "{other} was lost");
            }
            let readable = std::str::from_utf8(&broken)
                .ok()
                .is_some_and(|t| page::read(t, name).is_ok());
            if !readable {
                assert_eq!(
                    fs::read(&path).unwrap(),
                    broken,
                    "a broken page is left untouched"
                );
            }
        }
    });
}
