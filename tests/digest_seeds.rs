//! The seed digests in `digests/` parse completely, and their abstracts clean.

use std::path::PathBuf;

use gazette::digest::{DumpDate, Who, clean_abstract, parse};

fn seeds() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("digests");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("digests/ is readable")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("seed readable"))
        })
        .collect()
}

#[test]
fn every_seed_parses_to_its_known_number_of_papers_without_errors() {
    let seeds = seeds();
    let counts: Vec<usize> = seeds
        .iter()
        .map(|(name, bytes)| {
            let d = parse(bytes, name);
            assert!(
                d.diagnostics.is_empty(),
                "{name}: {:?}",
                d.diagnostics
                    .iter()
                    .map(std::string::ToString::to_string)
                    .collect::<Vec<_>>()
            );
            for e in &d.entries {
                assert!(
                    !e.title.is_empty() && e.title.len() < 300,
                    "{name}:{}",
                    e.line
                );
                assert!(
                    e.abstract_raw.len() >= 300,
                    "{name}:{}: {}",
                    e.line,
                    e.title
                );
            }
            d.entries.len()
        })
        .collect();
    assert_eq!(counts, [60, 96, 91, 71, 67]);
    assert_eq!(counts.iter().sum::<usize>(), 385);
}

#[test]
fn seed_listing_dates_are_read_from_the_header() {
    let dates: Vec<Option<DumpDate>> = seeds()
        .iter()
        .map(|(name, bytes)| parse(bytes, name).listing_date)
        .collect();
    let md = |month, day| {
        Some(DumpDate {
            year: None,
            month,
            day,
        })
    };
    assert_eq!(dates, [md(4, 28), md(3, 11), None, md(9, 9), md(11, 3)]);
}

#[test]
fn seed_004_keeps_dates_organization_and_upvotes() {
    let seeds = seeds();
    let (name, bytes) = &seeds[4];
    assert!(name.starts_with("004_"));
    let d = parse(bytes, name);
    assert_eq!(d.entries.len(), 67);
    let dated = d.entries.iter().filter(|e| e.date.is_some()).count();
    assert_eq!(dated, 66);
    let undated: Vec<_> = d.entries.iter().filter(|e| e.date.is_none()).collect();
    assert_eq!(
        undated[0].title,
        "Training and Inference Efficiency of Encoder-Decoder Speech Models"
    );
    assert_eq!(undated[0].who, None);

    let kyutai = d
        .entries
        .iter()
        .find(|e| e.title.starts_with("ARC-Encoder"))
        .expect("the ARC-Encoder entry");
    assert_eq!(
        kyutai.who,
        Some(Who::Organization {
            name: "Kyutai".into(),
            handle: Some("kyutai".into())
        })
    );
    assert_eq!(
        kyutai.date,
        Some(DumpDate {
            year: None,
            month: 10,
            day: 23
        })
    );
    assert_eq!(kyutai.upvotes, Some(1));
    let orgs = d
        .entries
        .iter()
        .filter(|e| matches!(e.who, Some(Who::Organization { .. })))
        .count();
    assert_eq!(orgs, 1);
    let authors = d
        .entries
        .iter()
        .filter(|e| matches!(e.who, Some(Who::Authors(_))))
        .count();
    assert_eq!(authors, 65);

    // Upvotes as shown: `Sep 19 5`, `May 4, 2022 1`, `Oct 17, 2024 2`, ...
    let text = String::from_utf8_lossy(bytes);
    let shown = text
        .lines()
        .filter(|l| {
            let w: Vec<_> = l.split_whitespace().collect();
            const MONTHS: &str = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec";
            let dated = l.len() < 20
                && w.len() >= 2
                && MONTHS.split(' ').any(|m| m == w[0])
                && w[1].trim_end_matches(',').parse::<u32>().is_ok();
            dated && ((w.len() == 3 && !w[1].ends_with(',')) || w.len() == 4)
        })
        .count();
    let kept = d.entries.iter().filter(|e| e.upvotes.is_some()).count();
    assert_eq!(kept, shown);
    assert!(kept > 5, "{kept}");
    let first = &d.entries[0];
    assert_eq!(
        first.date,
        Some(DumpDate {
            year: None,
            month: 2,
            day: 12
        })
    );
    assert_eq!(first.who, Some(Who::Authors(6)));
    let last = d.entries.last().unwrap();
    assert_eq!(
        last.date,
        Some(DumpDate {
            year: Some(2024),
            month: 11,
            day: 19
        })
    );
    assert_eq!(last.who, Some(Who::Authors(9)));
    assert!(d.entries.iter().any(|e| e.date
        == Some(DumpDate {
            year: Some(2022),
            month: 5,
            day: 4
        })
        && e.upvotes == Some(1)));
}

#[test]
fn cleaned_seed_abstracts_hold_no_latex_debris() {
    let mut links = 0;
    for (name, bytes) in seeds() {
        for e in parse(&bytes, &name).entries {
            let c = clean_abstract(&e.abstract_raw);
            for debris in [
                "\\%",
                "\\emph",
                "\\url",
                "\\it ",
                "\\textless",
                "\\`",
                "{here}",
            ] {
                assert!(
                    !c.text.contains(debris),
                    "{name}:{}: {debris} in {}",
                    e.line,
                    c.text
                );
            }
            for l in &c.links {
                assert!(
                    !l.url.ends_with(['.', ',', ';', '}', ')']),
                    "{name}:{}: {}",
                    e.line,
                    l.url
                );
                assert!(
                    !l.url.contains(['{', '}', ' ']),
                    "{name}:{}: {}",
                    e.line,
                    l.url
                );
            }
            links += c.links.len();
        }
    }
    assert!(links > 80, "{links}");
}

#[test]
fn seed_years_come_from_printed_years_or_fall_back_with_a_warning() {
    use gazette::digest::year::{YearInputs, YearSource, resolve};
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let resolved: Vec<(i32, YearSource, bool)> = seeds()
        .iter()
        .map(|(name, bytes)| {
            let d = parse(bytes, name);
            let r = resolve(&YearInputs {
                file_name: name,
                origin: name,
                configured: None,
                entries: &d.entries,
                today,
                default_year: None,
                modified_year: 2026,
            });
            (r.year, r.source, r.warning.is_some())
        })
        .collect();
    // Only 004 prints years (the latest is Nov 19, 2024): its listing is from 2025.
    assert_eq!(resolved[4], (2025, YearSource::Entries, false));
    for r in &resolved[..4] {
        assert_eq!(*r, (2026, YearSource::Modified, true));
    }
}

/// One real entry (title, abstract, metadata block) from seed 004.
fn real_entry_text() -> String {
    let seeds = seeds();
    let text = String::from_utf8_lossy(&seeds[4].1).into_owned();
    let start = text
        .find("ARC-Encoder: learning")
        .expect("the ARC-Encoder entry");
    let end = start + text[start..].find("Oct 23 1").expect("its date") + "Oct 23 1".len();
    format!("{}\n\n", &text[start..end])
}

/// A digest of `size` bytes made of one real entry repeated parses into
/// every entry, with the right line numbers to the end.
fn a_digest_of_repeated_entries_parses_completely(size: usize) {
    let entry = real_entry_text();
    let copies = size / entry.len() + 1;
    let mut big = String::with_capacity(copies * entry.len() + 200);
    big.push_str("new\n\nSubscribe\n\nOct 30\n\n");
    for _ in 0..copies {
        big.push_str(&entry);
    }
    assert!(big.len() >= size);
    let d = parse(big.as_bytes(), "big.txt");
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics.first());
    assert_eq!(d.entries.len(), copies);
    let last = d.entries.last().unwrap();
    assert_eq!(
        last.who,
        Some(Who::Organization {
            name: "Kyutai".into(),
            handle: Some("kyutai".into())
        })
    );
    assert_eq!(last.upvotes, Some(1));
    assert_eq!(last.line, 7 + (copies - 1) * 8);
}

/// Thousands of entries, every one found: small enough for a debug build.
#[test]
fn a_2_mb_digest_parses_completely() {
    a_digest_of_repeated_entries_parses_completely(2 * 1024 * 1024);
}

/// The same at 50 MB, a dump far larger than any real listing. Heavy in a
/// debug build, so run on demand, optimized:
/// `cargo test --release --test digest_seeds -- --ignored a_50_mb`
#[test]
#[ignore = "heavy: cargo test --release --test digest_seeds -- --ignored a_50_mb"]
fn a_50_mb_digest_parses_completely() {
    a_digest_of_repeated_entries_parses_completely(50 * 1024 * 1024);
}

#[test]
fn a_1_mb_single_line_is_reported_not_hung_on() {
    let line = "word ".repeat(200_000) + "{\\it x} https://github.com/a/b.";
    let d = parse(line.as_bytes(), "one-line.txt");
    assert!(d.entries.is_empty());
    assert_eq!(d.diagnostics.len(), 2, "{:?}", d.diagnostics);
    assert!(
        d.diagnostics[0]
            .to_string()
            .starts_with("one-line.txt:1: warning:")
    );
    // Messages quote the line briefly, never the whole megabyte.
    assert!(d.diagnostics.iter().all(|m| m.message.len() < 300));
    let c = clean_abstract(&line);
    assert_eq!(c.links.len(), 1);
    assert!(c.text.ends_with(" x https://github.com/a/b."));

    let titled = format!("Title\n\n{line}\n");
    let d = parse(titled.as_bytes(), "titled.txt");
    assert_eq!(d.entries.len(), 1);
    assert_eq!(d.entries[0].abstract_raw.len(), line.len());
}

/// The seed entry whose abstract contains `needle`, raw.
fn seed_abstract(needle: &str) -> String {
    seeds()
        .iter()
        .flat_map(|(name, bytes)| parse(bytes, name).entries)
        .map(|e| e.abstract_raw)
        .find(|a| a.contains(needle))
        .unwrap_or_else(|| panic!("no seed abstract contains {needle}"))
}

#[test]
fn real_seed_abstracts_clean_as_a_reader_expects() {
    // (raw fragment in a seed abstract, what the cleaned abstract says there)
    let cases = [
        (
            "Code Llama (Rozi\\`ere et al., 2023)",
            "Code Llama (Rozière et al., 2023)",
        ),
        ("{\\it neural code}", "parameterized by a neural code;"),
        ("{\\emph compression}", "spent on compression of the input"),
        ("text na\\\"ively compressed", "text naïvely compressed"),
        ("\\textless2MB", "requires <2MB of additional storage"),
        ("by sim7\\%", "by ~7%"),
        ("(NeRV, E-NeRV, \\etc)", "(NeRV, E-NeRV, etc.)"),
        (
            "OIE\\url{https://github.com/CSJianYang/Multilingual-Multimodal-NLP}.",
            "OIE https://github.com/CSJianYang/Multilingual-Multimodal-NLP.",
        ),
        (
            "TangleNAS-527C{here}",
            "https://anonymous.4open.science/r/TangleNAS-527C",
        ),
        ("/CRATE .", "https://ma-lab-berkeley.github.io/CRATE."),
        ("DNAS~wu2018mixed", "compared to DNAS, and"),
    ];
    for (raw, expected) in cases {
        let abs = seed_abstract(raw);
        let cleaned = clean_abstract(&abs);
        assert!(
            cleaned.text.contains(expected),
            "{raw:?} → {}",
            cleaned.text
        );
        assert!(
            !cleaned.text.contains(raw),
            "{raw:?} still in {}",
            cleaned.text
        );
    }
    let arc = clean_abstract(&seed_abstract("kyutai-labs/ARC-Encoder"));
    let urls: Vec<_> = arc.links.iter().map(|l| (l.url.as_str(), l.kind)).collect();
    assert_eq!(
        urls,
        [
            (
                "https://github.com/kyutai-labs/ARC-Encoder",
                gazette::digest::LinkKind::Code
            ),
            (
                "https://huggingface.co/collections/kyutai/arc-encoders-68ee18787301407d60a57047",
                gazette::digest::LinkKind::Other
            ),
        ]
    );
}
