//! Removing a paper for good: `gazette remove <slug|file>` deletes its page
//! and leaves a tombstone in `content/removed.toml`, so import never brings
//! it back, in this checkout or in a CI build from a fresh clone (the file
//! is versioned with the content, unlike `.gazette/`). `gazette remove
//! --undo <slug>` takes the tombstone out and imports the paper again.
//!
//! The tombstones are plain data for import ([`read`]); a person may edit
//! the file too (deleting an entry undoes that removal).

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::atomic;
use crate::diagnostic::Diagnostic;
use crate::import::{self, title_key};
use crate::layout::{PAPERS_DIR, REMOVED_FILE};
use crate::page;
use crate::toml_line;

/// One removed paper: what import recognises it by, and what a person
/// reading the file recognises it by.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tombstone {
    /// The page's slug when it was removed (`gazette remove --undo <slug>`).
    pub slug: String,
    pub title: String,
    /// Import's key for the paper (its title without case and punctuation).
    pub key: String,
    pub arxiv: Option<String>,
    /// The dumps that listed it, for the person reading the file.
    #[serde(default)]
    pub digests: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    removed: Vec<Tombstone>,
}

const HEADER: &str = "# Papers removed from this site with `gazette remove`: import never
# brings them back. Keep this file in version control with content/.
# To undo a removal, run `gazette remove --undo <slug>` (or delete the
# paper's entry here and run `gazette import`).
";

/// The tombstones; none when the file does not exist. A file that does not
/// parse is an error at its line: importing without it could bring removed
/// papers back.
pub fn read(root: &Path) -> Result<Vec<Tombstone>, Diagnostic> {
    let text = match fs::read_to_string(root.join(REMOVED_FILE)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Diagnostic::error(
                REMOVED_FILE,
                0,
                format!("cannot read: {e}"),
            ));
        }
    };
    parse(&text)
}

fn parse(text: &str) -> Result<Vec<Tombstone>, Diagnostic> {
    toml::from_str::<File>(text)
        .map(|f| f.removed)
        .map_err(|e| {
            let line = toml_line::of_error(&e, text).unwrap_or(0);
            Diagnostic::error(
                REMOVED_FILE,
                line,
                format!(
                    "{}; nothing was imported, so that no removed paper comes back",
                    e.message().trim()
                ),
            )
        })
}

/// What `gazette remove` did.
#[derive(Debug, Clone, PartialEq)]
pub struct Removed {
    /// The page file deleted, relative to the root.
    pub page: String,
    pub tombstone: Tombstone,
}

/// Removes the page `target` names (a slug, `x.md` or `content/papers/x.md`)
/// and records its tombstone. A page with notes, or written by hand, is
/// refused unless `force`: deleting it would lose what the person wrote.
pub fn remove(root: &Path, target: &str, force: bool) -> Result<Removed, Diagnostic> {
    let path = find_page(root, target)?;
    let origin = page_origin(&path);
    let text = fs::read_to_string(root.join(&path))
        .map_err(|e| Diagnostic::error(&origin, 0, format!("cannot read: {e}")))?;
    let page = page::read(&text, &origin)?;
    let slug = page.front.slug.clone().unwrap_or_else(|| stem(&path));
    let imported = page.front.imported_key_and_hash();
    if !force {
        let why = if !page.body.trim().is_empty() {
            Some("it holds your notes")
        } else if imported.is_none() {
            Some("it was written by hand")
        } else {
            None
        };
        if let Some(why) = why {
            return Err(Diagnostic::error(
                &origin,
                page.body_line.min(text.lines().count()).max(1),
                format!(
                    "not removed: {why}, and removing deletes the page; move what you want \
                     to keep, then run `gazette remove --force {slug}`"
                ),
            ));
        }
    }
    let facts = page.front.facts;
    let tombstone = Tombstone {
        slug,
        key: imported.map_or_else(|| title_key(&facts.title), |(key, _)| key),
        title: facts.title,
        arxiv: facts.arxiv,
        digests: facts.digests,
    };
    record(root, &tombstone)?;
    // The tombstone is written first: a failure now leaves the page, never
    // a deleted page that the next import would bring back.
    fs::remove_file(root.join(&path))
        .map_err(|e| Diagnostic::error(&origin, 0, format!("cannot delete: {e}")))?;
    import::forget_page(root, &tombstone.key, tombstone.arxiv.as_deref());
    Ok(Removed {
        page: origin,
        tombstone,
    })
}

/// Appends a tombstone to the file, keeping what is in it (comments too);
/// a paper already listed is left as it is.
pub fn record(root: &Path, tombstone: &Tombstone) -> Result<(), Diagnostic> {
    let path = root.join(REMOVED_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => HEADER.to_string(),
        Err(e) => {
            return Err(Diagnostic::error(
                REMOVED_FILE,
                0,
                format!("cannot read: {e}"),
            ));
        }
    };
    let existing = parse(&text)?;
    if existing.iter().any(|t| t.key == tombstone.key) {
        return Ok(());
    }
    // With no entry yet, comments would trail the first one: start afresh
    // with the header on top.
    let text = if existing.is_empty() {
        String::new()
    } else {
        text
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        Diagnostic::error(REMOVED_FILE, 1, e.message().trim())
    })?;
    let mut entry = toml_edit::Table::new();
    entry["slug"] = toml_edit::value(&tombstone.slug);
    entry["title"] = toml_edit::value(&tombstone.title);
    entry["key"] = toml_edit::value(&tombstone.key);
    if let Some(arxiv) = &tombstone.arxiv {
        entry["arxiv"] = toml_edit::value(arxiv);
    }
    entry["digests"] = toml_edit::value(
        tombstone
            .digests
            .iter()
            .map(String::as_str)
            .collect::<toml_edit::Array>(),
    );
    let removed = doc["removed"].or_insert(toml_edit::Item::ArrayOfTables(
        toml_edit::ArrayOfTables::new(),
    ));
    let Some(list) = removed.as_array_of_tables_mut() else {
        return Err(Diagnostic::error(
            REMOVED_FILE,
            toml_line::of_key(&text, &["removed"]).unwrap_or(0),
            "`removed` must be a list of [[removed]] tables",
        ));
    };
    list.push(entry);
    let text = if existing.is_empty() {
        format!("{HEADER}\n{doc}")
    } else {
        doc.to_string()
    };
    write(root, &text)
}

/// Takes the tombstone of `slug` (or key) out of the file; `None` when it
/// has none.
pub fn undo(root: &Path, slug: &str) -> Result<Option<Tombstone>, Diagnostic> {
    let path = root.join(REMOVED_FILE);
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(None);
    };
    let tombstones = parse(&text)?;
    let Some(index) = tombstones
        .iter()
        .position(|t| t.slug == slug || t.key == slug)
    else {
        return Ok(None);
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        Diagnostic::error(REMOVED_FILE, 1, e.message().trim())
    })?;
    let mut left = 0;
    if let Some(list) = doc
        .get_mut("removed")
        .and_then(|r| r.as_array_of_tables_mut())
    {
        // The file's comments sit before its first entry: keep them.
        let prefix = list.get(index).and_then(|t| t.decor().prefix().cloned());
        list.remove(index);
        if let (0, Some(prefix), Some(next)) = (index, prefix, list.get_mut(0)) {
            next.decor_mut().set_prefix(prefix);
        }
        left = list.len();
    }
    let text = if left == 0 {
        HEADER.to_string()
    } else {
        doc.to_string()
    };
    write(root, &text)?;
    Ok(Some(tombstones[index].clone()))
}

fn write(root: &Path, text: &str) -> Result<(), Diagnostic> {
    atomic::write(&root.join(REMOVED_FILE), text.as_bytes())
        .map_err(|e| Diagnostic::error(REMOVED_FILE, 0, format!("cannot write: {e}")))
}

/// The page file `target` names, relative to the root: `x`, `x.md`,
/// `content/papers/x.md`, or a page whose front matter sets `slug = "x"`.
fn find_page(root: &Path, target: &str) -> Result<PathBuf, Diagnostic> {
    let name = Path::new(target)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".md").unwrap_or(&name);
    let by_name = Path::new(PAPERS_DIR).join(format!("{stem}.md"));
    if !stem.is_empty() && root.join(&by_name).is_file() {
        return Ok(by_name);
    }
    let by_slug = fs::read_dir(root.join(PAPERS_DIR))
        .into_iter()
        .flatten()
        .filter_map(std::result::Result::ok)
        .map(|e| Path::new(PAPERS_DIR).join(e.file_name()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .find(|p| {
            fs::read_to_string(root.join(p))
                .ok()
                .and_then(|text| page::read(&text, "").ok())
                .and_then(|page| page.front.slug)
                .is_some_and(|s| s == stem)
        });
    by_slug.ok_or_else(|| {
        Diagnostic::error(
            PAPERS_DIR,
            0,
            format!(
                "no paper page `{target}`: name it by its slug or file (content/papers/<slug>.md)"
            ),
        )
    })
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn page_origin(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with_page(body: &str, imported: bool) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join(PAPERS_DIR)).unwrap();
        let facts = page::Facts {
            title: "Paper X".into(),
            arxiv: Some("2401.00001".into()),
            digests: vec!["a.txt".into()],
            ..page::Facts::default()
        };
        let text = if imported {
            page::new_page("paper x", &facts)
        } else {
            "+++\ntitle = \"Paper X\"\n+++\n".to_string()
        };
        fs::write(dir.path().join("content/papers/paper-x.md"), text + body).unwrap();
        dir
    }

    #[test]
    fn remove_deletes_the_page_and_leaves_a_readable_tombstone() {
        let site = site_with_page("", true);
        let removed = remove(site.path(), "content/papers/paper-x.md", false).unwrap();
        assert_eq!(removed.page, "content/papers/paper-x.md");
        assert!(!site.path().join("content/papers/paper-x.md").exists());
        let tombstones = read(site.path()).unwrap();
        assert_eq!(
            tombstones,
            [Tombstone {
                slug: "paper-x".into(),
                title: "Paper X".into(),
                key: "paper x".into(),
                arxiv: Some("2401.00001".into()),
                digests: vec!["a.txt".into()],
            }]
        );
        let text = fs::read_to_string(site.path().join(REMOVED_FILE)).unwrap();
        assert!(text.starts_with("# Papers removed"), "{text}");
        assert_eq!(
            undo(site.path(), "paper-x").unwrap().unwrap().key,
            "paper x"
        );
        assert!(read(site.path()).unwrap().is_empty());
        assert!(
            fs::read_to_string(site.path().join(REMOVED_FILE))
                .unwrap()
                .starts_with("# Papers removed"),
            "the file's comments stay"
        );
    }

    #[test]
    fn a_page_with_notes_or_written_by_hand_needs_force() {
        for (body, imported, why) in [
            ("My notes.\n", true, "it holds your notes"),
            ("", false, "it was written by hand"),
        ] {
            let site = site_with_page(body, imported);
            let err = remove(site.path(), "paper-x", false).unwrap_err();
            assert!(err.message.contains(why), "{err}");
            assert!(
                err.message.contains("gazette remove --force paper-x"),
                "{err}"
            );
            assert!(site.path().join("content/papers/paper-x.md").exists());
            assert!(read(site.path()).unwrap().is_empty());
            remove(site.path(), "paper-x", true).unwrap();
            assert!(!site.path().join("content/papers/paper-x.md").exists());
        }
    }

    #[test]
    fn an_unknown_page_and_a_broken_file_are_errors_at_their_line() {
        let site = site_with_page("", true);
        let err = remove(site.path(), "nope", false).unwrap_err();
        assert!(err.to_string().contains("no paper page `nope`"), "{err}");
        fs::write(
            site.path().join(REMOVED_FILE),
            "[[removed]]\nslug = \"a\"\ntitle = \"A\"\nkey = \"a\"\ndigest = []\n",
        )
        .unwrap();
        let err = read(site.path()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("content/removed.toml:5: error: unknown field `digest`"),
            "{err}"
        );
        assert!(
            remove(site.path(), "paper-x", false).is_err(),
            "nothing removed"
        );
        assert!(site.path().join("content/papers/paper-x.md").exists());
    }
}
