//! Finding the theme on disk, laying the site's overrides over it, and
//! turning its templates into a Tera instance with Gazette's functions.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use tera::{Tera, Value};

use super::Theme;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::layout::{self, STATIC_DIR, TEMPLATES_DIR};
use crate::toml_line;

/// Templates every theme must have (the pages Gazette renders).
pub const REQUIRED: &[&str] = &[
    "index.html",
    "list.html",
    "paper.html",
    "tags.html",
    "archive.html",
    "listing.html",
    "listings.html",
    "orgs.html",
    "search.html",
    "page.html",
    "404.html",
    "partials/card.html",
];

/// Templates a theme may have, which Gazette renders when it does.
pub const OPTIONAL: &[&str] = &[super::context::ROW_TEMPLATE];

/// Reads `themes/<theme>/` then the site's `templates/` and `static/`,
/// which replace the theme's files of the same name.
pub fn load(root: &Path, config: &Config) -> Result<Theme, Vec<Diagnostic>> {
    let folder = layout::theme_dir(&config.theme);
    let dir = root.join(&folder);
    // A site without its own copy of the default theme uses the one built
    // into the binary, so config.toml and digests/ alone make a site.
    let embedded = !dir.is_dir() && config.theme == "default";
    if !dir.is_dir() && !embedded {
        return Err(vec![Diagnostic::error(
            &folder,
            0,
            format!(
                "theme `{}` not found: there is no folder {folder}/ ({} `theme` names a folder under {}/)",
                config.theme,
                layout::CONFIG_FILE,
                layout::THEMES_DIR,
            ),
        )]);
    }
    let mut theme = Theme::default();
    let mut errors = Vec::new();
    let theme_files = |sub: &str, errors: &mut Vec<Diagnostic>| {
        if embedded {
            embedded_tree(sub)
        } else {
            read_tree(&dir.join(sub), &format!("{folder}/{sub}"), errors)
        }
    };
    if !embedded {
        check_theme_toml(&dir, &folder, &mut errors);
    }
    let layers = [
        (
            theme_files(TEMPLATES_DIR, &mut errors),
            format!("{folder}/{TEMPLATES_DIR}"),
        ),
        (
            read_tree(&root.join(TEMPLATES_DIR), TEMPLATES_DIR, &mut errors),
            TEMPLATES_DIR.to_string(),
        ),
    ];
    for (files, prefix) in layers {
        for (name, bytes) in files {
            let origin = format!("{prefix}/{name}");
            match String::from_utf8(bytes) {
                Ok(text) => {
                    theme.templates.insert(name.clone(), text);
                    theme.sources.insert(name, origin);
                }
                Err(_) => errors.push(Diagnostic::error(origin, 0, "template is not UTF-8 text")),
            }
        }
    }
    let statics = [
        (
            theme_files(STATIC_DIR, &mut errors),
            format!("{folder}/{STATIC_DIR}"),
        ),
        (
            read_tree(&root.join(STATIC_DIR), STATIC_DIR, &mut errors),
            STATIC_DIR.to_string(),
        ),
    ];
    for (files, prefix) in statics {
        for (name, bytes) in files {
            theme
                .static_sources
                .insert(name.clone(), format!("{prefix}/{name}"));
            theme.statics.insert(name, Arc::from(bytes));
        }
    }
    for name in REQUIRED {
        if !theme.templates.contains_key(*name) {
            errors.push(Diagnostic::error(
                format!("{folder}/{TEMPLATES_DIR}/{name}"),
                0,
                format!("the theme has no template `{name}`, which Gazette needs"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(theme)
    } else {
        Err(errors)
    }
}

fn check_theme_toml(dir: &Path, folder: &str, errors: &mut Vec<Diagnostic>) {
    let origin = format!("{folder}/{}", layout::THEME_FILE);
    let Ok(text) = std::fs::read_to_string(dir.join(layout::THEME_FILE)) else {
        return; // optional
    };
    if let Err(e) = text.parse::<toml::Table>() {
        let line = toml_line::of_error(&e, &text).unwrap_or(0);
        errors.push(Diagnostic::error(origin, line, e.message().trim()));
    }
}

/// The default theme as built into the binary from the repository's
/// `themes/default/` (also what `gazette init` writes out).
pub static DEFAULT_THEME: include_dir::Dir<'_> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Files under `sub/` of the embedded default theme, as [`read_tree`] gives them.
fn embedded_tree(sub: &str) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &include_dir::Dir<'_>, strip: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for file in dir.files() {
            let rel = file.path().strip_prefix(strip).unwrap_or(file.path());
            let name = rel.to_string_lossy().replace('\\', "/");
            out.push((name, file.contents().to_vec()));
        }
        for d in dir.dirs() {
            walk(d, strip, out);
        }
    }
    let mut out = Vec::new();
    if let Some(dir) = DEFAULT_THEME.get_dir(sub) {
        walk(dir, Path::new(sub), &mut out);
    }
    out.sort();
    out
}

/// Every file under `dir` as (relative path with `/`, bytes), sorted.
/// A missing folder is empty; editor droppings and hidden files are skipped,
/// except the host files in [`HOST_FILES`].
fn read_tree(dir: &Path, prefix: &str, errors: &mut Vec<Diagnostic>) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(Diagnostic::error(prefix, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.iter().any(|p| is_dropping(p)) {
            continue;
        }
        let name = parts.join("/");
        match std::fs::read(entry.path()) {
            Ok(bytes) => files.push((name, bytes)),
            Err(e) => errors.push(Diagnostic::error(
                format!("{prefix}/{name}"),
                0,
                format!("cannot read: {e}"),
            )),
        }
    }
    files
}

/// Hidden names that hosts read (GitHub Pages' `.nojekyll`, `.well-known/`
/// for domain checks, Apache's `.htaccess`): copied like any static file.
const HOST_FILES: &[&str] = &[".nojekyll", ".well-known", ".htaccess"];

/// Editor droppings and other hidden files, which a theme or site never
/// means to publish.
fn is_dropping(name: &str) -> bool {
    (name.starts_with('.') && !HOST_FILES.contains(&name)) || name.ends_with('~')
}

/// A Tera instance over the theme's templates, HTML and XML autoescaped,
/// with Gazette's `url()` and `abs_url()` functions bound to this site.
pub fn build_tera(theme: &Theme, base_path: &str, base_url: &str) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(super::escape::html);
    if let Err(e) = tera.add_raw_templates(theme.templates.iter()) {
        return Err(vec![template_error(theme, None, &e, "invalid template")]);
    }
    let base = base_path.to_string();
    tera.register_function(
        "url",
        move |args: &HashMap<String, Value>| -> tera::Result<Value> {
            Ok(Value::String(format!("{base}{}", path_arg(args)?)))
        },
    );
    let abs = base_url.to_string();
    tera.register_function(
        "abs_url",
        move |args: &HashMap<String, Value>| -> tera::Result<Value> {
            Ok(Value::String(format!("{abs}{}", path_arg(args)?)))
        },
    );
    Ok(tera)
}

fn path_arg(args: &HashMap<String, Value>) -> tera::Result<String> {
    match args.get("path") {
        Some(Value::String(p)) => {
            Ok(crate::site::urls::encode_path(p.trim_start_matches('/')).into_owned())
        }
        Some(other) => Err(tera::Error::msg(format!(
            "`path` must be a string, found {other}"
        ))),
        None => Err(tera::Error::msg(
            "missing argument `path`, as in url(path=\"tags/\")",
        )),
    }
}

/// A Tera error as a diagnostic on the template's file: the whole chain of
/// causes (Tera puts the useful part in the sources), and the line when the
/// message carries one (parse errors: ` --> 12:5`).
pub fn template_error(
    theme: &Theme,
    template: Option<&str>,
    error: &tera::Error,
    what: &str,
) -> Diagnostic {
    let mut messages = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        messages.push(e.to_string());
        source = e.source();
    }
    let text = messages.join(": ");
    // The template named by the error itself when it names one we know.
    let named = template.map(str::to_string).or_else(|| {
        theme
            .templates
            .keys()
            .find(|name| text.contains(&format!("'{name}'")))
            .cloned()
    });
    let file = match &named {
        Some(name) => theme
            .sources
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("{TEMPLATES_DIR}/{name}")),
        None => TEMPLATES_DIR.to_string(),
    };
    let line = line_in(&text).unwrap_or(0);
    let text = text
        .replace('\n', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Diagnostic::error(file, line, format!("{what}: {text}"))
}

/// The line from a pest position marker (` --> 12:5`).
fn line_in(text: &str) -> Option<usize> {
    let at = text.find("--> ")?;
    let rest = &text[at + 4..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(templates: &[(&str, &str)]) -> Theme {
        let mut t = Theme::default();
        for (name, src) in templates {
            t.templates.insert(name.to_string(), src.to_string());
            t.sources
                .insert(name.to_string(), format!("themes/x/templates/{name}"));
        }
        t
    }

    #[test]
    fn a_syntax_error_names_the_template_file_and_line() {
        let t = theme(&[("index.html", "<p>\n\n{{ oops( }}\n")]);
        let err = build_tera(&t, "/", "https://e.org/").unwrap_err();
        let d = &err[0];
        assert_eq!(d.file, "themes/x/templates/index.html", "{d}");
        assert_eq!(d.line, 3, "{d}");
    }

    #[test]
    fn url_function_prefixes_the_base_path() {
        let t = theme(&[(
            "a.html",
            "{{ url(path='tags/') | safe }} {{ abs_url(path='feed.xml') | safe }}",
        )]);
        let tera = build_tera(&t, "/sub/", "https://e.org/sub/").unwrap();
        let out = tera.render("a.html", &tera::Context::new()).unwrap();
        assert_eq!(out, "/sub/tags/ https://e.org/sub/feed.xml");
    }

    #[test]
    fn a_missing_theme_names_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            theme: "nope".into(),
            ..Config::default()
        };
        let err = load(dir.path(), &config).unwrap_err();
        assert_eq!(err[0].file, "themes/nope");
        assert!(err[0].message.contains("themes/nope/"), "{}", err[0]);
    }

    #[test]
    fn a_broken_theme_toml_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let theme = dir.path().join("themes/x");
        std::fs::create_dir_all(&theme).unwrap();
        std::fs::write(
            theme.join("theme.toml"),
            "name = \"x\"\n\ndescription = = 2\n",
        )
        .unwrap();
        let config = Config {
            theme: "x".into(),
            ..Config::default()
        };
        let err = load(dir.path(), &config).unwrap_err();
        let d = err
            .iter()
            .find(|d| d.file == "themes/x/theme.toml")
            .expect("names theme.toml");
        assert_eq!(d.line, 3, "{d}");
    }

    #[test]
    fn site_templates_and_statics_override_the_theme_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        for name in REQUIRED {
            write(&format!("themes/default/templates/{name}"), "theme");
        }
        write("themes/default/static/style.css", "theme css");
        write("themes/default/static/search.js", "theme js");
        write("templates/paper.html", "mine");
        write("static/style.css", "my css");
        let t = load(root, &Config::default()).unwrap();
        assert_eq!(t.templates["paper.html"], "mine");
        assert_eq!(t.sources["paper.html"], "templates/paper.html");
        assert_eq!(t.templates["index.html"], "theme");
        assert_eq!(&*t.statics["style.css"], b"my css");
        assert_eq!(&*t.statics["search.js"], b"theme js");
    }
}
