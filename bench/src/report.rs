//! The benchmark's report: one Markdown table per corpus size, ready to
//! paste into docs/performance.md, then the ratios the budgets are stated
//! in, the edit-to-reload latencies and Gazette's own stage times.

use std::fmt::Write as _;
use std::time::Duration;

use crate::schedule::{Outcome, Sample};
use crate::tool::{Scenario, Templates, Tool};

/// Everything measured on one corpus.
#[derive(Debug, Clone, Default)]
pub struct SizeReport {
    pub papers: usize,
    /// Where the corpus sat: `tmpfs at /dev/shm`.
    pub medium: String,
    pub runs: usize,
    pub outcomes: Vec<Outcome>,
    pub latency: Vec<Latency>,
    /// Tools asked for but not measured, and why.
    pub skipped: Vec<String>,
    /// How to reproduce: the command line, the machine, the date.
    pub footer: String,
}

/// The edit-to-reload times of one preview server.
#[derive(Debug, Clone)]
pub struct Latency {
    pub tool: Tool,
    pub times: Vec<Duration>,
}

pub fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let n = sorted.len();
    if n == 0 {
        Duration::ZERO
    } else if !n.is_multiple_of(2) {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}

pub fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 0.9995 {
        format!("{:.0} ms", s * 1000.0)
    } else if s < 99.995 {
        format!("{s:.2} s")
    } else {
        format!("{s:.0} s")
    }
}

/// `1.65–1.80 s`: the fastest and slowest run, one unit.
fn range(samples: &[Duration]) -> String {
    let (Some(low), Some(high)) = (samples.iter().min(), samples.iter().max()) else {
        return "–".to_string();
    };
    if samples.len() < 2 {
        return "–".to_string();
    }
    let (l, h) = (low.as_secs_f64(), high.as_secs_f64());
    if h < 0.9995 {
        format!("{:.0}–{:.0} ms", l * 1000.0, h * 1000.0)
    } else {
        format!("{l:.2}–{h:.2} s")
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

fn mebibytes(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    if mib >= 10_240.0 {
        format!("{:.1} GiB", mib / 1024.0)
    } else {
        format!("{mib:.0} MiB")
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1e6)
}

fn walls(outcome: &Outcome) -> Vec<Duration> {
    outcome.samples.iter().map(|s| s.wall).collect()
}

fn wall(outcome: &Outcome) -> Duration {
    median(&walls(outcome))
}

fn find(
    outcomes: &[Outcome],
    tool: Tool,
    templates: Templates,
    scenario: Scenario,
) -> Option<&Outcome> {
    outcomes
        .iter()
        .find(|o| o.tool == tool && o.templates == templates && o.scenario == scenario)
}

/// The floor a step is compared with: the whole tree (output and pages)
/// for a build from the dumps, which writes both; the output otherwise.
fn floor_of(outcomes: &[Outcome], outcome: &Outcome) -> Option<Duration> {
    let scenario = match (outcome.tool, outcome.scenario) {
        (Tool::Floor, _) => return None,
        (_, Scenario::FromDumps) => Scenario::FloorAll,
        _ => Scenario::FloorPublic,
    };
    find(outcomes, Tool::Floor, outcome.templates, scenario).map(wall)
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.1}×", a.as_secs_f64() / b.as_secs_f64().max(1e-9))
}

fn load_range(samples: &[Sample]) -> String {
    let loads: Vec<f64> = samples.iter().filter_map(|s| s.load).collect();
    let (Some(low), Some(high)) = (
        loads.iter().copied().reduce(f64::min),
        loads.iter().copied().reduce(f64::max),
    ) else {
        return "–".to_string();
    };
    if (high - low).abs() < 0.05 {
        format!("{low:.1}")
    } else {
        format!("{low:.1}–{high:.1}")
    }
}

/// The Markdown for one corpus size.
pub fn table(report: &SizeReport) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "#### {} papers, {}: median of {} interleaved run{}\n",
        thousands(report.papers as u64),
        report.medium,
        report.runs,
        if report.runs == 1 { "" } else { "s" }
    );
    w.push_str(
        "| templates | tool | build | median | range | CPU | × floor | peak RSS | files | MB | written | load |\n\
         |---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for o in &report.outcomes {
        let times = walls(o);
        let cpu: Vec<Duration> = o.samples.iter().filter_map(|s| s.cpu).collect();
        let cpu = if cpu.is_empty() {
            "–".to_string()
        } else {
            seconds(median(&cpu))
        };
        let floor = floor_of(&report.outcomes, o).map_or("–".to_string(), |f| ratio(wall(o), f));
        let rss = o
            .samples
            .iter()
            .filter_map(|s| s.peak_rss)
            .max()
            .map_or("–".to_string(), mebibytes);
        // Cold steps write every file; the others were counted.
        let mut written: Vec<u64> = o.samples.iter().filter_map(|s| s.written).collect();
        written.sort_unstable();
        let written = thousands(
            written
                .get(written.len() / 2)
                .copied()
                .unwrap_or(o.output.files),
        );
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {} | {cpu} | {floor} | {rss} | {} | {} | {written} | {} |",
            o.templates.name(),
            o.tool.name(),
            o.scenario.label(),
            seconds(median(&times)),
            range(&times),
            thousands(o.output.files),
            megabytes(o.output.bytes),
            load_range(&o.samples),
        );
    }
    w.push('\n');
    for line in ratios(&report.outcomes) {
        let _ = writeln!(w, "- {line}");
    }
    if !report.latency.is_empty() {
        let _ = writeln!(
            w,
            "\nEdit to reload (append a line to one paper's page → the live-reload \
             message; each server's defaults, debounce included):\n\n\
             | server | median | range |\n|---|---:|---:|"
        );
        for l in &report.latency {
            let _ = writeln!(
                w,
                "| {} | {} | {} |",
                server_name(l.tool),
                seconds(median(&l.times)),
                range(&l.times)
            );
        }
    }
    let stages = stage_lines(&report.outcomes);
    if !stages.is_empty() {
        w.push_str("\nGazette's own stage times (median):\n\n");
        for line in stages {
            let _ = writeln!(w, "- {line}");
        }
    }
    for skipped in &report.skipped {
        let _ = writeln!(w, "\nNot measured: {skipped}.");
    }
    let _ = writeln!(w, "\n{}", report.footer);
    out
}

fn server_name(tool: Tool) -> &'static str {
    match tool {
        Tool::Gazette => "`gazette serve`",
        Tool::Hugo => "`hugo server`",
        Tool::Zola => "`zola serve`",
        Tool::Floor => "floor",
    }
}

/// The ratios the budgets speak of, per template set: how many times
/// slower Hugo and Zola are than Gazette, and Gazette than the floor.
fn ratios(outcomes: &[Outcome]) -> Vec<String> {
    let mut lines = Vec::new();
    for templates in Templates::ALL {
        let gazette = |scenario| find(outcomes, Tool::Gazette, templates, scenario).map(wall);
        let (Some(dumps), Some(imported)) =
            (gazette(Scenario::FromDumps), gazette(Scenario::Imported))
        else {
            continue;
        };
        let mut parts = Vec::new();
        for anchor in [Tool::Hugo, Tool::Zola] {
            if let Some(cold) = find(outcomes, anchor, templates, Scenario::Cold).map(wall) {
                parts.push(format!(
                    "{} ÷ Gazette {} (from the dumps), {} (pages imported)",
                    anchor.name(),
                    ratio(cold, dumps),
                    ratio(cold, imported)
                ));
            }
        }
        if let Some(floor) = find(outcomes, Tool::Floor, templates, Scenario::FloorAll).map(wall) {
            parts.push(format!(
                "Gazette from the dumps ÷ floor {}",
                ratio(dumps, floor)
            ));
        }
        if let Some(floor) = find(outcomes, Tool::Floor, templates, Scenario::FloorPublic).map(wall)
        {
            parts.push(format!(
                "Gazette, pages imported ÷ floor {}",
                ratio(imported, floor)
            ));
        }
        if let Some(again) = gazette(Scenario::NoChange) {
            for anchor in [Tool::Hugo, Tool::Zola] {
                if let Some(cold) = find(outcomes, anchor, templates, Scenario::Cold).map(wall) {
                    parts.push(format!(
                        "{} cold ÷ Gazette no change {}",
                        anchor.name(),
                        ratio(cold, again)
                    ));
                }
            }
        }
        if !parts.is_empty() {
            lines.push(format!(
                "{} templates: {}.",
                templates.name(),
                parts.join("; ")
            ));
        }
    }
    lines
}

/// Gazette's printed stage times, the median of each stage over runs.
fn stage_lines(outcomes: &[Outcome]) -> Vec<String> {
    let mut lines = Vec::new();
    for o in outcomes.iter().filter(|o| o.tool == Tool::Gazette) {
        let Some(first) = o.samples.first() else {
            continue;
        };
        let stages: Vec<String> = first
            .stages
            .iter()
            .map(|(name, _)| {
                let times: Vec<Duration> = o
                    .samples
                    .iter()
                    .filter_map(|s| s.stages.iter().find(|(n, _)| n == name).map(|(_, d)| *d))
                    .collect();
                format!("{name} {}", seconds(median(&times)))
            })
            .collect();
        if !stages.is_empty() {
            lines.push(format!(
                "{} templates, {}: {}",
                o.templates.name(),
                o.scenario.label(),
                stages.join(", ")
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Size;

    fn outcome(tool: Tool, scenario: Scenario, millis: &[u64]) -> Outcome {
        Outcome {
            tool,
            templates: Templates::Default,
            scenario,
            samples: millis
                .iter()
                .map(|&ms| Sample {
                    wall: Duration::from_millis(ms),
                    cpu: Some(Duration::from_millis(ms * 2)),
                    peak_rss: Some(200 * 1024 * 1024),
                    load: Some(1.5),
                    written: (scenario == Scenario::NoChange).then_some(0),
                    stages: vec![("render".to_string(), Duration::from_millis(ms / 2))],
                })
                .collect(),
            output: Size {
                files: 13_857,
                bytes: 147_422_357,
            },
        }
    }

    fn report() -> SizeReport {
        SizeReport {
            papers: 10_000,
            medium: "tmpfs at /dev/shm".into(),
            runs: 3,
            outcomes: vec![
                outcome(Tool::Gazette, Scenario::FromDumps, &[1700, 1800, 1750]),
                outcome(Tool::Gazette, Scenario::Imported, &[800, 760, 780]),
                outcome(Tool::Gazette, Scenario::NoChange, &[90, 100, 95]),
                outcome(Tool::Floor, Scenario::FloorAll, &[250, 240, 260]),
                outcome(Tool::Floor, Scenario::FloorPublic, &[200, 190, 210]),
                outcome(Tool::Hugo, Scenario::Cold, &[1900, 1850, 1800]),
            ],
            latency: vec![Latency {
                tool: Tool::Hugo,
                times: vec![Duration::from_millis(500), Duration::from_millis(510)],
            }],
            skipped: vec!["Zola: `zola` is not on PATH".into()],
            footer: "Measured by `cargo bench-site run`.".into(),
        }
    }

    #[test]
    fn each_row_shows_median_range_cpu_floor_ratio_memory_output_and_load() {
        let text = table(&report());
        assert!(
            text.contains(
                "| default | Gazette | cold, from the dumps | 1.75 s | 1.70–1.80 s | 3.50 s | 7.0× \
                 | 200 MiB | 13,857 | 147.4 | 13,857 | 1.5 |"
            ),
            "{text}"
        );
        // No change: compared with the floor of the output alone; 0 written.
        assert!(
            text.contains("| default | Gazette | no change | 95 ms | 90–100 ms | 190 ms | 0.5× |"),
            "{text}"
        );
        assert!(text.contains("| 13,857 | 147.4 | 0 | 1.5 |"), "{text}");
        assert!(
            text.contains(
                "| default | floor | output + pages | 250 ms | 240–260 ms | 500 ms | – |"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_ratios_the_budgets_name_are_spelt_out() {
        let text = table(&report());
        assert!(
            text.contains(
                "default templates: Hugo ÷ Gazette 1.1× (from the dumps), 2.4× (pages imported); \
                 Gazette from the dumps ÷ floor 7.0×; Gazette, pages imported ÷ floor 3.9×; \
                 Hugo cold ÷ Gazette no change 19.5×."
            ),
            "{text}"
        );
    }

    #[test]
    fn latency_stages_skipped_tools_and_the_footer_are_reported() {
        let text = table(&report());
        assert!(
            text.contains("| `hugo server` | 505 ms | 500–510 ms |"),
            "{text}"
        );
        assert!(
            text.contains("- default templates, cold, from the dumps: render 875 ms"),
            "{text}"
        );
        assert!(
            text.contains("Not measured: Zola: `zola` is not on PATH."),
            "{text}"
        );
        assert!(
            text.contains("Measured by `cargo bench-site run`."),
            "{text}"
        );
    }

    #[test]
    fn a_single_run_has_no_range_and_a_platform_without_rusage_shows_dashes() {
        let mut r = report();
        r.runs = 1;
        r.outcomes = vec![outcome(Tool::Hugo, Scenario::Cold, &[1900])];
        for s in &mut r.outcomes[0].samples {
            s.cpu = None;
            s.peak_rss = None;
            s.load = None;
        }
        let text = table(&r);
        assert!(text.contains("median of 1 interleaved run\n"), "{text}");
        assert!(
            text.contains("| default | Hugo | cold | 1.90 s | – | – | – | – | 13,857 |"),
            "{text}"
        );
    }

    #[test]
    fn times_round_to_their_unit_without_printing_1000_ms() {
        let ms = Duration::from_millis;
        assert_eq!(seconds(ms(999)), "999 ms");
        assert_eq!(seconds(Duration::from_micros(999_700)), "1.00 s");
        assert_eq!(seconds(ms(17_600)), "17.60 s");
        assert_eq!(seconds(ms(273_400)), "273 s");
        assert_eq!(range(&[ms(25), ms(164)]), "25–164 ms");
        assert_eq!(range(&[ms(570), ms(1640)]), "0.57–1.64 s");
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(5), ms(1), ms(3)]), ms(3));
        assert_eq!(median(&[ms(4), ms(2)]), ms(3));
        assert_eq!(median(&[]), Duration::ZERO);
    }
}
