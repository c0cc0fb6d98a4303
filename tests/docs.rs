//! The docs stay true to the code. Every relative link in the README, the
//! guide (`docs/`) and ARCHITECTURE.md resolves, anchors included, and every
//! test ARCHITECTURE.md names exists; and the
//! reference tables that mirror code list exactly what the code has: the
//! config keys `Config` accepts, the commands and options `gazette --help`
//! prints, the variables each page's template receives, and the built-in
//! tag rules. Every failure names the doc file and line to fix.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------
// Reading Markdown: headings, links and tables, each with its line.

/// One Markdown file of the docs, parsed once.
struct Doc {
    /// Path relative to the repository, as messages name it.
    rel: PathBuf,
    text: String,
    /// Heading texts, in order (inline code without its backticks).
    headings: Vec<String>,
    links: Vec<Link>,
    tables: Vec<Table>,
}

struct Link {
    offset: usize,
    dest: String,
}

struct Table {
    /// The text of the heading the table sits under.
    heading: String,
    offset: usize,
    rows: Vec<Row>,
}

struct Row {
    offset: usize,
    cells: Vec<Vec<Item>>,
}

/// A piece of a table cell: inline code or plain text.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Code(String),
    Text(String),
}

impl Doc {
    fn read(rel: impl Into<PathBuf>) -> Doc {
        let rel = rel.into();
        let text = fs::read_to_string(repo().join(&rel))
            .unwrap_or_else(|e| panic!("{}: cannot read: {e}", rel.display()));
        let mut doc = Doc {
            rel,
            text: String::new(),
            headings: Vec::new(),
            links: Vec::new(),
            tables: Vec::new(),
        };
        doc.parse(&text);
        doc.text = text;
        doc
    }

    fn parse(&mut self, text: &str) {
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS;
        let mut heading: Option<String> = None;
        let mut last_heading = String::new();
        let mut cell: Option<Vec<Item>> = None;
        let mut in_head = false;
        for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
                Event::End(TagEnd::Heading(_)) => {
                    let text = heading.take().unwrap_or_default();
                    last_heading = text.clone();
                    self.headings.push(text);
                }
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    self.links.push(Link {
                        offset: range.start,
                        dest: dest_url.to_string(),
                    });
                }
                Event::Html(html) | Event::InlineHtml(html) => {
                    for dest in html_links(&html) {
                        self.links.push(Link {
                            offset: range.start,
                            dest,
                        });
                    }
                }
                Event::Start(Tag::Table(_)) => self.tables.push(Table {
                    heading: last_heading.clone(),
                    offset: range.start,
                    rows: Vec::new(),
                }),
                Event::Start(Tag::TableHead) => in_head = true,
                Event::End(TagEnd::TableHead) => in_head = false,
                Event::Start(Tag::TableRow) => {
                    if let Some(table) = self.tables.last_mut() {
                        table.rows.push(Row {
                            offset: range.start,
                            cells: Vec::new(),
                        });
                    }
                }
                Event::Start(Tag::TableCell) => cell = Some(Vec::new()),
                Event::End(TagEnd::TableCell) => {
                    let items = cell.take().unwrap_or_default();
                    let row = self.tables.last_mut().and_then(|t| t.rows.last_mut());
                    match row {
                        Some(row) if !in_head => row.cells.push(items),
                        _ => {}
                    }
                }
                Event::Text(t) => {
                    if let Some(h) = heading.as_mut() {
                        h.push_str(&t);
                    }
                    if let Some(items) = cell.as_mut() {
                        items.push(Item::Text(t.to_string()));
                    }
                }
                Event::Code(c) => {
                    if let Some(h) = heading.as_mut() {
                        h.push_str(&c);
                    }
                    if let Some(items) = cell.as_mut() {
                        items.push(Item::Code(c.to_string()));
                    }
                }
                _ => {}
            }
        }
    }

    /// `docs/x.md:12`, for messages.
    fn at(&self, offset: usize) -> String {
        let line = self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1;
        format!("{}:{line}", self.rel.display())
    }

    /// The anchors GitHub gives this file's headings.
    fn anchors(&self) -> BTreeSet<String> {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut anchors = BTreeSet::new();
        for h in &self.headings {
            let base = github_anchor(h);
            let n = seen.entry(base.clone()).or_insert(0);
            anchors.insert(if *n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            });
            *n += 1;
        }
        anchors
    }

    /// The one table under the heading `heading`.
    fn table(&self, heading: &str) -> &Table {
        let found: Vec<&Table> = self
            .tables
            .iter()
            .filter(|t| t.heading == heading)
            .collect();
        match found.as_slice() {
            [one] => one,
            [] => panic!(
                "{}: no table under a heading `{heading}` (tests/docs.rs reads it)",
                self.rel.display()
            ),
            _ => panic!(
                "{}: {} tables under the heading `{heading}`; tests/docs.rs expects one",
                self.rel.display(),
                found.len()
            ),
        }
    }
}

/// GitHub's heading anchors: lowercase, punctuation dropped, spaces to `-`.
fn github_anchor(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// `href` and `src` values in a piece of raw HTML (the README's images).
fn html_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let after = &rest[i + attr.len()..];
            let end = after.find('"').unwrap_or(after.len());
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

/// The cell as one code span, when it is exactly that (surrounding spaces aside).
fn only_code(cell: &[Item]) -> Option<&str> {
    let mut code = None;
    for item in cell {
        match item {
            Item::Code(c) if code.is_none() => code = Some(c.as_str()),
            Item::Text(t) if t.trim().is_empty() => {}
            _ => return None,
        }
    }
    code
}

fn cell_text(cell: &[Item]) -> String {
    cell.iter()
        .map(|i| match i {
            Item::Code(c) => format!("`{c}`"),
            Item::Text(t) => t.clone(),
        })
        .collect()
}

/// Every Markdown file whose links must resolve.
fn doc_files() -> Vec<PathBuf> {
    let mut files = vec![PathBuf::from("README.md")];
    if repo().join("ARCHITECTURE.md").is_file() {
        files.push(PathBuf::from("ARCHITECTURE.md"));
    }
    for entry in walkdir::WalkDir::new(repo().join("docs")).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
            files.push(entry.path().strip_prefix(repo()).unwrap().to_path_buf());
        }
    }
    files
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None; // above the repository
                }
            }
            Component::Normal(p) => out.push(p),
            _ => return None,
        }
    }
    Some(out)
}

fn problems(list: Vec<String>) {
    assert!(
        list.is_empty(),
        "the docs do not match the code:\n{}",
        list.join("\n")
    );
}

// ---------------------------------------------------------------------------
// Links.

#[test]
fn every_relative_link_and_anchor_in_the_docs_resolves() {
    let files = doc_files();
    assert!(files.len() > 5, "found only {files:?}");
    let docs: BTreeMap<PathBuf, Doc> = files.iter().map(|f| (f.clone(), Doc::read(f))).collect();
    let mut bad = Vec::new();
    let mut checked = 0;
    for doc in docs.values() {
        for link in &doc.links {
            let dest = link.dest.as_str();
            if dest.contains("://") || dest.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (path, anchor) = dest.split_once('#').unwrap_or((dest, ""));
            let target = if path.is_empty() {
                Some(doc.rel.clone())
            } else {
                normalize(&doc.rel.parent().unwrap_or(Path::new("")).join(path))
            };
            let Some(target) = target.filter(|t| repo().join(t).exists()) else {
                bad.push(format!(
                    "{}: link `{dest}`: no such file",
                    doc.at(link.offset)
                ));
                continue;
            };
            if anchor.is_empty() {
                continue;
            }
            let anchors = match docs.get(&target) {
                Some(d) => d.anchors(),
                None if target.extension().is_some_and(|e| e == "md") => {
                    Doc::read(&target).anchors()
                }
                None => {
                    bad.push(format!(
                        "{}: link `{dest}`: an anchor into a file that is not Markdown",
                        doc.at(link.offset)
                    ));
                    continue;
                }
            };
            if !anchors.contains(anchor) {
                bad.push(format!(
                    "{}: link `{dest}`: {} has no heading with the anchor `#{anchor}`",
                    doc.at(link.offset),
                    target.display()
                ));
            }
        }
    }
    assert!(checked > 20, "only {checked} relative links found");
    problems(bad);
}

#[test]
fn github_anchors_are_computed_like_github() {
    assert_eq!(
        github_anchor("Which year a date is in"),
        "which-year-a-date-is-in"
    );
    assert_eq!(
        github_anchor("Where the time goes (10,000 papers, perf)"),
        "where-the-time-goes-10000-papers-perf"
    );
    assert_eq!(
        github_anchor("Previewing: gazette serve"),
        "previewing-gazette-serve"
    );
    assert_eq!(github_anchor("config.toml keys"), "configtoml-keys");
    assert_eq!(github_anchor("snake_case — dash"), "snake_case--dash");
}

// ---------------------------------------------------------------------------
// Configuration keys, from `Config`'s own serde definition.

/// What a config key holds, found by asking serde.
#[derive(Debug, PartialEq)]
enum Shape {
    /// A table of fixed keys (a struct).
    Struct(Vec<String>),
    /// A table of any keys (`[extra]`, `[import.years]`).
    Map,
    /// A plain value.
    Value,
}

fn parse_config(text: &str) -> Result<(), String> {
    toml::from_str::<gazette::config::Config>(text)
        .map(|_| ())
        .map_err(|e| e.message().to_string())
}

/// Probes `Config`'s deserializer: an empty table is refused by a plain
/// value; an unknown key is refused by a struct, which names its fields.
fn shape(path: &[String]) -> Shape {
    let header = if path.is_empty() {
        String::new()
    } else {
        format!("[{}]\n", path.join("."))
    };
    if parse_config(&header).is_err_and(|e| !e.contains("missing field")) {
        return Shape::Value;
    }
    match parse_config(&format!("{header}__probe__ = 1\n")) {
        Err(e) if e.contains("unknown field `__probe__`") => {
            let expected = e.split_once("expected").map_or("", |(_, rest)| rest);
            let fields = expected
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            Shape::Struct(fields)
        }
        _ => Shape::Map,
    }
}

fn config_keys(path: &mut Vec<String>, out: &mut BTreeSet<String>) {
    match shape(path) {
        Shape::Struct(fields) => {
            for field in fields {
                path.push(field);
                config_keys(path, out);
                path.pop();
            }
        }
        Shape::Map | Shape::Value => {
            out.insert(path.join("."));
        }
    }
}

/// `title` → `title`, `[import] default_year` → `import.default_year`,
/// `[import.years]` → `import.years`.
fn doc_config_key(cell: &str) -> String {
    match cell.strip_prefix('[').and_then(|c| c.split_once(']')) {
        Some((table, key)) if key.trim().is_empty() => table.trim().to_string(),
        Some((table, key)) => format!("{}.{}", table.trim(), key.trim()),
        None => cell.trim().to_string(),
    }
}

#[test]
fn the_probe_finds_structs_maps_and_values() {
    assert!(matches!(shape(&[]), Shape::Struct(f) if f.contains(&"title".to_string())));
    assert_eq!(shape(&["title".into()]), Shape::Value);
    assert_eq!(shape(&["extra".into()]), Shape::Map);
    assert_eq!(shape(&["tags".into(), "rules".into()]), Shape::Map);
    assert_eq!(
        shape(&["import".into(), "default_year".into()]),
        Shape::Value
    );
    assert_eq!(
        doc_config_key("[import] default_year"),
        "import.default_year"
    );
    assert_eq!(doc_config_key("[import.years]"), "import.years");
}

#[test]
fn the_configuration_table_lists_exactly_the_keys_config_accepts() {
    let mut code = BTreeSet::new();
    config_keys(&mut Vec::new(), &mut code);
    assert!(code.len() > 8, "the probe found only {code:?}");
    let defaults = toml::Value::try_from(gazette::config::Config::default()).unwrap();

    let doc = Doc::read("docs/configuration.md");
    let table = doc.table("Keys");
    let mut bad = Vec::new();
    let mut documented = BTreeSet::new();
    for row in &table.rows {
        let at = doc.at(row.offset);
        let Some(key) = row.cells.first().and_then(|c| only_code(c)) else {
            bad.push(format!("{at}: the key column must be one code span"));
            continue;
        };
        let key = doc_config_key(key);
        if !code.contains(&key) {
            bad.push(format!("{at}: `{key}` is not a key of Config"));
        }
        if !documented.insert(key.clone()) {
            bad.push(format!("{at}: `{key}` is listed twice"));
        }
        // The default column: a TOML value, `none` or `empty` are checked.
        let shown = |v: Option<&toml::Value>| {
            v.map_or("nothing".to_string(), std::string::ToString::to_string)
        };
        let default = key.split('.').try_fold(&defaults, |v, k| v.get(k));
        let cell = row.cells.get(1).map(Vec::as_slice).unwrap_or_default();
        if let Some(value) = only_code(cell) {
            let parsed = toml::from_str::<toml::Table>(&format!("v = {value}"))
                .ok()
                .and_then(|mut t| t.remove("v"));
            if parsed.as_ref() != default {
                bad.push(format!(
                    "{at}: `{key}` defaults to {} in Config::default(), not {value}",
                    shown(default)
                ));
            }
        } else {
            match cell_text(cell).trim() {
                "none" if default.is_some() => bad.push(format!(
                    "{at}: `{key}` has a default ({}), the table says none",
                    shown(default)
                )),
                "empty"
                    if !default
                        .is_some_and(|d| d.as_table().is_some_and(toml::map::Map::is_empty)) =>
                {
                    bad.push(format!(
                        "{at}: `{key}` is not empty by default ({})",
                        shown(default)
                    ));
                }
                _ => {}
            }
        }
    }
    for key in code.difference(&documented) {
        bad.push(format!(
            "{}: the table has no row for `{key}`, which Config accepts",
            doc.at(table.offset)
        ));
    }
    problems(bad);
}

// ---------------------------------------------------------------------------
// The command line, from `gazette --help`.

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success(), "gazette {args:?} --help failed");
    String::from_utf8(out.stdout).unwrap()
}

/// The lines of a help section (`Commands:`, `Options:`), up to the next one.
fn help_section<'a>(help: &'a str, title: &str) -> Vec<&'a str> {
    let mut lines = help.lines().skip_while(|l| *l != title);
    lines.next();
    lines
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .collect()
}

fn help_commands(help: &str) -> Vec<String> {
    help_section(help, "Commands:")
        .into_iter()
        .filter(|l| l.starts_with("  ") && !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

fn long_options(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("--") {
        let name: String = rest[i + 2..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '-')
            .collect();
        if !name.is_empty() {
            out.insert(format!("--{name}"));
        }
        rest = &rest[i + 2 + name.len()..];
    }
    out
}

fn help_options(help: &str) -> BTreeSet<String> {
    help_section(help, "Options:")
        .into_iter()
        .filter(|l| l.trim_start().starts_with('-') && l.len() - l.trim_start().len() <= 6)
        .filter_map(|l| long_options(l).into_iter().next())
        .filter(|o| o != "--help" && o != "--version")
        .collect()
}

#[test]
fn the_command_table_lists_exactly_the_commands_and_options_of_the_binary() {
    let top = help(&[]);
    let globals = help_options(&top);
    let mut code: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for command in help_commands(&top) {
        if command == "help" {
            code.insert(command, BTreeSet::new());
            continue;
        }
        let text = help(&[&command]);
        let subcommands: Vec<String> = help_commands(&text)
            .into_iter()
            .filter(|s| s != "help")
            .collect();
        if subcommands.is_empty() {
            code.insert(command.clone(), &help_options(&text) - &globals);
        }
        for sub in subcommands {
            let text = help(&[&command, &sub]);
            code.insert(format!("{command} {sub}"), &help_options(&text) - &globals);
        }
    }
    assert!(code.len() >= 6, "found only {code:?} in:\n{top}");

    let doc = Doc::read("docs/cli.md");
    let table = doc.table("Commands");
    let mut bad = Vec::new();
    let mut documented = BTreeSet::new();
    for row in &table.rows {
        let at = doc.at(row.offset);
        let Some(usage) = row.cells.first().and_then(|c| only_code(c)) else {
            bad.push(format!("{at}: the command column must be one code span"));
            continue;
        };
        let mut words = usage.split_whitespace();
        if words.next() != Some("gazette") {
            bad.push(format!("{at}: `{usage}` does not start with `gazette`"));
            continue;
        }
        let command: Vec<&str> = words
            .take_while(|w| {
                w.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !w.starts_with('-')
            })
            .collect();
        let command = command.join(" ");
        documented.insert(command.clone());
        match code.get(&command) {
            None => bad.push(format!(
                "{at}: `gazette {command}` is not a command of the binary"
            )),
            Some(options) => {
                let listed = long_options(usage);
                for o in options.difference(&listed) {
                    bad.push(format!(
                        "{at}: `gazette {command}` has the option {o}, not listed"
                    ));
                }
                for o in listed.difference(options) {
                    bad.push(format!("{at}: `gazette {command}` has no option {o}"));
                }
            }
        }
    }
    for command in code.keys() {
        if !documented.contains(command) {
            bad.push(format!(
                "{}: the table has no row for `gazette {command}`",
                doc.at(table.offset)
            ));
        }
    }
    for option in &globals {
        if !doc.text.contains(option.as_str()) {
            bad.push(format!(
                "{}: the global option {option} is not described",
                doc.rel.display()
            ));
        }
    }
    problems(bad);
}

// ---------------------------------------------------------------------------
// Template variables: the sample site rendered with templates that print
// their whole context.

/// One rendered template: its name and its context.
struct Rendered {
    url: String,
    template: String,
    /// The whole context, an object.
    context: Value,
}

impl Rendered {
    fn keys(&self) -> BTreeSet<String> {
        self.context
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }
}

fn dump(text: &str, what: &str) -> Rendered {
    let value: Value = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("{what}: not the JSON the dump template prints: {e}"));
    Rendered {
        url: what.to_string(),
        template: value["template"].as_str().unwrap().to_string(),
        context: value["context"].clone(),
    }
}

/// Builds a copy of the sample site with every template replaced by one
/// that prints its name and `__tera_context` (Tera's whole context, as
/// JSON); returns every page, and every card found in the listings.
fn render_contexts() -> (Vec<Rendered>, Vec<Rendered>) {
    let site = common::sample_site();
    let theme = repo().join("themes/default/templates");
    for entry in walkdir::WalkDir::new(&theme) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .strip_prefix(&theme)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let target = site.path().join("templates").join(&name);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        // `papers`, `cards` and `rows` are only filled when a template
        // mentions them.
        let text = format!(
            "{{\"template\":\"{name}\",\"context\":{{{{ __tera_context }}}}}}{{% if papers or cards or rows %}}{{% endif %}}"
        );
        fs::write(target, text).unwrap();
    }
    let out_dir = site.path().join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("--root")
        .arg(site.path())
        .args(["build", "--output"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the sample site with dump templates did not build:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages = Vec::new();
    let mut cards = Vec::new();
    for entry in walkdir::WalkDir::new(&out_dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&out_dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".html") {
            continue;
        }
        let url = match rel.strip_suffix("index.html") {
            Some(dir) => format!("/{dir}"),
            None => format!("/{rel}"),
        };
        let page = dump(&fs::read_to_string(entry.path()).unwrap(), &url);
        // Cards and rows (the dump templates print their context).
        for joined in ["cards", "rows"]
            .iter()
            .filter_map(|k| page.context.get(*k).and_then(Value::as_str))
        {
            for card in serde_json::Deserializer::from_str(joined).into_iter::<Value>() {
                let card = card.unwrap_or_else(|e| panic!("{url}: a card is not JSON: {e}"));
                cards.push(dump(&card.to_string(), &format!("a card on {url}")));
            }
        }
        pages.push(page);
    }
    (pages, cards)
}

/// A row of the pages table.
struct PageRow {
    at: String,
    urls: Vec<String>,
    template: String,
    variables: BTreeSet<String>,
}

/// Whether a URL fits a pattern like `/tags/<tag>/page/N/`; the number of
/// placeholders it used, to prefer `/top/` over `/<slug>/`.
fn url_match(pattern: &str, url: &str) -> Option<usize> {
    let p: Vec<&str> = pattern.split('/').collect();
    let u: Vec<&str> = url.split('/').collect();
    if p.len() != u.len() {
        return None;
    }
    let digits = |s: &str, n: Option<usize>| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && n.is_none_or(|n| s.len() == n)
    };
    let mut placeholders = 0;
    for (p, u) in p.iter().zip(&u) {
        let fits = match *p {
            "YYYY" => digits(u, Some(4)),
            "MM" | "DD" => digits(u, Some(2)),
            "wNN" => u.strip_prefix('w').is_some_and(|n| digits(n, Some(2))),
            "N" => digits(u, None),
            _ if p.starts_with('<') && p.ends_with('>') => !u.is_empty(),
            _ => {
                if p != u {
                    return None;
                }
                continue;
            }
        };
        if !fits {
            return None;
        }
        placeholders += 1;
    }
    Some(placeholders)
}

/// A variables cell: `` `title`, listing variables, `feed_url` ``.
fn variables_cell(cell: &[Item], listing: &BTreeSet<String>) -> Result<BTreeSet<String>, String> {
    let mut tokens: Vec<Vec<Item>> = vec![Vec::new()];
    for item in cell {
        match item {
            Item::Code(_) => tokens.last_mut().unwrap().push(item.clone()),
            Item::Text(t) => {
                for (i, part) in t.split(',').enumerate() {
                    if i > 0 {
                        tokens.push(Vec::new());
                    }
                    if !part.trim().is_empty() {
                        tokens
                            .last_mut()
                            .unwrap()
                            .push(Item::Text(part.trim().to_string()));
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    for token in tokens {
        match token.as_slice() {
            [Item::Code(name)] => {
                out.insert(name.clone());
            }
            [Item::Text(t)] if t == "listing variables" => out.extend(listing.iter().cloned()),
            [] => {}
            _ => {
                return Err(format!(
                    "cannot read `{}`: write `name`, `name` or listing variables",
                    cell_text(cell)
                ));
            }
        }
    }
    Ok(out)
}

/// The first-column code spans of a table (its keys).
fn key_column(doc: &Doc, heading: &str, bad: &mut Vec<String>) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for row in &doc.table(heading).rows {
        match row.cells.first().and_then(|c| only_code(c)) {
            Some(k) => {
                keys.insert(k.to_string());
            }
            None => bad.push(format!(
                "{}: the first column must be one code span",
                doc.at(row.offset)
            )),
        }
    }
    keys
}

/// Every object at `path` (`papers/*/tags/*`) in a context.
fn objects_at<'a>(
    value: &'a Value,
    path: &[&str],
    out: &mut Vec<&'a serde_json::Map<String, Value>>,
) {
    match path.split_first() {
        None => {
            if let Value::Object(m) = value {
                out.push(m);
            }
        }
        Some((&"*", rest)) => {
            if let Value::Array(items) = value {
                for item in items {
                    objects_at(item, rest, out);
                }
            }
        }
        Some((key, rest)) => {
            if let Some(v) = value.get(key) {
                objects_at(v, rest, out);
            }
        }
    }
}

fn compare(
    at: &str,
    what: &str,
    doc: &BTreeSet<String>,
    code: &BTreeSet<String>,
    bad: &mut Vec<String>,
) {
    let missing: Vec<&String> = code.difference(doc).collect();
    let extra: Vec<&String> = doc.difference(code).collect();
    if !missing.is_empty() {
        bad.push(format!(
            "{at}: {what} has {missing:?}, which the docs do not list"
        ));
    }
    if !extra.is_empty() {
        bad.push(format!(
            "{at}: {what} has no {extra:?}, which the docs list"
        ));
    }
}

#[test]
fn the_template_tables_list_exactly_the_variables_each_template_receives() {
    let doc = Doc::read("docs/templates.md");
    let mut bad = Vec::new();
    let common = key_column(&doc, "Common variables", &mut bad);
    let listing = key_column(&doc, "Listing variables", &mut bad);
    let table = doc.table("Pages and the template each one uses");
    let mut rows = Vec::new();
    for row in &table.rows {
        let at = doc.at(row.offset);
        let cell = |i: usize| row.cells.get(i).map(Vec::as_slice).unwrap_or_default();
        let codes = |i: usize| -> Vec<String> {
            cell(i)
                .iter()
                .filter_map(|item| match item {
                    Item::Code(c) => Some(c.clone()),
                    Item::Text(_) => None,
                })
                .collect()
        };
        let urls: Vec<String> = codes(0)
            .into_iter()
            .filter(|c| c.starts_with('/'))
            .collect();
        let Some(template) = codes(1).into_iter().find(|c| c.ends_with(".html")) else {
            bad.push(format!("{at}: no template named in the second column"));
            continue;
        };
        match variables_cell(cell(2), &listing) {
            Ok(variables) => rows.push(PageRow {
                at,
                urls,
                template,
                variables,
            }),
            Err(e) => bad.push(format!("{at}: {e}")),
        }
    }
    problems(std::mem::take(&mut bad));

    let (pages, cards) = render_contexts();
    assert!(
        pages.len() > 400 && !cards.is_empty(),
        "{} pages, {} cards",
        pages.len(),
        cards.len()
    );
    // Which row describes each rendered template.
    let mut matched: Vec<Vec<&Rendered>> = rows.iter().map(|_| Vec::new()).collect();
    let mut pattern_used: BTreeSet<String> = BTreeSet::new();
    let mut unmatched = Vec::new();
    for page in &pages {
        let mut best: Vec<(usize, usize, &String)> = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            for pattern in &row.urls {
                if let Some(n) = url_match(pattern, &page.url) {
                    best.push((n, i, pattern));
                }
            }
        }
        best.sort();
        match best.as_slice() {
            [] => unmatched.push(&page.url),
            [(n, i, p), (m, j, _), ..] if n == m && i != j => bad.push(format!(
                "{} and {}: both rows match the page {} ({p})",
                rows[*i].at, rows[*j].at, page.url
            )),
            [(_, i, p), ..] => {
                matched[*i].push(page);
                pattern_used.insert((*p).clone());
            }
        }
    }
    if let [first, ..] = unmatched.as_slice() {
        bad.push(format!(
            "{}: no row for the page {first} ({} pages have none)",
            doc.at(table.offset),
            unmatched.len()
        ));
    }
    for card in &cards {
        match rows
            .iter()
            .position(|r| r.urls.is_empty() && r.template == card.template)
        {
            Some(i) => matched[i].push(card),
            None => bad.push(format!(
                "{}: no row for the template {} (a card)",
                doc.at(table.offset),
                card.template
            )),
        }
    }
    for (row, rendered) in rows.iter().zip(&matched) {
        if rendered.is_empty() {
            bad.push(format!(
                "{}: the sample site renders nothing this row describes",
                row.at
            ));
        }
        for pattern in &row.urls {
            if !pattern_used.contains(pattern) {
                bad.push(format!(
                    "{}: the sample site has no page at {pattern}",
                    row.at
                ));
            }
        }
        let expected: BTreeSet<String> = common.union(&row.variables).cloned().collect();
        // One message per distinct mismatch, not one per paper page.
        let mut reported = BTreeSet::new();
        for r in rendered {
            if r.template != row.template {
                bad.push(format!(
                    "{}: {} is rendered by {}, not {}",
                    row.at, r.url, r.template, row.template
                ));
            }
            let keys = r.keys();
            if keys != expected && reported.insert(keys.clone()) {
                compare(
                    &row.at,
                    &format!("the context of {}", r.url),
                    &expected,
                    &keys,
                    &mut bad,
                );
            }
        }
    }

    // The objects inside the context, table by table.
    let row_of = |key: &str| -> &[&Rendered] {
        let i = rows
            .iter()
            .position(|r| {
                r.urls.iter().any(|u| u == key) || (r.urls.is_empty() && r.template == key)
            })
            .unwrap_or_else(|| {
                panic!("docs/templates.md: no row for {key} (tests/docs.rs looks for it)")
            });
        &matched[i]
    };
    let keys_at = |place: &str, path: &str| -> BTreeSet<String> {
        let path: Vec<&str> = path.split('/').collect();
        let mut objects = Vec::new();
        for r in row_of(place) {
            objects_at(&r.context, &path, &mut objects);
        }
        assert!(
            !objects.is_empty(),
            "no {path:?} on any page at {place}: nothing to check the docs against"
        );
        objects.iter().flat_map(|o| o.keys().cloned()).collect()
    };
    let objects: &[(&str, &[(&str, &str)])] = &[
        (
            "Paper summary",
            &[
                ("/", "papers/*"),
                ("/papers/<slug>/", "previous"),
                ("/papers/<slug>/", "next"),
            ],
        ),
        (
            "Tag on a paper",
            &[
                ("/", "papers/*/tags/*"),
                ("/papers/<slug>/", "paper/tags/*"),
            ],
        ),
        (
            "Tag entry",
            &[
                ("/tags/", "tags/*"),
                ("/search/", "tags/*"),
                ("/tags/<tag>/", "tag"),
            ],
        ),
        (
            "Pagination",
            &[("/", "pagination"), ("/dates/YYYY/MM/DD/", "pagination")],
        ),
        ("Navigation", &[("/", "nav"), ("partials/card.html", "nav")]),
        ("Navigation page", &[("/", "nav/pages/*")]),
        ("Archive year", &[("/dates/", "years/*")]),
        ("Archive month", &[("/dates/", "years/*/months/*")]),
        (
            "Archive day",
            &[
                ("/dates/", "years/*/months/*/days/*"),
                ("/dates/YYYY/MM/", "days/*"),
            ],
        ),
        ("Undated", &[("/dates/", "undated")]),
        ("Free page", &[("/<slug>/", "page")]),
        (
            "Organization entry",
            &[("/orgs/", "orgs/*"), ("/orgs/<org>/", "org")],
        ),
        (
            "Listing summary",
            &[
                ("/listings/", "listings/*"),
                ("/papers/<slug>/", "listed/*"),
                ("/listings/<listing>/", "listing"),
                ("/listings/<listing>/", "older"),
            ],
        ),
        ("Listing entry", &[("/listings/<listing>/", "entries/*")]),
        (
            "Week",
            &[("/dates/YYYY/MM/", "weeks/*"), ("/dates/YYYY/wNN/", "week")],
        ),
        ("Trending window", &[("/trending/", "window")]),
        (
            "Window day",
            &[
                ("/trending/", "window/newest"),
                ("/trending/", "window/oldest"),
            ],
        ),
    ];
    let mut tables = BTreeMap::new();
    for (heading, places) in objects {
        let documented = key_column(&doc, heading, &mut bad);
        let at = doc.at(doc.table(heading).offset);
        for (place, path) in *places {
            compare(
                &at,
                &format!("`{path}` at {place}"),
                &documented,
                &keys_at(place, path),
                &mut bad,
            );
        }
        tables.insert(*heading, documented);
    }
    // A full paper is a summary without `card` and `row`, plus its own
    // table; a card and a row get the summary without them.
    let mut summary = tables["Paper summary"].clone();
    summary.remove("card");
    summary.remove("row");
    let full: BTreeSet<String> = summary
        .union(&key_column(&doc, "Full paper", &mut bad))
        .cloned()
        .collect();
    let at = doc.at(doc.table("Full paper").offset);
    compare(
        &at,
        "`paper` on a paper page",
        &full,
        &keys_at("/papers/<slug>/", "paper"),
        &mut bad,
    );
    let at = doc.at(doc.table("Paper summary").offset);
    compare(
        &at,
        "`paper` in a card",
        &summary,
        &keys_at("partials/card.html", "paper"),
        &mut bad,
    );
    compare(
        &at,
        "`paper` in a row",
        &summary,
        &keys_at("partials/row.html", "paper"),
        &mut bad,
    );
    // A related paper and a listing's paper are summaries without `card`
    // and `row`;
    // a related one has its own table besides.
    let related: BTreeSet<String> = summary
        .union(&key_column(&doc, "Related paper", &mut bad))
        .cloned()
        .collect();
    let at = doc.at(doc.table("Related paper").offset);
    compare(
        &at,
        "`related/*` on a paper page",
        &related,
        &keys_at("/papers/<slug>/", "related/*"),
        &mut bad,
    );
    let at = doc.at(doc.table("Listing entry").offset);
    compare(
        &at,
        "`entries/*/paper` on a listing's page",
        &summary,
        &keys_at("/listings/<listing>/", "entries/*/paper"),
        &mut bad,
    );
    problems(bad);
}

// ---------------------------------------------------------------------------
// Built-in tag rules.

/// The table of built-in rules, as `docs/digest.md` must show it: made from
/// `src/tagging/rules.toml`, the rules themselves.
fn built_in_rules_table() -> String {
    let code = |words: &[String]| -> String {
        words
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut table = String::from(
        "| tag | keywords (title and abstract) | in the title only | conditions |\n|---|---|---|---|\n",
    );
    for (tag, rule) in gazette::tagging::built_in_rules().unwrap() {
        let mut conditions = Vec::new();
        for c in &rule.context {
            let place = if c.title_only { " in the title" } else { "" };
            conditions.push(format!(
                "`{}`{place} only with {}",
                c.keyword,
                code(&c.needs)
            ));
        }
        if !rule.not_in.is_empty() {
            conditions.push(format!("not inside {}", code(&rule.not_in)));
        }
        if !rule.covered_by.is_empty() {
            conditions.push(format!(
                "abstract only: not beside {} in the title",
                code(&rule.covered_by)
            ));
        }
        table.push_str(&format!(
            "| `{tag}` | {} | {} | {} |\n",
            code(&rule.keywords),
            code(&rule.title_only),
            conditions.join("; ")
        ));
    }
    table
}

#[test]
fn the_built_in_tag_rules_table_is_made_from_the_rules_file() {
    let path = repo().join("docs/digest.md");
    let text = fs::read_to_string(&path).unwrap();
    let expected = built_in_rules_table();
    let heading = "### Built-in tag rules";
    let Some(at) = text.find(heading) else {
        panic!("docs/digest.md: no `{heading}` section");
    };
    let start = at + text[at..].find("\n|").expect("a table under the heading") + 1;
    let end = text[start..]
        .find("\n\n")
        .map_or(text.len(), |i| start + i + 1);
    let line = text[..start].lines().count() + 1;
    assert!(
        text[start..end] == expected,
        "docs/digest.md:{line}: the built-in tag rules table is not src/tagging/rules.toml's; \
         replace it with:\n\n{expected}"
    );
}

// ---------------------------------------------------------------------------
// Lists in prose that mirror constants.

#[test]
fn the_pages_table_names_exactly_the_templates_a_theme_must_have() {
    let doc = Doc::read("docs/templates.md");
    let table = doc.table("Pages and the template each one uses");
    let documented: BTreeSet<String> = table
        .rows
        .iter()
        .filter_map(|row| {
            row.cells.get(1)?.iter().find_map(|item| match item {
                Item::Code(c) if c.ends_with(".html") => Some(c.clone()),
                _ => None,
            })
        })
        .collect();
    let required: BTreeSet<String> = (gazette::render::theme::REQUIRED.iter())
        .chain(gazette::render::theme::OPTIONAL)
        .map(std::string::ToString::to_string)
        .collect();
    let mut bad = Vec::new();
    compare(
        &doc.at(table.offset),
        "theme::REQUIRED and theme::OPTIONAL",
        &documented,
        &required,
        &mut bad,
    );
    problems(bad);
}

#[test]
fn the_reserved_slugs_in_the_docs_are_the_code_s() {
    let reserved: Vec<&str> = gazette::site::urls::RESERVED.to_vec();
    let mut bad = Vec::new();
    let mut found = 0;
    for file in ["docs/templates.md", "docs/page-format.md"] {
        let doc = Doc::read(file);
        let phrase = "may not use the slugs";
        for (at, _) in doc.text.match_indices(phrase) {
            found += 1;
            let rest = &doc.text[at + phrase.len()..];
            let list = &rest[..rest.find(" (").unwrap_or(rest.len())];
            let slugs: Vec<&str> = list.split('`').skip(1).step_by(2).collect();
            if slugs != reserved {
                bad.push(format!(
                    "{}: the reserved slugs are {reserved:?} (site::urls::RESERVED), the text says {slugs:?}",
                    doc.at(at)
                ));
            }
        }
    }
    assert_eq!(found, 2, "the sentence on reserved slugs moved");
    problems(bad);
}

/// The number of pages past which the sitemap becomes an index of parts,
/// as docs/templates.md gives it, is the code's.
#[test]
fn the_sitemap_limit_in_the_docs_is_the_code_s() {
    let per_file = gazette::render::SITEMAP_PER_FILE;
    let doc = Doc::read("docs/templates.md");
    let phrase = "a site of more than ";
    let at = doc
        .text
        .find(phrase)
        .expect("the sentence on the sitemap index moved");
    let rest = &doc.text[at + phrase.len()..];
    let number: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .collect();
    let written = number.replace(',', "").parse::<usize>().unwrap_or(0);
    assert_eq!(
        written,
        per_file,
        "{}: the sitemap's pages per file are {per_file} (render::SITEMAP_PER_FILE)",
        doc.at(at)
    );
    let parts = format!("of {number} pages each");
    let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(rest.contains(&parts), "{}: say `{parts}`", doc.at(at));
}

// ---------------------------------------------------------------------------
// ARCHITECTURE.md names the tests that guard each invariant.

#[test]
fn every_test_architecture_md_names_exists() {
    let doc = Doc::read("ARCHITECTURE.md");
    let mut bad = Vec::new();
    let mut found = 0;
    for (event, range) in Parser::new_ext(&doc.text, Options::ENABLE_TABLES).into_offset_iter() {
        // A test is named `path/file.rs::test_name`.
        let Event::Code(span) = event else { continue };
        let Some((file, name)) = span.split_once(".rs::") else {
            continue;
        };
        found += 1;
        let defined = fs::read_to_string(repo().join(format!("{file}.rs")))
            .is_ok_and(|code| code.contains(&format!("fn {name}(")));
        if !defined {
            bad.push(format!(
                "{}: no test `{name}` in {file}.rs",
                doc.at(range.start)
            ));
        }
    }
    assert!(found > 20, "ARCHITECTURE.md names only {found} tests");
    problems(bad);
}
