//! Every incremental rebuild must produce exactly the output a full build
//! of the same sources produces: the in-process rebuilds `serve` does
//! after an edit, and new `gazette build` processes that reuse what the
//! last one recorded in `.gazette/`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gazette::output::Output;
use gazette::pipeline::{BuildOptions, Builder};

mod common;
use common::{copy_dir, gazette, sample_site, snapshot, stderr};

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

/// One edit a person makes to the site at the root; returns the path it
/// changed.
type Edit = fn(&Path) -> PathBuf;

/// The edits both tests go through, in order, each named for messages.
const EDITS: &[(&str, Edit)] = &[
    ("after adding a dump", add_dump),
    ("after editing a page", edit_page),
    ("after editing notes", edit_notes),
    ("after editing an abstract", edit_abstract),
    ("after deleting a page", delete_page),
    ("after moving a paper", move_paper),
    ("after editing a free page", edit_free_page),
    ("after editing a template", edit_template),
    ("after editing a static file", edit_static),
    ("after editing config.toml", edit_config),
];

/// A new dump: imported, then rendered.
fn add_dump(root: &Path) -> PathBuf {
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
    dump
}

/// One paper's title, upvotes and notes.
fn edit_page(root: &Path) -> PathBuf {
    let page = first_page(root);
    let text = fs::read_to_string(&page).unwrap();
    let edited = text.replacen("title = \"", "title = \"Edited: ", 1) + "\nA note with `code`.\n";
    fs::write(&page, edited).unwrap();
    page
}

/// Notes alone: related papers are not computed again.
fn edit_notes(root: &Path) -> PathBuf {
    let page = first_page(root);
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, text + "\nOnly a note.\n").unwrap();
    page
}

/// An abstract: related papers are computed again.
fn edit_abstract(root: &Path) -> PathBuf {
    let page = first_page(root);
    let text = fs::read_to_string(&page).unwrap();
    let edited = replace_line(
        &text,
        "abstract = ",
        "abstract = \"Speculative decoding with draft models accelerates large language model inference.\"",
    );
    fs::write(&page, edited).unwrap();
    page
}

/// Its page and every listing entry disappear.
fn delete_page(root: &Path) -> PathBuf {
    let page = first_page(root);
    fs::remove_file(&page).unwrap();
    page
}

/// Another paper moves to another day and gets another tag.
fn move_paper(root: &Path) -> PathBuf {
    let page = first_page(root);
    let text = fs::read_to_string(&page).unwrap();
    let moved = replace_line(&text, "date = ", "date = 2025-01-15");
    let moved = replace_line(&moved, "tags = ", "tags = [\"Moved-Here\", \"speech\"]");
    fs::write(&page, moved).unwrap();
    page
}

/// A free page (its title is also in the `nav.pages` every page gets).
fn edit_free_page(root: &Path) -> PathBuf {
    let about = root.join("content/about.md");
    let text = fs::read_to_string(&about).unwrap();
    let edited = replace_line(&text, "title = ", "title = \"About this sample\"");
    fs::write(&about, edited + "\nMore about it.\n").unwrap();
    about
}

fn edit_template(root: &Path) -> PathBuf {
    let template = root.join("themes/default/templates/base.html");
    let t = fs::read_to_string(&template).expect("the sample site has its theme's base.html");
    let edited = t.replacen("</footer>", "<p>edited</p></footer>", 1);
    assert_ne!(edited, t, "base.html has a footer to edit");
    fs::write(&template, edited).unwrap();
    template
}

fn edit_static(root: &Path) -> PathBuf {
    let style = root.join("themes/default/static/style.css");
    let css = fs::read_to_string(&style).expect("the sample site has its theme's style.css");
    fs::write(&style, css + "\n/* edited */\n").unwrap();
    style
}

/// A full rebuild.
fn edit_config(root: &Path) -> PathBuf {
    let config = root.join("config.toml");
    let c = fs::read_to_string(&config).unwrap();
    fs::write(&config, c.replacen("paginate = 30", "paginate = 7", 1)).unwrap();
    config
}

/// What a user would check after each edit, whichever way it was built.
fn check_step(step: &str, files: &BTreeMap<String, Vec<u8>>) {
    let text = |path: &str| String::from_utf8(files[path].clone()).unwrap();
    match step {
        "after adding a dump" => assert!(
            files.keys().any(|k| k.contains("a-brand-new-paper")),
            "the new dump's paper has a page"
        ),
        "after moving a paper" => assert!(
            files.contains_key("tags/moved-here/index.html"),
            "the new tag has a page"
        ),
        "after editing a free page" => {
            let page = text("about/index.html");
            assert!(page.contains("About this sample") && page.contains("More about it."));
        }
        "after editing a template" => assert!(
            text("index.html").contains("<p>edited</p>"),
            "the edited template is used"
        ),
        "after editing a static file" => assert!(
            text("style.css").ends_with("/* edited */\n"),
            "the edited stylesheet is written"
        ),
        _ => {}
    }
}

fn as_map(output: &Output) -> BTreeMap<String, Vec<u8>> {
    (output.files.iter())
        .map(|(p, b)| (p.clone(), b.to_vec()))
        .collect()
}

#[test]
fn incremental_rebuilds_match_full_builds() {
    let site = sample_site();
    let root = site.path();
    let mut b = builder(root, true);
    b.build(None).unwrap();
    for (step, edit) in EDITS {
        let changed = edit(root);
        let report = b.build(Some(std::slice::from_ref(&changed))).unwrap();
        if *step == "after editing a page" {
            assert!(report.reused > 0, "most pages are reused after one edit");
        }
        let related = report.stages.iter().any(|(name, _)| *name == "related");
        if *step == "after editing notes" {
            assert!(
                !related,
                "a notes edit reuses the related papers: {:?}",
                report.stages
            );
            // Only the paper's own page shows its notes, and search finds
            // them: listings, feeds and neighbours showing its card stay.
            let search = (b.output().files.keys())
                .filter(|k| k.starts_with("search/"))
                .count();
            assert!(
                report.rendered <= 1 + search,
                "a notes edit renders the paper's page and the search index only: {} rendered",
                report.rendered
            );
        }
        if *step == "after editing an abstract" {
            assert!(
                related,
                "an abstract edit finds related papers again: {:?}",
                report.stages
            );
        }
        check_step(step, &as_map(&b.output()));
        assert_same(&b.output(), &full_build(root), step);
    }
}

/// `serve` shows an edited page before it builds the search index again:
/// the pages it publishes first are the full build's, the search index is
/// still the last one, and what it ends with is the full build.
#[test]
fn pages_published_before_the_search_index_are_the_full_builds_pages() {
    let site = sample_site();
    let root = site.path();
    let mut b = builder(root, true);
    b.build(None).unwrap();
    let mut before = b.output();
    for (step, edit) in [
        ("after editing notes", edit_notes as Edit),
        ("after editing a page", edit_page),
        ("after deleting a page", delete_page),
    ] {
        let changed = edit(root);
        let mut first = None;
        b.build_pages_first(Some(std::slice::from_ref(&changed)), &mut |output| {
            first = Some(output);
        })
        .unwrap();
        let first = first.unwrap_or_else(|| panic!("{step}: the index is made after the pages"));
        let full = full_build(root);
        let is_search = |path: &str| path.starts_with("search/") && path.ends_with(".json");
        for (path, bytes) in &full.files {
            if !is_search(path) {
                assert!(
                    first.files.get(path) == Some(bytes),
                    "{step}: {path} is not up to date"
                );
            }
        }
        for path in first.files.keys() {
            assert!(
                is_search(path) || full.files.contains_key(path),
                "{step}: {path} is gone, yet still served"
            );
        }
        let search = |o: &Output| -> Vec<(String, Vec<u8>)> {
            (o.files.iter())
                .filter(|(p, _)| is_search(p))
                .map(|(p, b)| (p.clone(), b.to_vec()))
                .collect()
        };
        assert_eq!(
            search(&first),
            search(&before),
            "{step}: the last index stays meanwhile"
        );
        assert_same(&b.output(), &full, step);
        assert_ne!(
            search(&b.output()),
            search(&before),
            "{step}: notes are searched"
        );
        before = b.output();
    }
}

/// `public/` as a map, `/`-separated, the manifest included.
fn public(root: &Path) -> BTreeMap<String, Vec<u8>> {
    (snapshot(&root.join("public")).into_iter())
        .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), b))
        .collect()
}

/// `gazette build` of a copy of the sources with no `.gazette/` and no
/// `public/`: nothing remembered, everything rendered.
fn full_build_in_a_copy(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let copy = tempfile::tempdir().unwrap();
    fs::copy(root.join("config.toml"), copy.path().join("config.toml")).unwrap();
    for sub in ["digests", "content", "themes"] {
        copy_dir(&root.join(sub), &copy.path().join(sub));
    }
    let out = gazette(copy.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    public(copy.path())
}

/// `(rendered, reused)` from build's summary line.
fn rendered_reused(stderr: &str) -> (usize, usize) {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("build: ") && l.contains(" rendered, "))
        .unwrap_or_else(|| panic!("no summary line in {stderr}"));
    let number_before = |word: &str| -> usize {
        let end = line.find(word).unwrap();
        let start = line[..end - 1].rfind([' ', '(']).unwrap() + 1;
        line[start..end - 1].parse().unwrap()
    };
    (number_before("rendered"), number_before("reused"))
}

#[test]
fn builds_in_new_processes_that_reuse_the_last_ones_record_match_full_builds() {
    let site = sample_site();
    let root = site.path();
    let first = gazette(root, &["build"]);
    assert!(first.status.success(), "{}", stderr(&first));
    for (step, edit) in EDITS {
        edit(root);
        let out = gazette(root, &["build"]);
        assert!(out.status.success(), "{step}: {}", stderr(&out));
        if *step == "after editing a page" {
            let (rendered, reused) = rendered_reused(&stderr(&out));
            // The search index is one job whose files (its shards) all
            // render again when any page's text changes: the edit touches it.
            let search = walkdir::WalkDir::new(root.join("public/search"))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .count();
            assert!(
                reused > 10 * rendered.saturating_sub(search),
                "{step}: a new process renders only what the edit touched: {}",
                stderr(&out)
            );
        }
        let built = public(root);
        check_step(step, &built);
        let full = full_build_in_a_copy(root);
        let differing: std::collections::BTreeSet<&String> = (built.keys().chain(full.keys()))
            .filter(|p| built.get(*p) != full.get(*p))
            .collect();
        assert!(
            differing.is_empty(),
            "{step}: these files differ from a full build: {differing:?}"
        );
    }
    // And with nothing changed, nothing is written.
    let again = gazette(root, &["build"]);
    let text = stderr(&again);
    assert!(
        text.contains("nothing changed") || text.contains("(0 written"),
        "{text}"
    );
    assert_eq!(public(root), full_build_in_a_copy(root));
}

/// The pages of the sample site, sorted.
fn pages(root: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = fs::read_dir(root.join("content/papers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    pages
}

fn append(page: &Path, text: &str) {
    let old = fs::read_to_string(page).unwrap();
    fs::write(page, old + text).unwrap();
}

/// A rebuild of `paths` as `serve` does it (pages first): the pages it
/// publishes first and what it ends with are the full build's.
fn rebuild(b: &mut Builder, root: &Path, paths: &[PathBuf], step: &str) -> Arc<Output> {
    let mut first = None;
    b.build_pages_first(Some(paths), &mut |output| first = Some(output))
        .unwrap_or_else(|e| panic!("{step}: {e}"));
    let full = full_build(root);
    if let Some(first) = first {
        for (path, bytes) in &full.files {
            if !path.starts_with("search/") {
                assert!(first.files.get(path) == Some(bytes), "{step}: {path}");
            }
        }
    }
    assert_same(&b.output(), &full, step);
    b.output()
}

/// Notes edits take a shortcut in `serve` (the previous site with the page
/// swapped in place, no index made again): a run of them, mixed with edits
/// that move papers, and a burst of saves gathered into one rebuild, each
/// ends in the full build's site, the pages published first included.
#[test]
fn notes_edits_bursts_and_half_written_saves_end_in_the_full_builds_site() {
    let site = sample_site();
    let root = site.path();
    let mut b = builder(root, true);
    b.build(None).unwrap();
    let all = pages(root);
    let (one, two, three, four) = (&all[3], &all[7], &all[11], &all[15]);
    append(one, "\nA first note.\n");
    let after = rebuild(
        &mut b,
        root,
        std::slice::from_ref(one),
        "notes of one paper",
    );
    let page = |o: &Output, p: &Path| {
        let slug = p.file_stem().unwrap().to_string_lossy().into_owned();
        let key = (o.files.keys())
            .find(|k| k.starts_with("papers/") && k.contains(&slug))
            .unwrap_or_else(|| panic!("no page for {slug}"))
            .clone();
        String::from_utf8(o.files[&key].to_vec()).unwrap()
    };
    assert!(page(&after, one).contains("A first note."));
    append(one, "\nA second note.\n");
    rebuild(
        &mut b,
        root,
        std::slice::from_ref(one),
        "notes of the same paper again",
    );
    append(two, "\nAnother paper's note.\n");
    rebuild(
        &mut b,
        root,
        std::slice::from_ref(two),
        "notes of another paper",
    );

    // A title and a note after notes-only edits: the indexes follow.
    let text = fs::read_to_string(one).unwrap();
    fs::write(one, text.replacen("title = \"", "title = \"Retitled: ", 1)).unwrap();
    rebuild(
        &mut b,
        root,
        std::slice::from_ref(one),
        "a title after notes edits",
    );

    // A burst of saves gathered into one rebuild: notes, a tag, a deletion.
    append(two, "\nIn the burst.\n");
    let text = fs::read_to_string(three).unwrap();
    fs::write(
        three,
        replace_line(&text, "tags = ", "tags = [\"Burst-Tag\"]"),
    )
    .unwrap();
    fs::remove_file(four).unwrap();
    let burst = [two.clone(), three.clone(), four.clone()];
    let after = rebuild(&mut b, root, &burst, "a burst of saves");
    assert!(after.files.contains_key("tags/burst-tag/index.html"));

    // Notes again after edits that moved papers; two papers' notes in one
    // burst; and a page put back as it was two edits ago.
    append(one, "\nA note after the burst.\n");
    rebuild(
        &mut b,
        root,
        std::slice::from_ref(one),
        "notes after a burst that moved papers",
    );
    let earlier = fs::read_to_string(one).unwrap();
    append(one, "\nA third note.\n");
    append(three, "\nA note on the retagged paper.\n");
    let notes = [one.clone(), three.clone()];
    rebuild(&mut b, root, &notes, "two papers' notes at once");
    fs::write(one, &earlier).unwrap();
    let after = rebuild(
        &mut b,
        root,
        std::slice::from_ref(one),
        "a page put back as it was",
    );
    assert!(!page(&after, one).contains("A third note."));

    // An editor saving in place: a rebuild sees the file empty (a failed
    // build, the last good site stays), the next one its final text.
    let text = fs::read_to_string(two).unwrap();
    fs::write(two, "").unwrap();
    assert!(
        b.build(Some(std::slice::from_ref(two))).is_err(),
        "an empty page is an error"
    );
    fs::write(two, text + "\nSaved in place.\n").unwrap();
    let after = rebuild(
        &mut b,
        root,
        std::slice::from_ref(two),
        "the rest of a save in place",
    );
    assert!(page(&after, two).contains("Saved in place."));
}
