//! Timing a child process: wall time from start to exit, the CPU time it
//! used and its peak resident memory. Shared by every tool.

use std::fs;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// One timed run of a child process.
#[derive(Debug, Clone, Copy)]
pub struct Timed {
    pub elapsed: Duration,
    /// User plus system CPU time of the child and the threads it waited
    /// for: less disturbed than wall time by other work on the machine.
    /// `None` where the platform does not report it (everything but Unix).
    pub cpu: Option<Duration>,
    /// Peak resident set size in bytes; `None` where the platform does
    /// not report it.
    pub peak_rss: Option<u64>,
}

/// Runs `command` with stdin and stdout closed and stderr into `log`;
/// returns its wall time and peak memory. Fails, with the child's stderr,
/// if it exits unsuccessfully.
pub fn time_child(command: &mut Command, log: &Path) -> anyhow::Result<Timed> {
    let log_file = fs::File::create(log).context("cannot create the child's log")?;
    let started = Instant::now();
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file)
        .spawn()
        .with_context(|| format!("cannot start {}", command.get_program().display()))?;
    let (status, usage) = wait_with_usage(child)?;
    let elapsed = started.elapsed();
    if !status.success() {
        let text = fs::read_to_string(log).unwrap_or_default();
        let args: Vec<String> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        bail!(
            "`{} {}` failed ({status}):\n{text}",
            command.get_program().display(),
            args.join(" ")
        );
    }
    Ok(Timed {
        elapsed,
        cpu: usage.map(|u| u.cpu),
        peak_rss: usage.map(|u| u.peak_rss),
    })
}

/// What `wait4` reports about a child besides its exit status.
#[derive(Debug, Clone, Copy)]
struct Usage {
    cpu: Duration,
    peak_rss: u64,
}

/// Waits for the child with `wait4`, which also reports its CPU time and
/// peak resident set size (`ru_maxrss`).
#[cfg(unix)]
fn wait_with_usage(child: Child) -> anyhow::Result<(ExitStatus, Option<Usage>)> {
    use std::os::unix::process::ExitStatusExt as _;

    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data that wait4 fills in; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our own un-reaped child (std never waited on it),
        // and both pointers point to live, writable locals.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error).context("wait4 on the benchmark child failed");
        }
    }
    // The child is reaped: dropping the handle neither waits nor kills.
    drop(child);
    // ru_maxrss is in KiB on Linux and the BSDs, in bytes on Apple's systems.
    let units = usage.ru_maxrss.max(0) as u64;
    let bytes = if cfg!(target_vendor = "apple") {
        units
    } else {
        units * 1024
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    let usage = Usage {
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        peak_rss: bytes,
    };
    Ok((ExitStatus::from_raw(status), Some(usage)))
}

/// Without `wait4` there is no portable CPU time or peak memory: wait,
/// report none.
#[cfg(not(unix))]
fn wait_with_usage(mut child: Child) -> anyhow::Result<(ExitStatus, Option<Usage>)> {
    let status = child.wait().context("waiting for the benchmark child")?;
    Ok((status, None))
}

pub fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        fs::remove_dir_all(path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn script(dir: &Path, body: &str) -> std::path::PathBuf {
        let path = dir.join("child.sh");
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        Command::new("chmod").arg("+x").arg(&path).status().unwrap();
        path
    }

    #[cfg(unix)]
    #[test]
    fn a_child_that_fails_is_reported_with_its_output_and_command() {
        let tmp = tempfile::tempdir().unwrap();
        let child = script(tmp.path(), "echo boom >&2; exit 3");
        let err =
            time_child(Command::new(&child).arg("--root"), &tmp.path().join("log")).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("boom"), "{message}");
        assert!(message.contains("child.sh --root"), "{message}");
        assert!(message.contains('3'), "exit code named: {message}");
    }

    #[cfg(unix)]
    #[test]
    fn cpu_time_and_peak_memory_of_a_child_are_measured() {
        let tmp = tempfile::tempdir().unwrap();
        let child = script(
            tmp.path(),
            "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done",
        );
        let timed = time_child(&mut Command::new(&child), &tmp.path().join("log")).unwrap();
        assert!(timed.peak_rss.is_some_and(|bytes| bytes > 0), "{timed:?}");
        assert!(
            timed.cpu.is_some_and(|cpu| cpu > Duration::ZERO),
            "{timed:?}"
        );
    }
}
