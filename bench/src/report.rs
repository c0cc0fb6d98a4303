//! The benchmark's report: the figures per corpus size and the Markdown
//! table `run` prints (docs/performance.md quotes it).

use std::time::Duration;

use crate::run::SEED;

/// The figures for one corpus size.
#[derive(Debug, Clone, Default)]
pub struct SizeResult {
    pub papers: usize,
    pub cold: Duration,
    pub rebuild: Duration,
    /// Peak resident memory of the cold build, bytes (max over runs);
    /// `None` where the platform does not report it.
    pub peak_rss: Option<u64>,
    /// HTML files in the output.
    pub html_pages: usize,
    pub hugo: Option<Duration>,
    /// In-process time per stage: cold, then no-change (one run each).
    pub stages_cold: Vec<(&'static str, Duration)>,
    pub stages_rebuild: Vec<(&'static str, Duration)>,
}

/// How the edit-to-reload latency was measured.
#[derive(Debug, Clone)]
pub struct Latency {
    pub papers: usize,
    pub median: Duration,
    /// `serve` (file edit → WebSocket reload message) or the in-process fallback.
    pub method: &'static str,
}

pub fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The Markdown table docs/performance.md quotes, plus how it was measured.
pub fn table(results: &[SizeResult], latency: Option<&Latency>, runs: usize) -> String {
    let mut out = String::new();
    out.push_str("| papers | HTML pages | cold build | no-change rebuild | peak RSS | pages/s | Hugo | Hugo / Gazette |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in results {
        let pages_per_second = r.html_pages as f64 / r.cold.as_secs_f64().max(1e-9);
        let (hugo, ratio) = match r.hugo {
            Some(h) => (
                seconds(h),
                format!("{:.1}×", h.as_secs_f64() / r.cold.as_secs_f64().max(1e-9)),
            ),
            None => ("–".to_string(), "–".to_string()),
        };
        let peak_rss = r.peak_rss.map_or("–".to_string(), |bytes| {
            format!("{} MiB", bytes / (1024 * 1024))
        });
        out.push_str(&format!(
            "| {} | {} | {} | {} | {peak_rss} | {} | {hugo} | {ratio} |\n",
            thousands(r.papers as u64),
            thousands(r.html_pages as u64),
            seconds(r.cold),
            seconds(r.rebuild),
            thousands(pages_per_second as u64),
        ));
    }
    out.push('\n');
    if let Some(l) = latency {
        out.push_str(&format!(
            "Edit to reload, {} papers: {} (median of {runs}; {}).\n",
            thousands(l.papers as u64),
            seconds(l.median),
            l.method
        ));
    }
    out.push_str("\nIn-process stage times, cold / no-change (one run each):\n\n");
    for r in results {
        let stages: Vec<String> = r
            .stages_cold
            .iter()
            .map(|(name, cold)| {
                let again = r
                    .stages_rebuild
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or("–".to_string(), |(_, d)| seconds(*d));
                format!("{name} {} / {again}", seconds(*cold))
            })
            .collect();
        out.push_str(&format!(
            "- {} papers: {}\n",
            thousands(r.papers as u64),
            stages.join(", ")
        ));
    }
    out.push('\n');
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    out.push_str(&format!(
        "Median of {runs} run(s) on {cores} cores; `cargo bench-site run` (seed {SEED}); \
         cold = no content/papers and no public/ (import + render + write); \
         peak RSS = the cold build's maximum resident set.\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result() -> SizeResult {
        SizeResult {
            papers: 10_000,
            cold: Duration::from_millis(500),
            rebuild: Duration::from_millis(100),
            peak_rss: Some(200 * 1024 * 1024),
            html_pages: 20_000,
            hugo: Some(Duration::from_secs(5)),
            stages_cold: vec![("import", Duration::from_millis(300))],
            stages_rebuild: vec![("import", Duration::from_millis(30))],
        }
    }

    #[test]
    fn table_rows_show_every_figure_and_the_hugo_ratio() {
        let text = table(&[result()], None, 3);
        assert!(
            text.contains(
                "| 10,000 | 20,000 | 500 ms | 100 ms | 200 MiB | 40,000 | 5.00 s | 10.0× |"
            ),
            "{text}"
        );
        assert!(
            text.contains("- 10,000 papers: import 300 ms / 30 ms"),
            "{text}"
        );
    }

    #[test]
    fn a_platform_without_peak_memory_shows_a_dash_not_zero() {
        let r = SizeResult {
            peak_rss: None,
            hugo: None,
            ..result()
        };
        let text = table(&[r], None, 3);
        assert!(
            text.contains("| 10,000 | 20,000 | 500 ms | 100 ms | – | 40,000 | – | – |"),
            "{text}"
        );
    }

    #[test]
    fn the_footer_names_the_command_that_reproduces_it() {
        let text = table(&[result()], None, 3);
        assert!(text.contains("`cargo bench-site run` (seed 1)"), "{text}");
    }
}
