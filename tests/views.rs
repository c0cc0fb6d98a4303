//! The views built from awkward dumps, end to end through the binary: two
//! dumps of one day, a dump with no date, a paper listed twenty times,
//! organizations whose names have no Latin letters or none at all, a
//! malformed arXiv id, a negative related count. Each is handled, and
//! `gazette check` finds no broken link.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn gazette(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("run gazette")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// An abstract long enough to read as one, about `topic`.
fn abstract_about(topic: &str) -> String {
    format!(
        "We study {topic} in depth. Our method improves {topic} on standard benchmarks \
         and we release the code and the data for {topic} to the community."
    )
}

/// A plain dump: the page header, `date` under it (or none), then entries
/// of (title, who, upvotes); an empty `who` is an entry with no metadata
/// (no date of its own, no upvotes).
fn dump(date: Option<&str>, entries: &[(&str, &str, u32)]) -> String {
    let mut text = String::from("Daily Papers\n\nby AK and the research community\n\n");
    if let Some(date) = date {
        text.push_str(&format!("{date}\n\n"));
    }
    for (title, who, upvotes) in entries {
        text.push_str(&format!("{title}\n\n{}\n\n", abstract_about(title)));
        if !who.is_empty() {
            text.push_str(&format!("{who}\n·\nMar 2 {upvotes}\n\n"));
        }
    }
    text
}

fn page(root: &Path, url: &str) -> String {
    let path = root
        .join("public")
        .join(url.trim_start_matches('/'))
        .join("index.html");
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("digests")).unwrap();
    fs::create_dir_all(root.join("content/papers")).unwrap();
    fs::write(
        root.join("config.toml"),
        "title = \"Views\"\nbase_url = \"https://example.org/\"\n[import]\ndefault_year = 2025\n",
    )
    .unwrap();
    let write =
        |name: &str, text: String| fs::write(root.join("digests").join(name), text).unwrap();
    // Two dumps of Apr 28; `Shared` is in both.
    write(
        "a.txt",
        dump(
            Some("Apr 28"),
            &[
                ("Alpha Speech Tokenizers", "  • 3 authors", 4),
                ("Shared Diffusion Sampler", "  • 2 authors", 7),
            ],
        ),
    );
    write(
        "b.txt",
        dump(
            Some("Apr 28"),
            &[
                ("Shared Diffusion Sampler", "  • 2 authors", 9),
                ("Gamma Video Models", "  • 5 authors", 1),
            ],
        ),
    );
    // No date under the header, organizations with no Latin letters.
    write(
        "undated-dump.txt",
        dump(
            None,
            &[
                ("Dots Organization Paper", "dots ···", 2),
                ("Tsinghua Organization Paper", "tsinghua 清华大学", 3),
            ],
        ),
    );
    // One paper in twenty listings, May 1 to May 20.
    for day in 1..=20 {
        write(
            &format!("m{day:02}.txt"),
            dump(
                Some(&format!("May {day}")),
                &[("Evergreen Attention Paper", "", day)],
            ),
        );
    }
    // A hand-written page with a malformed arXiv id.
    fs::write(
        root.join("content/papers/hand-written.md"),
        "+++\ntitle = \"A Hand-Written Page\"\narxiv = \"25-1\"\ndate = 2025-04-28\n+++\nMine.\n",
    )
    .unwrap();
    dir
}

#[test]
fn awkward_dumps_make_whole_views_and_check_finds_no_broken_link() {
    let dir = site();
    let root = dir.path();
    let build = gazette(root, &["build"]);
    assert!(build.status.success(), "{}", stderr(&build));
    let check = gazette(root, &["check"]);
    let said = stderr(&check);
    assert!(check.status.success(), "{said}");
    assert!(said.contains(", 0 broken links,"), "{said}");
    assert!(
        said.contains(
            "content/papers/hand-written.md:3: warning: `arxiv = \"25-1\"` is not an arXiv id"
        ),
        "the bad id at its file and line: {said}"
    );

    // Two dumps of one day: one page, dump by dump, each paper once.
    let apr28 = page(root, "listings/2025-04-28/");
    let order: Vec<usize> = [
        "Alpha Speech Tokenizers",
        "Shared Diffusion Sampler",
        "Gamma Video Models",
    ]
    .iter()
    .map(|t| {
        apr28
            .find(&format!(">{t}</a>"))
            .unwrap_or_else(|| panic!("{t}: {apr28}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert_eq!(apr28.matches(">Shared Diffusion Sampler</a>").count(), 1);
    assert!(
        apr28.contains("▲ 9"),
        "the most the day's dumps showed: {apr28}"
    );
    assert!(apr28.contains("a.txt, b.txt"), "{apr28}");

    // A dump with no date: its own listing, named after its file.
    let undated = page(root, "listings/undated-dump/");
    assert!(
        undated.contains("Dots Organization Paper")
            && undated.contains("Tsinghua Organization Paper")
    );

    // Twenty listings of one paper: each links back, and its page names all twenty.
    let evergreen = page(root, "papers/evergreen-attention-paper/");
    for day in 1..=20 {
        assert!(
            evergreen.contains(&format!("href=\"/listings/2025-05-{day:02}/\"")),
            "May {day}: {evergreen}"
        );
    }
    assert!(
        evergreen.contains("<time datetime=\"2025-05-01\">"),
        "its earliest listing's date"
    );
    assert!(page(root, "listings/2025-05-20/").contains("Evergreen Attention Paper"));

    // Organizations with no Latin letters, or none at all, get a page each.
    let orgs = page(root, "orgs/");
    assert!(
        orgs.contains(">···</a>") && orgs.contains(">清华大学</a>"),
        "{orgs}"
    );
    assert!(page(root, "orgs/qing-hua-da-xue/").contains("Tsinghua Organization Paper"));
    let dots = page(root, "papers/dots-organization-paper/");
    let org_link = dots
        .split("href=\"/orgs/")
        .nth(1)
        .expect("the organization is linked");
    let slug = &org_link[..org_link.find('"').unwrap()];
    assert!(slug.starts_with("org--"), "{slug}");
    assert!(page(root, &format!("orgs/{slug}")).contains("Dots Organization Paper"));

    // The malformed id makes no link to it; the page searches by title.
    let hand = page(root, "papers/hand-written/");
    assert!(!hand.contains("arxiv.org/abs/"), "{hand}");
    assert!(
        hand.contains("https://arxiv.org/search/?query=A+Hand-Written+Page"),
        "{hand}"
    );
}

#[test]
fn a_negative_related_count_is_a_config_error_naming_the_key() {
    let dir = site();
    let config = dir.path().join("config.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, text + "[related]\ncount = -1\n").unwrap();
    let build = gazette(dir.path(), &["build"]);
    assert!(!build.status.success());
    let said = stderr(&build);
    assert!(
        said.contains("config.toml:6: error: `related.count`"),
        "{said}"
    );
    assert!(!dir.path().join("public").exists(), "nothing was written");
}
