//! Helpers shared by the end-to-end tests.

use std::fs;
use std::path::Path;

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of this repository's sample site (config, dumps, pages, theme).
pub fn sample_site() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    fs::copy(repo.join("config.toml"), dir.path().join("config.toml")).unwrap();
    for sub in ["digests", "content", "themes"] {
        copy_dir(&repo.join(sub), &dir.path().join(sub));
    }
    dir
}
