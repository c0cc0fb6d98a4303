//! Replacing a file atomically: readers (a browser, an editor, the next
//! build) see the old file or the new one, never half of either.

use std::io::{self, Write};
use std::path::Path;

/// Temporary files start with this, so the watcher can ignore them and a
/// person can tell whose they are.
pub const TEMP_PREFIX: &str = ".gazette-";

/// Whether a file name is one of [`write`]'s temporary files: the prefix
/// and six letters or digits (`tempfile`'s default). A process killed
/// between creating it and renaming it leaves it behind; the next import or
/// build removes it (never anything else: `.gazette-manifest` is longer).
pub fn is_temp_name(name: &str) -> bool {
    name.strip_prefix(TEMP_PREFIX)
        .is_some_and(|rest| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over
/// `path`. The file keeps the permissions it had (a page the person made
/// group-writable stays so); a new file gets what `fs::write` would give
/// it (0666 less the umask), not a temporary file's 0600. The error is the
/// file system's; callers name the path.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let kept = std::fs::metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The mode asked for at creation: the umask applies, as for any new file.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(parent)?;
    temp.write_all(bytes)?;
    if let Some(permissions) = kept {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.md");
        std::fs::write(&path, "old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["page.md"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_usual_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |name: &str| {
            std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        let path = dir.path().join("page.md");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(mode("page.md"), 0o664);
        std::fs::write(dir.path().join("plain"), "x").unwrap();
        write(&dir.path().join("fresh.md"), b"x").unwrap();
        assert_eq!(mode("fresh.md"), mode("plain"), "as fs::write makes it");
    }

    #[test]
    fn temporary_names_are_recognised_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir.path())
            .unwrap();
        let name = temp.path().file_name().unwrap().to_str().unwrap();
        assert!(is_temp_name(name), "{name}");
        for other in [
            ".gazette-manifest",
            ".gazette-staging",
            ".gazette-",
            "gazette-abcdef",
        ] {
            assert!(!is_temp_name(other), "{other}");
        }
    }

    #[test]
    fn a_missing_folder_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let err = write(&dir.path().join("nope/page.md"), b"x").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
