//! The site's layout on disk: the folders and files a site is made of, and
//! the one path the preview server adds. Every stage names them through
//! here, so a folder cannot be spelt two ways. (Output URLs live in
//! `site::urls`.)

use std::path::{Component, Path};

/// The site's settings, at the root.
pub const CONFIG_FILE: &str = "config.toml";
/// Raw digest dumps, the parser's input.
pub const DIGESTS_DIR: &str = "digests";
/// Pages: free pages directly inside, paper pages in [`PAPERS_DIR`].
pub const CONTENT_DIR: &str = "content";
/// One Markdown page per paper, written by import, editable.
pub const PAPERS_DIR: &str = "content/papers";
/// The papers removed for good (`gazette remove`): versioned with the
/// content, so a build from a fresh clone keeps them out too.
pub const REMOVED_FILE: &str = "content/removed.toml";
/// Themes, one folder each: `themes/<name>/`.
pub const THEMES_DIR: &str = "themes";
/// Templates: in a theme's folder, and at the root to override the theme's.
pub const TEMPLATES_DIR: &str = "templates";
/// Static files (css, js, images): in a theme's folder, and at the root.
pub const STATIC_DIR: &str = "static";
/// A theme's own settings, in its folder.
pub const THEME_FILE: &str = "theme.toml";
/// Where `build` writes the site unless told otherwise.
pub const OUTPUT_DIR: &str = "public";
/// Gazette's cache: ignore it in git; deleting it costs one import.
pub const CACHE_DIR: &str = ".gazette";
/// What the last clean import saw, in [`CACHE_DIR`].
pub const IMPORT_STAMP: &str = ".gazette/import-stamp";
/// Which papers had a page after the last import, in [`CACHE_DIR`]: one
/// that had and has none was deleted by hand.
pub const IMPORTED_PAGES: &str = ".gazette/imported-pages";
/// The guessed years already warned about, in [`CACHE_DIR`]: each is said
/// once, not at every build.
pub const YEAR_GUESSES: &str = ".gazette/year-guesses";
/// What the last `gazette build` read and wrote, in [`CACHE_DIR`].
pub const BUILD_RECORD: &str = ".gazette/build-record";
/// Held by whichever Gazette is writing the site (one at a time), in [`CACHE_DIR`].
pub const LOCK_FILE: &str = ".gazette/lock";
/// The preview server's live-reload WebSocket (never a page of the site:
/// `__` is not a slug).
pub const LIVE_RELOAD: &str = "/__gazette/livereload";

/// The source folders at the root: `serve` watches them, and no build may
/// write into them.
pub const SOURCE_DIRS: [&str; 5] = [
    DIGESTS_DIR,
    CONTENT_DIR,
    THEMES_DIR,
    TEMPLATES_DIR,
    STATIC_DIR,
];

/// Whether `root` is a site: it holds a [`CONFIG_FILE`] (the rest may be
/// missing: all defaults), a [`DIGESTS_DIR`] or a [`CONTENT_DIR`]. Any
/// other folder (a typo in `--root`, the wrong folder) is none, and the
/// commands that read a site refuse it rather than build an empty one.
pub fn is_site(root: &Path) -> bool {
    root.join(CONFIG_FILE).is_file()
        || root.join(DIGESTS_DIR).is_dir()
        || root.join(CONTENT_DIR).is_dir()
}

/// `themes/<name>`: a theme's folder, relative to the site root.
pub fn theme_dir(name: &str) -> String {
    format!("{THEMES_DIR}/{name}")
}

/// What a source file feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Config,
    /// What import reads: the dumps, and the papers removed for good.
    Digests,
    Content,
    /// Templates or static files, the theme's or the site's.
    Theme,
}

/// Which source a path relative to the site root belongs to, if any
/// (`public/`, `target/`, editor files at the root: none).
pub fn source_of(rel: &Path) -> Option<Source> {
    // In content/, but import's: editing it takes a paper out or back in.
    if rel == Path::new(REMOVED_FILE) {
        return Some(Source::Digests);
    }
    let first = match rel.components().next()? {
        Component::Normal(first) => first.to_str()?,
        _ => return None,
    };
    match first {
        CONFIG_FILE => Some(Source::Config),
        DIGESTS_DIR => Some(Source::Digests),
        CONTENT_DIR => Some(Source::Content),
        THEMES_DIR | TEMPLATES_DIR | STATIC_DIR => Some(Source::Theme),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_pages_and_the_stamp_sit_in_their_parent_folders() {
        assert_eq!(Path::new(PAPERS_DIR).parent(), Some(Path::new(CONTENT_DIR)));
        for file in [
            IMPORT_STAMP,
            BUILD_RECORD,
            LOCK_FILE,
            YEAR_GUESSES,
            IMPORTED_PAGES,
        ] {
            assert_eq!(Path::new(file).parent(), Some(Path::new(CACHE_DIR)));
        }
        assert_eq!(
            Path::new(REMOVED_FILE).parent(),
            Some(Path::new(CONTENT_DIR))
        );
    }

    #[test]
    fn every_source_folder_and_the_config_is_a_source() {
        for dir in SOURCE_DIRS {
            assert!(source_of(&Path::new(dir).join("x")).is_some(), "{dir}");
        }
        assert_eq!(source_of(Path::new(CONFIG_FILE)), Some(Source::Config));
        assert_eq!(
            source_of(Path::new("themes/default/static/s.css")),
            Some(Source::Theme)
        );
        assert_eq!(source_of(Path::new("public/index.html")), None);
        assert_eq!(source_of(Path::new(".gazette/import-stamp")), None);
        assert_eq!(source_of(Path::new("/content/x.md")), None, "absolute");
        assert_eq!(
            source_of(Path::new(REMOVED_FILE)),
            Some(Source::Digests),
            "an edit there imports"
        );
    }
}
