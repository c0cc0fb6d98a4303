//! Fault injection for the output writer, so tests can stop a build at any
//! step of writing and check what it leaves (tests/faults.rs).
//!
//! Every change the writer makes to the file system (a file written, a
//! link, a folder made, a rename, the swap, a removal) is one numbered
//! step. `GAZETTE_FAULT` (read once, by `DirWriter::open`) holds any of,
//! comma-separated:
//!
//! - `trace`: print `gazette: fault: step N: <what> <path>` to stderr
//!   before each step (a test reading stderr can kill the build at a known
//!   point without sleeping);
//! - `abort-after:N`: abort the process (no clean-up, like `kill -9`)
//!   instead of taking step N+1;
//! - `enospc-after:N`: fail every step after N that allocates space
//!   (writes, links, folders) as a full disk would;
//! - `no-swap`: act as if the folders could not be swapped, so the
//!   file-by-file fallback runs (it is otherwise only reached on other
//!   systems or file systems).
//!
//! Unset, it costs one atomic increment per step.

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The variable tests set.
pub const VAR: &str = "GAZETTE_FAULT";

/// What one step does, for the trace and for which steps can run out of space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Write,
    Link,
    Folder,
    Rename,
    Swap,
    Remove,
}

impl Step {
    fn allocates(self) -> bool {
        matches!(self, Step::Write | Step::Link | Step::Folder)
    }
}

#[derive(Debug, Default)]
pub struct Fault {
    trace: bool,
    /// Take the file-by-file fallback instead of the swap.
    pub no_swap: bool,
    abort_after: Option<usize>,
    enospc_after: Option<usize>,
    steps: AtomicUsize,
}

impl Fault {
    /// From [`VAR`]; unknown words are ignored (a test names what it wants).
    pub fn from_env() -> Fault {
        std::env::var(VAR)
            .map(|v| Fault::parse(&v))
            .unwrap_or_default()
    }

    pub fn parse(spec: &str) -> Fault {
        let mut fault = Fault::default();
        for word in spec.split(',').map(str::trim) {
            let number = |prefix: &str| word.strip_prefix(prefix).and_then(|n| n.parse().ok());
            if word == "trace" {
                fault.trace = true;
            } else if word == "no-swap" {
                fault.no_swap = true;
            } else if let Some(n) = number("abort-after:") {
                fault.abort_after = Some(n);
            } else if let Some(n) = number("enospc-after:") {
                fault.enospc_after = Some(n);
            }
        }
        fault
    }

    /// Called before each step: counts it, and traces, aborts or fails it
    /// as asked.
    pub fn step(&self, step: Step, path: &Path) -> io::Result<()> {
        let n = self.steps.fetch_add(1, Ordering::Relaxed) + 1;
        if self.trace {
            eprintln!("gazette: fault: step {n}: {step:?} {}", path.display());
        }
        if self.abort_after.is_some_and(|after| n > after) {
            std::process::abort();
        }
        if step.allocates() && self.enospc_after.is_some_and(|after| n > after) {
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "no space left on device (injected by GAZETTE_FAULT)",
            ));
        }
        Ok(())
    }

    /// Steps taken so far.
    pub fn steps(&self) -> usize {
        self.steps.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_names_the_faults_and_counts_every_step() {
        let fault = Fault::parse("trace, enospc-after:2, nonsense");
        assert!(fault.trace && !fault.no_swap);
        assert!(Fault::parse("no-swap").no_swap);
        assert_eq!(fault.enospc_after, Some(2));
        assert_eq!(fault.abort_after, None);
        let p = Path::new("x");
        assert!(fault.step(Step::Write, p).is_ok());
        assert!(fault.step(Step::Remove, p).is_ok());
        assert!(fault.step(Step::Remove, p).is_ok(), "removing frees space");
        let err = fault.step(Step::Link, p).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        assert_eq!(fault.steps(), 4);
    }
}
