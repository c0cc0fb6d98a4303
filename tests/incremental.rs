//! Every incremental rebuild (what `serve` does after an edit) must produce
//! exactly the output a full build of the same sources produces.

use std::fs;
use std::path::{Path, PathBuf};

use gazette::output::Output;
use gazette::pipeline::{BuildOptions, Builder};

mod common;
use common::sample_site;

fn builder(root: &Path, import: bool) -> Builder {
    Builder::new(BuildOptions {
        root: root.to_path_buf(),
        base_url: None,
        import,
    })
}

/// A fresh build of the sources as they are (without importing, which
/// would bring a deleted page back from its dump).
fn full_build(root: &Path) -> Output {
    let mut b = builder(root, false);
    b.build(None).expect("full build");
    (*b.output()).clone()
}

/// Names the first differing file, so a failure says which page went stale.
fn assert_same(incremental: &Output, full: &Output, step: &str) {
    let inc: Vec<&String> = incremental.files.keys().collect();
    let ful: Vec<&String> = full.files.keys().collect();
    if inc != ful {
        let extra: Vec<_> = inc.iter().filter(|k| !ful.contains(k)).collect();
        let missing: Vec<_> = ful.iter().filter(|k| !inc.contains(k)).collect();
        panic!("{step}: stale files {extra:?}, missing files {missing:?}");
    }
    for (path, bytes) in &full.files {
        assert!(
            incremental.files[path] == *bytes,
            "{step}: {path} differs from a full build"
        );
    }
}

fn first_page(root: &Path) -> PathBuf {
    let mut pages: Vec<PathBuf> = fs::read_dir(root.join("content/papers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    pages.remove(0)
}

/// `text` with its first line starting with `prefix` replaced by `line`.
fn replace_line(text: &str, prefix: &str, line: &str) -> String {
    let old = text
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?}"));
    text.replacen(old, line, 1)
}

#[test]
fn incremental_rebuilds_match_full_builds() {
    let site = sample_site();
    let root = site.path();
    let mut b = builder(root, true);
    b.build(None).unwrap();

    // A new dump: imported, then rendered.
    let dump = root.join("digests/2025-06-01.txt");
    fs::write(
        &dump,
        "Daily Papers\n\nby AK and the research community\n\nJun 1\n\n\
         A Brand New Paper on Speech Tokenizers\n\n\
         We introduce a speech tokenizer that is small, fast and accurate, and we show \
         that it works across many languages and recording conditions in our experiments.\n\n\
         \u{20}\u{20}• 3 authors\n·\nJun 1 5\n",
    )
    .unwrap();
    b.build(Some(std::slice::from_ref(&dump))).unwrap();
    assert!(
        b.output()
            .files
            .keys()
            .any(|k| k.contains("a-brand-new-paper")),
        "the new dump's paper has a page"
    );
    assert_same(&b.output(), &full_build(root), "after adding a dump");

    // Edit one paper: its title, upvotes and notes.
    let page = first_page(root);
    let text = fs::read_to_string(&page).unwrap();
    let edited = text.replacen("title = \"", "title = \"Edited: ", 1) + "\nA note with `code`.\n";
    fs::write(&page, edited).unwrap();
    let report = b.build(Some(std::slice::from_ref(&page))).unwrap();
    assert!(report.reused > 0, "most pages are reused after one edit");
    assert_same(&b.output(), &full_build(root), "after editing a page");

    // Notes alone: related papers are not computed again (no `related`
    // stage), and the output is still a full build's.
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, text + "\nOnly a note.\n").unwrap();
    let report = b.build(Some(std::slice::from_ref(&page))).unwrap();
    assert!(
        !report.stages.iter().any(|(name, _)| *name == "related"),
        "a notes edit reuses the related papers: {:?}",
        report.stages
    );
    assert_same(&b.output(), &full_build(root), "after editing notes");

    // An abstract: related papers are computed again, and match a full build.
    let text = fs::read_to_string(&page).unwrap();
    let edited = replace_line(
        &text,
        "abstract = ",
        "abstract = \"Speculative decoding with draft models accelerates large language model inference.\"",
    );
    fs::write(&page, edited).unwrap();
    let report = b.build(Some(std::slice::from_ref(&page))).unwrap();
    assert!(
        report.stages.iter().any(|(name, _)| *name == "related"),
        "an abstract edit finds related papers again: {:?}",
        report.stages
    );
    assert_same(&b.output(), &full_build(root), "after editing an abstract");

    // Delete it: its page and every listing entry disappear.
    fs::remove_file(&page).unwrap();
    b.build(Some(std::slice::from_ref(&page))).unwrap();
    assert_same(&b.output(), &full_build(root), "after deleting a page");

    // Another paper moves to another day and gets another tag.
    let page = first_page(root);
    let text = fs::read_to_string(&page).unwrap();
    let moved = replace_line(&text, "date = ", "date = 2025-01-15");
    let moved = replace_line(&moved, "tags = ", "tags = [\"Moved-Here\", \"speech\"]");
    fs::write(&page, moved).unwrap();
    b.build(Some(std::slice::from_ref(&page))).unwrap();
    assert!(
        b.output().files.contains_key("tags/moved-here/index.html"),
        "the new tag has a page"
    );
    assert_same(&b.output(), &full_build(root), "after moving a paper");

    // A free page (its title is also in the `nav.pages` every page gets).
    let about = root.join("content/about.md");
    let text = fs::read_to_string(&about).unwrap();
    let edited = replace_line(&text, "title = ", "title = \"About this sample\"");
    fs::write(&about, edited + "\nMore about it.\n").unwrap();
    b.build(Some(std::slice::from_ref(&about))).unwrap();
    let page = String::from_utf8(b.output().files["about/index.html"].to_vec()).unwrap();
    assert!(page.contains("About this sample") && page.contains("More about it."));
    assert_same(&b.output(), &full_build(root), "after editing a free page");

    // A template change.
    let template = root.join("themes/default/templates/base.html");
    let t = fs::read_to_string(&template).expect("the sample site has its theme's base.html");
    let edited = t.replacen("</footer>", "<p>edited</p></footer>", 1);
    assert_ne!(edited, t, "base.html has a footer to edit");
    fs::write(&template, edited).unwrap();
    b.build(Some(std::slice::from_ref(&template))).unwrap();
    let home = String::from_utf8(b.output().files["index.html"].to_vec()).unwrap();
    assert!(
        home.contains("<p>edited</p>"),
        "the edited template is used"
    );
    assert_same(&b.output(), &full_build(root), "after editing a template");

    // A static file of the theme.
    let style = root.join("themes/default/static/style.css");
    let css = fs::read_to_string(&style).expect("the sample site has its theme's style.css");
    fs::write(&style, css + "\n/* edited */\n").unwrap();
    b.build(Some(std::slice::from_ref(&style))).unwrap();
    let served = String::from_utf8(b.output().files["style.css"].to_vec()).unwrap();
    assert!(
        served.ends_with("/* edited */\n"),
        "the edited stylesheet is written"
    );
    assert_same(
        &b.output(),
        &full_build(root),
        "after editing a static file",
    );

    // config.toml: a full rebuild.
    let config = root.join("config.toml");
    let c = fs::read_to_string(&config).unwrap();
    fs::write(&config, c.replacen("paginate = 30", "paginate = 7", 1)).unwrap();
    b.build(Some(std::slice::from_ref(&config))).unwrap();
    assert_same(&b.output(), &full_build(root), "after editing config.toml");
}
