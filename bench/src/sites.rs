//! The templates the benchmark gives each generator (`bench/sites/`),
//! embedded so the binary works from any folder:
//!
//! - `gazette/minimal/`: a Gazette theme with titles and links only;
//! - `hugo/{default,minimal}/layouts/`, `zola/{default,minimal}/templates/`:
//!   the same pages as Gazette's default theme and as the minimal theme.

use std::fs;
use std::path::Path;

use anyhow::Context;
use include_dir::{Dir, include_dir};

static SITES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/sites");

/// Writes the bundle's folder `from` (`hugo/default/layouts`) into `to`,
/// sub-folders included.
pub fn write(from: &str, to: &Path) -> anyhow::Result<()> {
    let dir = SITES
        .get_dir(from)
        .with_context(|| format!("the benchmark has no templates in sites/{from}"))?;
    write_dir(dir, from, to)
}

fn write_dir(dir: &Dir<'_>, root: &str, to: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for file in dir.files() {
        let rel = file
            .path()
            .strip_prefix(root)
            .expect("the bundle's paths start with the folder asked for");
        let path = to.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, file.contents())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    for sub in dir.dirs() {
        write_dir(sub, root, to)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generator_has_both_template_sets() {
        for dir in [
            "gazette/minimal/templates",
            "hugo/default/layouts",
            "hugo/minimal/layouts",
            "zola/default/templates",
            "zola/minimal/templates",
        ] {
            assert!(SITES.get_dir(dir).is_some(), "sites/{dir} is missing");
        }
    }

    #[test]
    fn a_folder_is_written_with_its_sub_folders() {
        let tmp = tempfile::tempdir().unwrap();
        write("hugo/default/layouts", tmp.path()).unwrap();
        assert!(tmp.path().join("baseof.html").is_file());
        assert!(tmp.path().join("tags/term.html").is_file());
        assert!(write("nope", tmp.path()).is_err());
    }
}
