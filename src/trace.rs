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
