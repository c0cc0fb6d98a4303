//! End to end: `gazette import` on the seed dumps and on hostile sites, as a
//! user runs it, checking what lands in content/papers/.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use gazette::config::Config;
use gazette::import::{ImportReport, import_site};
use gazette::page;

const HEADER: &str = "Daily Papers\n\nby AK and the research community\n\nApr 28\n\n";

/// A site with the repository's digests/ and config.toml, and no pages yet.
fn seed_site() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("digests")).unwrap();
    for entry in fs::read_dir(repo.join("digests")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(
            entry.path(),
            dir.path().join("digests").join(entry.file_name()),
        )
        .unwrap();
    }
    fs::copy(repo.join("config.toml"), dir.path().join("config.toml")).unwrap();
    dir
}

fn import(root: &Path) -> ImportReport {
    let config = Config::load(root).unwrap();
    import_site(root, &config).expect("import runs")
}

fn pages(root: &Path) -> BTreeMap<String, String> {
    let dir = root.join("content/papers");
    let Ok(entries) = fs::read_dir(&dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

fn page_titled<'a>(
    pages: &'a BTreeMap<String, String>,
    title_start: &str,
) -> (&'a str, page::PageFile) {
    pages
        .iter()
        .find_map(|(name, text)| {
            let page = page::read(text, name).unwrap();
            page.front
                .facts
                .title
                .starts_with(title_start)
                .then_some((name.as_str(), page))
        })
        .unwrap_or_else(|| panic!("no page titled {title_start:?}"))
}

fn errors(report: &ImportReport) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(std::string::ToString::to_string)
        .collect()
}

#[test]
fn the_seeds_become_280_pages_with_their_facts() {
    let site = seed_site();
    let report = import(site.path());
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
    assert_eq!(report.added, 280, "{report:?}");
    let pages = pages(site.path());
    assert_eq!(pages.len(), 280);

    let mut own_dates_in_004 = 0;
    let mut listed_in_several = 0;
    for (name, text) in &pages {
        let page = page::read(text, name).unwrap();
        let f = &page.front.facts;
        assert!(!f.digests.is_empty(), "{name} lists its dumps");
        if f.digests.len() > 1 {
            listed_in_several += 1;
        }
        if f.digests.iter().any(|d| d.starts_with("004_")) && f.date.is_some() {
            own_dates_in_004 += 1;
        }
        assert!(!f.abstract_.contains("\\%"), "{name}: LaTeX debris left");
    }
    assert!(own_dates_in_004 >= 66, "{own_dates_in_004}");
    assert!(listed_in_several > 0, "385 entries merge into 280 papers");

    let (_, kyutai) = pages
        .iter()
        .find_map(|(name, text)| {
            let page = page::read(text, name).unwrap();
            (page.front.facts.organization.as_deref() == Some("Kyutai")).then_some((name, page))
        })
        .expect("the Kyutai entry keeps its organization");
    assert!(kyutai.front.facts.authors.is_none());
    assert!(
        pages.values().any(|t| t.contains("\nupvotes = ")),
        "upvote counts are kept"
    );
    // Most papers get between one and four tags.
    let tagged = pages
        .iter()
        .filter(|(n, t)| {
            let n = page::read(t, n).unwrap().front.facts.tags.len();
            (1..=4).contains(&n)
        })
        .count();
    assert!(tagged * 10 >= pages.len() * 8, "{tagged} of 280 tagged 1-4");
}

/// The repository's sample pages are what import wrote for the seeds. A
/// fresh import must write them again byte for byte: the page format is a
/// contract with every existing site (a different byte would be a hand
/// edit to the next import, or a changed page in someone's git history).
#[test]
fn the_seeds_import_to_exactly_the_committed_sample_pages() {
    let site = seed_site();
    import(site.path());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let committed = pages(repo);
    let imported = pages(site.path());
    assert_eq!(
        committed.keys().collect::<Vec<_>>(),
        imported.keys().collect::<Vec<_>>(),
        "the same page files"
    );
    for (name, text) in &committed {
        assert!(
            imported[name] == *text,
            "{name} differs from a fresh import"
        );
    }
}

#[test]
fn a_second_import_changes_no_byte() {
    let site = seed_site();
    import(site.path());
    let before = pages(site.path());
    let report = import(site.path());
    assert_eq!(report.added + report.updated, 0, "{report:?}");
    assert_eq!(report.unchanged, 280);
    assert_eq!(pages(site.path()), before);
}

#[test]
fn hand_edits_survive_a_newer_dump_and_are_reported_once() {
    let site = seed_site();
    import(site.path());
    let all = pages(site.path());
    let (name, page) = page_titled(&all, "Stateful Conformer");
    let name = name.to_string();
    let path = site.path().join("content/papers").join(&name);
    let title = page.front.facts.title.clone();
    let original = fs::read_to_string(&path).unwrap();
    let edited = original.replacen(
        "\ntags = [",
        "\nrating = \"must read\"\ntags = [\"mine\", ",
        1,
    ) + "## My notes\n\nRead this twice.\n";
    fs::write(&path, &edited).unwrap();

    // A newer dump lists the paper again with more upvotes.
    fs::write(
        site.path().join("digests/2025-06-01.txt"),
        format!("{HEADER}{title}\n\nShort.\n\n  • 6 authors\n·\nApr 28, 2025 42\n"),
    )
    .unwrap();
    let report = import(site.path());
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
    assert_eq!(report.kept_edits, 1, "{report:?}");
    let text = fs::read_to_string(&path).unwrap();
    let page = page::read(&text, &name).unwrap();
    assert_eq!(
        page.front.facts.upvotes,
        Some(42),
        "an untouched fact follows the dumps"
    );
    assert!(
        page.front
            .facts
            .digests
            .contains(&"2025-06-01.txt".to_string())
    );
    assert_eq!(
        page.front.facts.tags[0], "mine",
        "the person's tags are kept"
    );
    assert_eq!(page.front.extra["rating"].as_str(), Some("must read"));
    assert!(page.body.ends_with("## My notes\n\nRead this twice.\n"));
    assert_eq!(
        pages(site.path()).len(),
        280,
        "the new dump lists a known paper"
    );

    let again = import(site.path());
    assert_eq!(again.kept_edits, 0, "said once: {again:?}");
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_page_keeps_its_file_name_when_renamed_by_hand() {
    let site = seed_site();
    import(site.path());
    let dir = site.path().join("content/papers");
    let all = pages(site.path());
    let (name, _) = page_titled(&all, "Stateful Conformer");
    fs::rename(dir.join(name), dir.join("my-favourite.md")).unwrap();
    let report = import(site.path());
    assert_eq!(report.added, 0, "{report:?}");
    assert!(dir.join("my-favourite.md").exists());
    assert!(!dir.join(name).exists());
}

#[test]
fn a_page_with_broken_front_matter_is_reported_and_left_untouched() {
    let site = seed_site();
    import(site.path());
    let all = pages(site.path());
    let (name, _) = page_titled(&all, "Stateful Conformer");
    let path = site.path().join("content/papers").join(name);
    let broken =
        fs::read_to_string(&path)
            .unwrap()
            .replacen("\ntags = ", "\ntags = \"many\" # ", 1);
    let line = broken
        .lines()
        .position(|l| l.starts_with("tags = "))
        .unwrap()
        + 1;
    fs::write(&path, &broken).unwrap();
    fs::write(
        site.path().join("digests/2025-06-01.txt"),
        format!("{HEADER}Stateful Conformer with Cache-based Inference for Streaming Automatic Speech Recognition\n\nShort.\n\n  • 6 authors\n·\nApr 28, 2025 99\n"),
    )
    .unwrap();
    let report = import(site.path());
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with(&format!("content/papers/{name}:{line}: error:")),
        "{errs:?}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), broken, "untouched");
    assert_eq!(
        pages(site.path()).len(),
        280,
        "no duplicate page for the broken one"
    );
    assert_eq!(report.kept_removed, 0, "a page mid-edit is not a removal");
    assert!(gazette::removal::read(site.path()).unwrap().is_empty());

    // The same for a page taken over by hand (its [imported] table deleted).
    let (name, _) = page_titled(&all, "A Single Transformer for Scalable");
    let text = &all[name];
    let cut = text.find("\n[imported]").unwrap();
    let end = text[cut + 1..].find("\n+++").unwrap() + cut + 1;
    let mine = format!("{}{}", &text[..cut], &text[end..]);
    let path = site.path().join("content/papers").join(name);
    fs::write(&path, &mine).unwrap();
    let report = import(site.path());
    assert_eq!(report.kept_removed, 0, "{report:?}");
    assert!(gazette::removal::read(site.path()).unwrap().is_empty());
    assert_eq!(fs::read_to_string(&path).unwrap(), mine, "untouched");
}

#[test]
fn hostile_text_is_stored_as_data_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("digests")).unwrap();
    let title =
        "<script>alert(1)</script> {{ config }} {% raw %} \"+++\" & [x](javascript:alert(1))";
    let abstract_ = "We show {{ 7*7 }} and {% if true %}x{% endif %} and a line +++ and <b>bold</b> in a long abstract that is clearly an abstract because it keeps going for many words.";
    fs::write(
        dir.path().join("digests/2025-04-28.txt"),
        format!("{HEADER}{title}\n\n{abstract_}\n\n  • 2 authors\n·\nApr 28\n"),
    )
    .unwrap();
    let report = import(dir.path());
    assert_eq!(report.added, 1, "{report:?}");
    let all = pages(dir.path());
    let (name, text) = all.iter().next().unwrap();
    let page = page::read(text, name).unwrap();
    assert_eq!(page.front.facts.title, title);
    assert_eq!(page.front.facts.abstract_, abstract_);
    assert_eq!(import(dir.path()).unchanged, 1);
    assert_eq!(&pages(dir.path())[name], text);
}

#[test]
fn an_unreadable_dump_is_reported_and_the_others_still_import() {
    let site = seed_site();
    fs::create_dir(site.path().join("digests/broken.txt")).unwrap();
    let report = import(site.path());
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("digests/broken.txt: error:"),
        "{errs:?}"
    );
    assert_eq!(report.added, 280);
}

#[test]
fn an_unwritable_pages_folder_is_a_clear_error_and_nothing_is_written() {
    let site = seed_site();
    fs::create_dir(site.path().join("content")).unwrap();
    // A file where the folder should be (chmod does not stop root).
    fs::write(site.path().join("content/papers"), "in the way").unwrap();
    let config = Config::load(site.path()).unwrap();
    let err = import_site(site.path(), &config).unwrap_err();
    assert!(
        err.to_string().starts_with("content/papers: error:"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(site.path().join("content/papers")).unwrap(),
        "in the way"
    );
}

#[test]
fn the_import_command_reports_what_it_did() {
    let site = seed_site();
    let out = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--root")
        .arg(site.path())
        .arg("import")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("280 pages: 280 added, 0 updated, 0 unchanged"),
        "{stderr}"
    );
}

#[test]
fn a_listing_without_a_date_is_dated_by_its_file_name() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("digests")).unwrap();
    fs::write(
        dir.path().join("digests/papers-2025-06-01.txt"),
        "Daily Papers\n\nby AK and the research community\n\n\
         A Paper Without A Date Of Its Own\n\n\
         This abstract is long enough to be read as an abstract, because it goes on and on \
         about the method, the experiments and the results for many words.\n",
    )
    .unwrap();
    let report = import(dir.path());
    assert_eq!(report.added, 1, "{report:?}");
    let all = pages(dir.path());
    let (name, text) = all.iter().next().unwrap();
    let page = page::read(text, name).unwrap();
    assert_eq!(
        page.front.facts.date,
        chrono::NaiveDate::from_ymd_opt(2025, 6, 1)
    );
}

#[test]
fn builds_skip_the_import_until_a_dump_a_setting_or_the_page_set_changes() {
    use gazette::import::import_if_changed;
    let site = seed_site();
    let root = site.path();
    let config = Config::load(root).unwrap();
    let first = import_if_changed(root, &config).unwrap();
    assert_eq!(first.added, 280);
    assert!(
        import_if_changed(root, &config).unwrap().skipped,
        "nothing changed"
    );

    // A page deleted by hand is noticed by the next build (and stays out).
    let all = pages(root);
    let (name, _) = page_titled(&all, "Stateful Conformer");
    fs::remove_file(root.join("content/papers").join(name)).unwrap();
    let again = import_if_changed(root, &config).unwrap();
    assert!(!again.skipped);
    assert_eq!((again.added, again.kept_removed), (0, 1));

    // A new dump is imported.
    fs::write(
        root.join("digests/2025-06-01.txt"),
        format!("{HEADER}A Brand New Paper\n\nShort.\n\n  • 2 authors\n·\nJun 1 3\n"),
    )
    .unwrap();
    let with_dump = import_if_changed(root, &config).unwrap();
    assert_eq!((with_dump.skipped, with_dump.added), (false, 1));

    // Different tag rules re-tag every page.
    let mut retagged = config.clone();
    retagged.tags.max = 1;
    let report = import_if_changed(root, &retagged).unwrap();
    assert!(!report.skipped && report.updated > 0, "{report:?}");
}

/// One entry in the seed format: title, abstract, metadata.
fn entry(title: &str, upvotes: u32) -> String {
    format!(
        "{title}\n\nWe study {title} in depth and report what we found about it.\n\n  • 3 authors\n·\nApr 28 {upvotes}\n\n"
    )
}

#[test]
fn papers_whose_slugs_collide_each_get_their_own_page() {
    // Titles that share their first 80 slug characters, and titles that
    // spell the same in plain letters: four papers, four pages.
    let stem =
        "Efficient Streaming Speech Recognition with Stateful Conformers on Small Edge Devices";
    let titles = [
        format!("{stem}: Part One"),
        format!("{stem}: Part Two"),
        "Über Models".to_string(),
        "Uber Models".to_string(),
    ];
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("digests")).unwrap();
    let body: String = titles.iter().map(|t| entry(t, 1)).collect();
    fs::write(
        dir.path().join("digests/2025-04-28.txt"),
        format!("{HEADER}{body}"),
    )
    .unwrap();
    let report = import(dir.path());
    assert_eq!(report.added, 4, "{report:?}");
    let all = pages(dir.path());
    assert_eq!(all.len(), 4, "{:?}", all.keys());
    for title in &titles {
        let (_, page) = page_titled(&all, title);
        assert_eq!(&page.front.facts.title, title);
    }
    assert!(all.contains_key("uber-models.md") && all.contains_key("uber-models-2.md"));

    // And the next import finds all four again: nothing added, nothing lost.
    let again = import(dir.path());
    assert_eq!((again.added, again.unchanged), (0, 4), "{again:?}");
    assert_eq!(pages(dir.path()), all);
}

#[test]
fn a_page_renamed_while_its_front_matter_is_broken_gets_no_second_copy() {
    let site = seed_site();
    import(site.path());
    let dir = site.path().join("content/papers");
    let all = pages(site.path());
    let (name, _) = page_titled(&all, "Stateful Conformer");
    let broken = all[name].replacen("\ntags = ", "\ntags = \"many\" # ", 1);
    assert_ne!(broken, all[name]);
    fs::remove_file(dir.join(name)).unwrap();
    fs::write(dir.join("my-notes-on-conformers.md"), &broken).unwrap();
    let report = import(site.path());
    assert_eq!(report.added, 0, "{report:?}");
    assert_eq!(errors(&report).len(), 1, "{report:?}");
    assert_eq!(
        pages(site.path()).len(),
        280,
        "no duplicate of the renamed page"
    );
    assert_eq!(
        fs::read_to_string(dir.join("my-notes-on-conformers.md")).unwrap(),
        broken
    );
}

/// Every page of a site whose only dump is `name` holding `bytes`.
fn pages_of_one_dump(name: &str, bytes: &[u8]) -> (BTreeMap<String, String>, ImportReport) {
    let site = tempfile::tempdir().unwrap();
    fs::create_dir(site.path().join("digests")).unwrap();
    fs::write(site.path().join("digests").join(name), bytes).unwrap();
    fs::write(
        site.path().join("config.toml"),
        format!("[import.years]\n\"{name}\" = 2025\n"),
    )
    .unwrap();
    let report = import(site.path());
    (pages(site.path()), report)
}

fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend(if little { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
    }
    for unit in text.encode_utf16() {
        out.extend(if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

#[test]
fn a_utf16_dump_imports_the_same_pages_as_its_utf8_original() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let name = "004_41f7e9e21dc0960a.txt";
    let original = fs::read_to_string(repo.join("digests").join(name)).unwrap();
    let (expected, report) = pages_of_one_dump(name, original.as_bytes());
    assert_eq!(expected.len(), 67, "{report:?}");
    // PowerShell 5 `>` and Notepad "Unicode" write UTF-16 LE with a mark,
    // with Windows line ends; other tools leave the mark out or write BE.
    let windows = original.replace('\n', "\r\n");
    let mut utf8_bom = b"\xEF\xBB\xBF".to_vec();
    utf8_bom.extend(windows.as_bytes());
    for (what, bytes) in [
        (
            "UTF-16 LE (with a byte-order mark)",
            utf16(&windows, true, true),
        ),
        (
            "UTF-16 LE (without a byte-order mark)",
            utf16(&original, true, false),
        ),
        (
            "UTF-16 BE (with a byte-order mark)",
            utf16(&original, false, true),
        ),
        (
            "UTF-16 BE (without a byte-order mark)",
            utf16(&windows, false, false),
        ),
        ("UTF-8", utf8_bom),
    ] {
        let (got, report) = pages_of_one_dump(name, &bytes);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{what}: the same page files"
        );
        assert!(got == expected, "{what}: the same pages, byte for byte");
        let notes: Vec<String> = report
            .diagnostics
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        if what != "UTF-8" {
            assert!(
                notes.contains(&format!(
                    "digests/{name}: warning: read as {what}; Gazette reads it as it is, \
                     and saving it as UTF-8 silences this note"
                )),
                "{what}: {notes:?}"
            );
        }
    }
}

#[test]
fn a_file_that_is_not_text_is_not_a_digest_and_makes_no_page() {
    // A zip archive and an image saved under a dump's name, and text in
    // UTF-32 (neither UTF-8 nor UTF-16: every character has three zeros).
    let utf32: Vec<u8> = "Daily Papers\n\nA Title\n\nAn abstract that is long enough.\n"
        .chars()
        .flat_map(|c| (c as u32).to_le_bytes())
        .collect();
    for bytes in [
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00junk".to_vec(),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec(),
        utf32,
    ] {
        let (pages, report) = pages_of_one_dump("x.txt", &bytes);
        assert!(pages.is_empty(), "{pages:?}");
        let notes: Vec<String> = report
            .diagnostics
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        assert_eq!(notes.len(), 1, "one message for the file: {notes:?}");
        assert!(
            notes[0].starts_with("digests/x.txt: warning: not a digest"),
            "{notes:?}"
        );
    }
}

#[test]
fn a_guessed_year_is_warned_about_once_per_dump_until_the_person_sets_it() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    fs::create_dir(root.join("digests")).unwrap();
    // Two seeds copied into a new site with no settings: nothing tells
    // their year.
    let names = ["000_bb9f3ca8e7c3113e.txt", "001_8f9d0c8f438dc6d9.txt"];
    for name in names {
        fs::copy(
            repo.join("digests").join(name),
            root.join("digests").join(name),
        )
        .unwrap();
    }
    let guessed = |report: &ImportReport| -> Vec<String> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("was assumed"))
            .map(|d| d.file.clone())
            .collect()
    };
    let first = import(root);
    assert_eq!(
        guessed(&first),
        [
            "digests/000_bb9f3ca8e7c3113e.txt",
            "digests/001_8f9d0c8f438dc6d9.txt"
        ]
    );
    assert_eq!(first.guessed_years, 2);
    let second = import(root);
    assert!(
        guessed(&second).is_empty(),
        "said once: {:?}",
        second.diagnostics
    );
    assert_eq!(second.guessed_years, 2, "still a guess");
    assert!(
        gazette::pipeline::import_summary(&second)
            .ends_with(", the year of 2 dumps guessed (set it under [import.years])"),
        "{}",
        gazette::pipeline::import_summary(&second)
    );

    // The person sets one year: that dump is no longer a guess; the other
    // stays quiet.
    fs::write(
        root.join("config.toml"),
        "[import.years]\n\"000_bb9f3ca8e7c3113e.txt\" = 2025\n",
    )
    .unwrap();
    let third = import(root);
    assert!(guessed(&third).is_empty(), "{:?}", third.diagnostics);
    assert_eq!(third.guessed_years, 1);

    // Taking the setting out again makes it a guess again, said again.
    fs::write(root.join("config.toml"), "").unwrap();
    let fourth = import(root);
    assert_eq!(guessed(&fourth), ["digests/000_bb9f3ca8e7c3113e.txt"]);
}

#[test]
fn a_page_deleted_by_hand_stays_out_is_reported_and_can_be_brought_back() {
    let site = seed_site();
    let root = site.path();
    import(root);
    let all = pages(root);
    let (name, page) = page_titled(&all, "Stateful Conformer");
    let name = name.to_string();
    let slug = name.trim_end_matches(".md").to_string();
    fs::remove_file(root.join("content/papers").join(&name)).unwrap();

    let report = import(root);
    assert_eq!((report.added, report.kept_removed), (0, 1), "{report:?}");
    assert!(
        !root.join("content/papers").join(&name).exists(),
        "not brought back"
    );
    let said: Vec<String> = report
        .diagnostics
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    assert!(
        said.contains(&format!(
            "content/papers/{name}: warning: was deleted, so the paper is now listed in \
             content/removed.toml and import keeps it out (as `gazette remove {slug}` would); \
             to have it back, run `gazette remove --undo {slug}`"
        )),
        "{said:?}"
    );
    let removed = gazette::removal::read(root).unwrap();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].title, page.front.facts.title);
    assert!(
        gazette::pipeline::import_summary(&report)
            .contains(", 1 removed kept out (content/removed.toml)"),
        "{}",
        gazette::pipeline::import_summary(&report)
    );

    // Said once: the next import only counts it.
    let next = import(root);
    assert_eq!(next.kept_removed, 1);
    assert!(
        !next
            .diagnostics
            .iter()
            .any(|d| d.message.contains("was deleted"))
    );

    // A fresh clone (no .gazette/) keeps it out too: the tombstone is content.
    fs::remove_dir_all(root.join(".gazette")).unwrap();
    let fresh = import(root);
    assert_eq!((fresh.added, fresh.kept_removed), (0, 1));

    // Undo: the entry taken out of content/removed.toml brings it back.
    assert!(gazette::removal::undo(root, &slug).unwrap().is_some());
    let back = import(root);
    assert_eq!((back.added, back.kept_removed), (1, 0), "{back:?}");
    assert_eq!(pages(root), all, "the same page, byte for byte");
}

#[test]
fn emptying_the_pages_folder_imports_afresh_rather_than_removing_everything() {
    let site = seed_site();
    let root = site.path();
    import(root);
    let before = pages(root);
    for name in before.keys() {
        fs::remove_file(root.join("content/papers").join(name)).unwrap();
    }
    let report = import(root);
    assert_eq!((report.added, report.kept_removed), (280, 0));
    assert_eq!(pages(root), before);
    assert!(gazette::removal::read(root).unwrap().is_empty());
}

#[test]
fn a_broken_removed_file_stops_the_import_before_anything_comes_back() {
    let site = seed_site();
    let root = site.path();
    import(root);
    fs::write(
        root.join("content/removed.toml"),
        "[[removed]]\nslug = \"x\"\ntitle = 3\n",
    )
    .unwrap();
    let config = Config::load(root).unwrap();
    let err = import_site(root, &config).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("content/removed.toml:3: error: "),
        "{err}"
    );
}

#[test]
fn a_paper_removed_with_the_command_and_undone_at_once_comes_back() {
    let site = seed_site();
    let root = site.path();
    import(root);
    let all = pages(root);
    let (name, _) = page_titled(&all, "Stateful Conformer");
    let slug = name.trim_end_matches(".md").to_string();
    gazette::removal::remove(root, &slug, false).unwrap();
    assert!(gazette::removal::undo(root, &slug).unwrap().is_some());
    let back = import(root);
    assert_eq!((back.added, back.kept_removed), (1, 0), "{back:?}");
    assert!(gazette::removal::read(root).unwrap().is_empty());
    assert_eq!(pages(root), all);
}

/// One entry with its own abstract.
fn entry_with(title: &str, abstract_: &str, upvotes: u32) -> String {
    format!("{title}\n\n{abstract_}\n\n  • 3 authors\n·\nApr 28 {upvotes}\n\n")
}

#[test]
fn papers_told_apart_only_by_plus_or_sharp_signs_are_not_merged() {
    let papers = [
        (
            "C++ Models",
            "Templates in C++ models compile to fast kernels.",
            7,
        ),
        (
            "C Models",
            "Plain C models run on microcontrollers everywhere.",
            3,
        ),
        (
            "C# Models",
            "Managed C# models run inside the CLR with garbage collection.",
            5,
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("digests")).unwrap();
    let body: String = papers
        .iter()
        .map(|(t, a, u)| entry_with(t, a, *u))
        .collect();
    fs::write(
        dir.path().join("digests/2025-04-28.txt"),
        format!("{HEADER}{body}"),
    )
    .unwrap();
    let report = import(dir.path());
    assert_eq!(report.added, 3, "{report:?}");
    let all = pages(dir.path());
    assert_eq!(all.len(), 3, "{:?}", all.keys());
    for (title, abstract_, upvotes) in papers {
        let (_, page) = page_titled(&all, title);
        assert_eq!(page.front.facts.title, title);
        assert_eq!(page.front.facts.abstract_, abstract_, "{title}");
        assert_eq!(page.front.facts.upvotes, Some(upvotes), "{title}");
    }
}

#[test]
fn merging_entries_whose_abstracts_differ_is_reported_at_both_places() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("digests")).unwrap();
    let first = "We train a small transformer on protein sequences and predict folding.";
    let other = "A survey of reinforcement learning for robotic grasping in cluttered scenes.";
    fs::write(
        dir.path().join("digests/a.txt"),
        format!("{HEADER}{}", entry_with("Introduction", first, 1)),
    )
    .unwrap();
    fs::write(
        dir.path().join("digests/b.txt"),
        format!(
            "{HEADER}{}{}",
            entry_with("Another Paper", "Short.", 1),
            entry_with("Introduction", other, 2)
        ),
    )
    .unwrap();
    // The same paper listed again with its abstract cut short is no news.
    fs::write(
        dir.path().join("digests/c.txt"),
        format!("{HEADER}{}", entry_with("Introduction", &first[..40], 1)),
    )
    .unwrap();
    let report = import(dir.path());
    let warnings: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("abstract"))
        .map(std::string::ToString::to_string)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("digests/b.txt:15: warning:")
            && warnings[0].contains("digests/a.txt:7"),
        "{warnings:?}"
    );
}

/// Pages imported before `+` and `#` counted in the merge key carry the
/// old key: import must still find them (no second page) and update it.
#[test]
fn a_page_imported_under_the_old_merge_key_is_found_and_its_key_updated() {
    let site = seed_site();
    import(site.path());
    let dir = site.path().join("content/papers");
    let all = pages(site.path());
    let (name, page) = page_titled(&all, "NERV++");
    let new_key = gazette::import::title_key(&page.front.facts.title);
    assert_eq!(
        new_key,
        "nerv++ an enhanced implicit neural video representation"
    );
    let old = all[name].replace(
        &format!("key = \"{new_key}\""),
        "key = \"nerv an enhanced implicit neural video representation\"",
    );
    assert_ne!(old, all[name]);
    fs::write(dir.join(name), &old).unwrap();
    let report = import(site.path());
    assert_eq!((report.added, report.updated), (0, 1), "{report:?}");
    assert_eq!(
        pages(site.path()),
        all,
        "the key is rewritten, nothing else"
    );
}

/// A page copied to a second file (by hand, or by a merge) is one paper
/// in two files: import says so, naming both, and updates only the first
/// by name, every time.
#[test]
fn two_pages_with_one_imported_key_are_reported_and_only_the_first_is_updated() {
    let site = seed_site();
    import(site.path());
    let dir = site.path().join("content/papers");
    let all = pages(site.path());
    let (name, page) = page_titled(&all, "Stateful Conformer");
    let title = page.front.facts.title.clone();
    // Sorted before and after the original's name.
    fs::write(dir.join("a-copy.md"), &all[name]).unwrap();
    fs::write(dir.join("z-copy.md"), &all[name]).unwrap();
    fs::write(
        site.path().join("digests/2025-06-01.txt"),
        format!("{HEADER}{title}\n\nShort.\n\n  • 6 authors\n·\nApr 28, 2025 77\n"),
    )
    .unwrap();
    let report = import(site.path());
    assert_eq!((report.added, report.updated), (0, 1), "{report:?}");
    let warnings: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("`[imported] key`"))
        .map(std::string::ToString::to_string)
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    for (copy, w) in [name, "z-copy.md"].iter().zip(&warnings) {
        assert!(
            w.starts_with(&format!("content/papers/{copy}:"))
                && w.contains(": warning: ")
                && w.contains("content/papers/a-copy.md"),
            "{warnings:?}"
        );
    }
    let upvotes = |file: &str| {
        let text = fs::read_to_string(dir.join(file)).unwrap();
        page::read(&text, file).unwrap().front.facts.upvotes
    };
    assert_eq!(
        upvotes("a-copy.md"),
        Some(77),
        "the first by name is updated"
    );
    assert_eq!(fs::read_to_string(dir.join(name)).unwrap(), all[name]);
    assert_eq!(
        fs::read_to_string(dir.join("z-copy.md")).unwrap(),
        all[name]
    );
}

/// Dump text quoted in a message must not drive the terminal: an escape
/// sequence could clear the screen or retitle the window, a carriage
/// return could overwrite the `file:line:` prefix.
#[test]
fn control_characters_in_dump_text_reach_the_terminal_escaped() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("digests")).unwrap();
    let evil =
        "Evil \u{1b}]0;pwned\u{7} \u{1b}[2J title\rdigests/other.txt:1: error: fake \u{9b}31m";
    fs::write(
        dir.path().join("digests/2025-04-28.txt"),
        format!("{HEADER}{}{evil}\n", entry("A Fine Paper", 1)),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--root")
        .arg(dir.path())
        .arg("import")
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let raw: Vec<char> = stderr
        .chars()
        .filter(|&c| c.is_control() && c != '\n')
        .collect();
    assert!(
        raw.is_empty(),
        "raw control characters {raw:?} in:\n{stderr}"
    );
    let warning = stderr
        .lines()
        .find(|l| l.contains("pwned"))
        .unwrap_or_else(|| panic!("the entry is reported:\n{stderr}"));
    assert!(
        warning.starts_with("digests/2025-04-28.txt:15: warning: ")
            && warning.contains(r"Evil \u{1b}]0;pwned\u{7} \u{1b}[2J title\rdigests/other.txt"),
        "{warning}"
    );
}

/// A newer dump that updates `title`'s page, with 42 upvotes.
fn newer_dump(root: &Path, title: &str) {
    fs::write(
        root.join("digests/2025-06-01.txt"),
        format!("{HEADER}{title}\n\nShort.\n\n  • 6 authors\n·\nApr 28, 2025 42\n"),
    )
    .unwrap();
}

#[cfg(unix)]
#[test]
fn import_keeps_a_pages_permissions_and_gives_new_pages_the_usual_ones() {
    use std::os::unix::fs::PermissionsExt;
    let site = seed_site();
    import(site.path());
    let dir = site.path().join("content/papers");
    let all = pages(site.path());
    let (name, page) = page_titled(&all, "Stateful Conformer");
    let path = dir.join(name);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o664)).unwrap();
    newer_dump(site.path(), &page.front.facts.title);
    assert_eq!(import(site.path()).updated, 1);
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o664, "the person's mode is kept");

    // A new page gets what any new file gets here (umask applied), not 0600.
    fs::write(dir.join("probe.txt"), "").unwrap();
    let usual = mode(&dir.join("probe.txt"));
    // (A new paper: a page deleted by hand would be kept out, not re-made.)
    fs::write(
        site.path().join("digests/2025-06-02.txt"),
        format!(
            "{HEADER}A Brand New Paper on File Modes\n\nShort.\n\n  • 2 authors\n·\nJun 2, 2025 3\n"
        ),
    )
    .unwrap();
    assert_eq!(import(site.path()).added, 1);
    let other = dir.join("a-brand-new-paper-on-file-modes.md");
    assert_eq!(mode(&other), usual, "a new page");
}

#[test]
fn a_crlf_page_stays_crlf_when_import_updates_it() {
    let site = seed_site();
    import(site.path());
    let all = pages(site.path());
    let (name, page) = page_titled(&all, "Stateful Conformer");
    let path = site.path().join("content/papers").join(name);
    let crlf = format!(
        "{}My notes.\r\nLine two.\r\n",
        all[name].replace('\n', "\r\n")
    );
    fs::write(&path, &crlf).unwrap();
    newer_dump(site.path(), &page.front.facts.title);
    assert_eq!(import(site.path()).updated, 1);
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "every line still ends in CRLF:\n{text:?}"
    );
    let page = page::read(&text, name).unwrap();
    assert_eq!(page.front.facts.upvotes, Some(42));
    assert_eq!(page.body, "My notes.\r\nLine two.\r\n");
    // And the next import leaves it be.
    assert_eq!(import(site.path()).unchanged, 280);
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
}

/// TOML puts a field written after the `[imported]` table inside it:
/// templates would never see it. Import moves it out and says so.
#[test]
fn a_field_added_at_the_bottom_of_the_front_matter_is_moved_out_of_imported() {
    let site = seed_site();
    import(site.path());
    let all = pages(site.path());
    let (name, page) = page_titled(&all, "Stateful Conformer");
    let path = site.path().join("content/papers").join(name);
    // After the last line of `[imported]`, just before the closing `+++`.
    let added = all[name].replacen("\n+++\n", "\nrating = 5 # mine\n+++\n", 1);
    assert!(added.ends_with("}\nrating = 5 # mine\n+++\n"), "{added}");
    fs::write(&path, &added).unwrap();
    // Templates see it at once, before any import.
    let read = page::read(&added, name).unwrap();
    assert_eq!(
        read.front.extra["rating"].as_integer(),
        Some(5),
        "{:?}",
        read.front.extra
    );

    newer_dump(site.path(), &page.front.facts.title);
    let report = import(site.path());
    let moved: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("`rating`"))
        .map(std::string::ToString::to_string)
        .collect();
    assert_eq!(moved.len(), 1, "{:?}", report.diagnostics);
    assert!(
        moved[0].starts_with(&format!("content/papers/{name}:")),
        "{moved:?}"
    );
    let text = fs::read_to_string(&path).unwrap();
    let imported_at = text.find("\n[imported]\n").unwrap();
    let rating_at = text
        .find("\nrating = 5 # mine\n")
        .expect("kept, comment and all");
    assert!(rating_at < imported_at, "moved above [imported]:\n{text}");
    let page = page::read(&text, name).unwrap();
    assert_eq!(page.front.extra["rating"].as_integer(), Some(5));
    assert_eq!(page.front.facts.upvotes, Some(42));
    assert!(
        import(site.path())
            .diagnostics
            .iter()
            .all(|d| !d.message.contains("`rating`")),
        "said once"
    );
}

/// The seeds: one page per distinct merge key among their entries, no
/// more (nothing duplicated), no fewer (nothing dropped or merged away).
#[test]
fn the_seeds_give_one_page_per_distinct_key() {
    let site = seed_site();
    let report = import(site.path());
    let mut keys = std::collections::BTreeSet::new();
    for entry in fs::read_dir(site.path().join("digests")).unwrap() {
        let path = entry.unwrap().path();
        let parsed = gazette::digest::parse(&fs::read(&path).unwrap(), "seed");
        assert!(parsed.entries.iter().all(|e| e.arxiv.is_none()));
        keys.extend(
            parsed
                .entries
                .iter()
                .map(|e| gazette::import::title_key(&e.title))
                .filter(|k| !k.is_empty()),
        );
    }
    let all = pages(site.path());
    assert_eq!(all.len(), keys.len(), "{report:?}");
    assert_eq!(keys.len(), 280);
    let page_keys: std::collections::BTreeSet<String> = all
        .iter()
        .map(|(name, text)| {
            page::read(text, name)
                .unwrap()
                .front
                .imported_key_and_hash()
                .unwrap()
                .0
        })
        .collect();
    assert_eq!(page_keys, keys);
}

/// A generated corpus with 1,020 deliberate collisions, in three dumps:
/// per group, one paper spelt three ways (two key collisions: one paper),
/// and papers whose slugs collide though they differ (`Über`/`Uber`,
/// `C++`/`C`/`C#`, titles sharing their first 80 slug characters: four
/// slug collisions). Import must give exactly one page per distinct paper,
/// each with its own facts, and the site must load.
#[test]
fn a_corpus_with_a_thousand_collisions_gives_exactly_the_distinct_papers() {
    const GROUPS: usize = 170;
    let long =
        "Efficient Streaming Speech Recognition with Stateful Conformers on Small Edge Devices";
    let mut dumps = [
        String::from(HEADER),
        String::from(HEADER),
        String::from(HEADER),
    ];
    // (title as first written, the abstract only that paper has)
    let mut papers: Vec<(String, String)> = Vec::new();
    let mut collisions = 0;
    for g in 0..GROUPS {
        let same = [
            format!("Sparse Mixture Routing {g}"),
            format!("sparse mixture-routing, {g}!"),
            format!("SPARSE  MIXTURE ROUTING {g}"),
        ];
        let abstract_ = |what: &str| format!("We study {what} number {g} and report findings {g}.");
        for (d, title) in same.iter().enumerate() {
            dumps[d].push_str(&entry_with(title, &abstract_("sparse mixture routing"), 1));
        }
        papers.push((same[0].clone(), abstract_("sparse mixture routing")));
        collisions += 2;
        let apart = [
            format!("Über Models {g}"),
            format!("Uber Models {g}"),
            format!("C++ Kernels {g}"),
            format!("C Kernels {g}"),
            format!("C# Kernels {g}"),
            format!("{long} {g}: Part One"),
            format!("{long} {g}: Part Two"),
        ];
        for (i, title) in apart.iter().enumerate() {
            let text = abstract_(&format!("topic {i} in {title}"));
            dumps[i % 3].push_str(&entry_with(title, &text, i as u32));
            papers.push((title.clone(), text));
        }
        collisions += 4;
    }
    assert!(collisions >= 1_000, "{collisions}");

    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("digests")).unwrap();
    for (i, dump) in dumps.iter().enumerate() {
        fs::write(dir.path().join(format!("digests/2025-04-2{i}.txt")), dump).unwrap();
    }
    let report = import(dir.path());
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
    assert_eq!(report.added, papers.len(), "{report:?}");
    let all = pages(dir.path());
    assert_eq!(all.len(), papers.len(), "one page per distinct paper");
    let by_key: BTreeMap<String, page::PageFile> = all
        .iter()
        .map(|(name, text)| {
            let page = page::read(text, name).unwrap();
            (page.front.imported_key_and_hash().unwrap().0, page)
        })
        .collect();
    assert_eq!(by_key.len(), papers.len(), "no two pages for one paper");
    for (title, abstract_) in &papers {
        let page = &by_key[&gazette::import::title_key(title)];
        assert_eq!(&page.front.facts.title, title);
        assert_eq!(
            &page.front.facts.abstract_, abstract_,
            "{title}: its own facts"
        );
    }
    let config = Config::load(dir.path()).unwrap();
    let site = gazette::site::load::load(
        dir.path(),
        config,
        &mut gazette::site::load::LoadCache::default(),
    )
    .expect("the site loads: no slug or paper is taken twice");
    assert_eq!(site.papers.len(), papers.len());

    let again = import(dir.path());
    assert_eq!((again.added, again.updated), (0, 0), "{again:?}");
}

/// What `gazette build` loads from the pages import hands over equals what
/// it loads reading every page from disk: for pages import wrote (a fresh
/// import) and for pages it read and left alone (an import over them, one
/// edited by hand, one written by hand), and the page a person edits after
/// the import is read from disk, edit and all.
#[test]
fn loading_what_import_handed_over_equals_loading_from_disk() {
    use gazette::site::load::{LoadCache, load};
    let site = seed_site();
    let root = site.path();
    let config = Config::load(root).unwrap();
    let fresh = import(root);
    assert!(
        fresh.added > 0 && fresh.pages.len() == fresh.added,
        "{fresh:?}"
    );
    let from_disk = || load(root, config.clone(), &mut LoadCache::default()).unwrap();
    let handed = load(root, config.clone(), &mut LoadCache::once(fresh.pages)).unwrap();
    assert_eq!(handed, from_disk(), "pages import wrote");

    let all = pages(root);
    let (name, _) = page_titled(&all, "Stateful");
    let path = root.join("content/papers").join(name);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("+++\n", "+++\nrating = 5\n", 1)).unwrap();
    fs::write(
        root.join("content/papers/mine.md"),
        "+++\ntitle = \"My own page\"\ntags = [\"mine\"]\n+++\nNotes.\n",
    )
    .unwrap();
    let again = import(root);
    assert_eq!(
        again.pages.len(),
        all.len() + 1,
        "every page import read: {again:?}"
    );
    fs::write(
        &path,
        fs::read_to_string(&path).unwrap() + "Edited after the import.\n",
    )
    .unwrap();
    let handed = load(root, config.clone(), &mut LoadCache::once(again.pages)).unwrap();
    assert_eq!(handed, from_disk(), "pages import read, one edited since");
    let edited = handed
        .papers
        .iter()
        .find(|p| p.title.starts_with("Stateful"))
        .unwrap();
    assert!(
        edited.body.contains("Edited after the import."),
        "{:?}",
        edited.body
    );
    assert_eq!(edited.extra["rating"].as_integer(), Some(5));
}
