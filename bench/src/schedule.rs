//! Interleaving: every round runs each tool's steps once, tools in an
//! order rotated by one each round, so a slow spell on a shared machine
//! lands on every tool alike instead of on whichever ran then. A tool's
//! own steps keep their order within a round (each leaves its site as the
//! next needs it: Gazette's cold build imports the pages its next step
//! starts from).

use std::fs;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;

use crate::machine;
use crate::measure::{remove_if_present, time_child};
use crate::tool::{Scenario, Step, Templates, Tool, gazette};
use crate::tree;

/// One timed run of a step.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    pub wall: Duration,
    pub cpu: Option<Duration>,
    pub peak_rss: Option<u64>,
    /// The 1-minute load average just before the run.
    pub load: Option<f64>,
    /// Files the run created or replaced, for steps that start from an
    /// existing output; `None` for cold steps (they write every file).
    pub written: Option<u64>,
    /// The stage times the tool printed (Gazette only).
    pub stages: Vec<(String, Duration)>,
}

/// Every run of one step, and what its output holds.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub tool: Tool,
    pub templates: Templates,
    pub scenario: Scenario,
    pub samples: Vec<Sample>,
    pub output: tree::Size,
}

/// Runs `runs` rounds of `lanes` (one lane per tool and template set: its
/// steps in order), rotated; returns one outcome per step, lanes' order.
pub fn run(lanes: &[Vec<Step>], runs: usize, logs: &Path) -> anyhow::Result<Vec<Outcome>> {
    fs::create_dir_all(logs).with_context(|| format!("cannot create {}", logs.display()))?;
    let mut outcomes: Vec<Vec<Outcome>> = lanes
        .iter()
        .map(|lane| {
            lane.iter()
                .map(|step| Outcome {
                    tool: step.tool,
                    templates: step.templates,
                    scenario: step.scenario,
                    samples: Vec::new(),
                    output: tree::Size::default(),
                })
                .collect()
        })
        .collect();
    for round in 0..runs {
        for k in 0..lanes.len() {
            let l = (k + round) % lanes.len();
            for (step, outcome) in lanes[l].iter().zip(&mut outcomes[l]) {
                let log = logs.join(format!(
                    "{}-{}-{:?}.log",
                    step.tool.name(),
                    step.templates.name(),
                    step.scenario
                ));
                let sample = run_step(step, &log)?;
                eprintln!(
                    "bench: round {}/{runs}: {} ({} templates), {}: {:.3} s",
                    round + 1,
                    step.tool.name(),
                    step.templates.name(),
                    step.scenario.label(),
                    sample.wall.as_secs_f64()
                );
                outcome.samples.push(sample);
                if round == 0 {
                    outcome.output = tree::size(&step.output);
                }
            }
        }
    }
    Ok(outcomes.into_iter().flatten().collect())
}

fn run_step(step: &Step, log: &Path) -> anyhow::Result<Sample> {
    for path in &step.clear {
        remove_if_present(path)?;
    }
    machine::flush_disks();
    let before = step.count_written.then(|| tree::snapshot(&step.output));
    let load = machine::load_average();
    let timed = time_child(&mut step.command(), log)?;
    let written = before.map(|snapshot| snapshot.written_since(&step.output));
    let stages = if step.tool == Tool::Gazette {
        gazette::stages_from_log(&fs::read_to_string(log).unwrap_or_default())
    } else {
        Vec::new()
    };
    Ok(Sample {
        wall: timed.elapsed,
        cpu: timed.cpu,
        peak_rss: timed.peak_rss,
        load,
        written,
        stages,
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A step that appends its name to `order` and writes one file.
    fn step(tmp: &Path, name: &str, scenario: Scenario) -> Step {
        let out = tmp.join(format!("out-{name}"));
        Step {
            tool: Tool::Hugo,
            templates: Templates::Default,
            scenario,
            program: PathBuf::from("sh"),
            args: crate::tool::args([
                "-c".to_string(),
                format!(
                    "echo {name} >> '{}' && mkdir -p '{}' && echo x > '{}/f'",
                    tmp.join("order").display(),
                    out.display(),
                    out.display()
                ),
            ]),
            clear: vec![out.clone()],
            output: out,
            count_written: scenario == Scenario::Again,
        }
    }

    #[test]
    fn rounds_rotate_the_lanes_and_keep_each_lanes_steps_in_order() {
        let tmp = tempfile::tempdir().unwrap();
        let lanes = vec![
            vec![
                step(tmp.path(), "a1", Scenario::Cold),
                step(tmp.path(), "a2", Scenario::Again),
            ],
            vec![step(tmp.path(), "b", Scenario::Cold)],
            vec![step(tmp.path(), "c", Scenario::Cold)],
        ];
        let outcomes = run(&lanes, 3, &tmp.path().join("logs")).unwrap();
        let order = fs::read_to_string(tmp.path().join("order")).unwrap();
        let order: Vec<&str> = order.lines().collect();
        assert_eq!(
            order,
            [
                "a1", "a2", "b", "c", "b", "c", "a1", "a2", "c", "a1", "a2", "b"
            ]
        );
        assert_eq!(outcomes.len(), 4);
        assert!(outcomes.iter().all(|o| o.samples.len() == 3));
        assert_eq!(outcomes[0].output, tree::Size { files: 1, bytes: 2 });
        // Cold steps do not count; a step over an existing output does.
        assert_eq!(outcomes[0].samples[0].written, None);
        assert!(outcomes[1].samples.iter().all(|s| s.written.is_some()));
    }
}
