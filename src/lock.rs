//! One writer at a time per site: `build`, `import` and each `serve`
//! rebuild hold [`LOCK_FILE`] while they write pages, the output folder or
//! `.gazette/`. The lock is the operating system's (`flock` on Unix), so it
//! goes away with the process, however it ends.

use std::fs::{self, File, TryLockError};
use std::io::{self, Write};
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::layout::LOCK_FILE;

/// Held until dropped.
#[derive(Debug)]
pub struct SiteLock {
    _file: Option<File>,
}

impl SiteLock {
    /// Takes the lock, or says who holds it. `what` names this command in
    /// the lock file (`build`), for the message another one prints.
    pub fn acquire(root: &Path, what: &str) -> Result<SiteLock, Diagnostic> {
        SiteLock::take(root, what, false)
    }

    /// Takes the lock, waiting for whoever holds it (`serve` waits for a
    /// `gazette build` to finish rather than fail).
    pub fn wait(root: &Path, what: &str) -> Result<SiteLock, Diagnostic> {
        SiteLock::take(root, what, true)
    }

    fn take(root: &Path, what: &str, wait: bool) -> Result<SiteLock, Diagnostic> {
        let path = root.join(LOCK_FILE);
        let error = |message: String| Diagnostic::error(LOCK_FILE, 0, message);
        let open = || -> io::Result<File> {
            // Not `create_dir_all`: a site folder deleted meanwhile must
            // not come back as an empty one.
            if let Some(dir) = path.parent()
                && let Err(e) = fs::create_dir(dir)
                && e.kind() != io::ErrorKind::AlreadyExists
            {
                return Err(e);
            }
            fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
        };
        let mut file = match open() {
            Ok(file) => file,
            // A read-only site can still be built elsewhere (`--output`);
            // nothing else can write it then either.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
                ) =>
            {
                return Ok(SiteLock { _file: None });
            }
            Err(e) => return Err(error(format!("cannot open the site's lock: {e}"))),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) if wait => {
                eprintln!(
                    "{}: waiting for {} to finish",
                    LOCK_FILE,
                    holder(&path).unwrap_or_else(|| "another gazette".into())
                );
                file.lock()
                    .map_err(|e| error(format!("cannot lock the site: {e}")))?;
            }
            Err(TryLockError::WouldBlock) => {
                return Err(error(format!(
                    "{} is writing this site; wait for it to finish (two at once could \
                     mix their output)",
                    holder(&path).unwrap_or_else(|| "another gazette".into())
                )));
            }
            Err(TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {
                return Ok(SiteLock { _file: None });
            }
            Err(TryLockError::Error(e)) => {
                return Err(error(format!("cannot lock the site: {e}")));
            }
        }
        // Who holds it, for the message above (best effort).
        let _ = file.set_len(0);
        let _ = writeln!(file, "gazette {what} (process {})", std::process::id());
        Ok(SiteLock { _file: Some(file) })
    }
}

/// `gazette build (process 123)`, from the lock file.
fn holder(path: &Path) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| line.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_with_who_holds_the_lock_until_it_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = SiteLock::acquire(dir.path(), "build").unwrap();
        let err = SiteLock::acquire(dir.path(), "import").unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(".gazette/lock: error: gazette build (process "),
            "{text}"
        );
        assert!(text.contains("is writing this site"), "{text}");
        drop(first);
        SiteLock::acquire(dir.path(), "import").unwrap();
    }
}
