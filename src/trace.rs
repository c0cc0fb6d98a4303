//! Where a rebuild's time goes, finer than the stages the console shows:
//! with `GAZETTE_TRACE=1`, `serve` prints one `trace:` line per rebuild
//! with the time of each step in µs (docs/performance.md). Off, a mark is
//! one load of a flag.
//!
//! Marks are kept per thread: a rebuild runs on one thread (its parallel
//! parts inside a mark), so the marks of one rebuild are that thread's.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// The environment variable that turns tracing on.
pub const VAR: &str = "GAZETTE_TRACE";

static ON: LazyLock<bool> =
    LazyLock::new(|| std::env::var_os(VAR).is_some_and(|v| !v.is_empty() && v != "0"));

thread_local! {
    static MARKS: RefCell<Vec<(Cow<'static, str>, Duration)>> = const { RefCell::new(Vec::new()) };
}

/// Whether tracing is on.
pub fn on() -> bool {
    *ON
}

/// Records that `step` took the time since `since`; returns now, to time
/// the next step from.
pub fn mark(step: &'static str, since: Instant) -> Instant {
    let now = Instant::now();
    if on() {
        MARKS.with(|m| m.borrow_mut().push((step.into(), now - since)));
    }
    now
}

/// Records a step timed elsewhere.
pub fn record(step: impl Into<Cow<'static, str>>, took: Duration) {
    if on() {
        MARKS.with(|m| m.borrow_mut().push((step.into(), took)));
    }
}

/// This thread's marks since the last call, as `step 123 µs, ...`, and
/// clears them; `None` when tracing is off.
pub fn take() -> Option<String> {
    if !on() {
        return None;
    }
    let marks = MARKS.with(|m| std::mem::take(&mut *m.borrow_mut()));
    Some(format(&marks))
}

fn format(marks: &[(Cow<'static, str>, Duration)]) -> String {
    let parts: Vec<String> = (marks.iter())
        .map(|(step, took)| format!("{step} {} µs", took.as_micros()))
        .collect();
    parts.join(", ")
}

/// The environment variable that turns memory marks on (Linux only).
pub const MEMORY_VAR: &str = "GAZETTE_MEMORY";

static MEMORY_ON: LazyLock<bool> =
    LazyLock::new(|| std::env::var_os(MEMORY_VAR).is_some_and(|v| !v.is_empty() && v != "0"));

/// With `GAZETTE_MEMORY=1`, prints to stderr, for the stage since the
/// last mark: the process's peak resident memory (`VmHWM`), what is
/// resident at its end (`VmRSS`), its wall time and the CPU time of all
/// threads in it, as `memory: <stage> peak N MiB, after M MiB, W ms, CPU
/// C ms` (CPU near twice wall: both cores busy); then resets the peak so
/// the next mark reports its own stage (docs/performance.md § Memory).
/// Resetting the peak also lowers the one the kernel reports for the
/// whole process (`time -v`): measure that with the marks off. Linux
/// only; off, one load of a flag.
pub fn memory(stage: &str) {
    if !*MEMORY_ON {
        return;
    }
    static LAST: std::sync::Mutex<Option<(Instant, u64)>> = std::sync::Mutex::new(None);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        (status.lines())
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    // utime and stime, fields 14 and 15, in clock ticks (100 a second).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = (after_name.split_whitespace().skip(11).take(2))
        .filter_map(|t| t.parse::<u64>().ok())
        .sum();
    let now = (Instant::now(), ticks * 10);
    let mut last = LAST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (since, cpu_since) = last.unwrap_or(now);
    *last = Some(now);
    eprintln!(
        "memory: {stage} peak {} MiB, after {} MiB, {} ms, CPU {} ms",
        field("VmHWM:"),
        field("VmRSS:"),
        (now.0 - since).as_millis(),
        now.1 - cpu_since,
    );
    // "5" resets the peak to what is resident now (proc(5)).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_read_as_steps_in_microseconds_in_order() {
        let marks = [
            ("read".into(), Duration::from_micros(12)),
            ("plan".into(), Duration::from_millis(3)),
        ];
        assert_eq!(format(&marks), "read 12 µs, plan 3000 µs");
    }
}
