//! The floor: what writing Gazette's output costs with nothing else to do.
//!
//! After an untimed Gazette build, [`write_plan`] records every file of
//! its output (and of its pages in `content/`): path and size. The timed
//! step is this benchmark's own binary, `gazette-bench floor --plan PLAN
//! OUT`, which writes exactly those files, the way a fast writer would:
//! each folder made once (one level at a time, in parallel within a
//! level), then every file written in parallel from one buffer. No
//! reading, parsing or rendering: a generator cannot write the same files
//! faster on this machine, so "× floor" is how far a build is from it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rayon::prelude::*;

use super::{Scenario, Step, Templates, Tool, args};
use crate::tree::{self, PlannedFile};

/// Records the files under each `(prefix, folder)` into the plan file
/// `plan`: one `size<TAB>prefix/path` line per file. Returns how many.
pub fn write_plan(roots: &[(&str, &Path)], plan: &Path) -> anyhow::Result<usize> {
    let mut files = Vec::new();
    for (prefix, dir) in roots {
        files.extend(tree::plan(dir, prefix)?);
    }
    let mut text = String::with_capacity(files.len() * 64);
    for file in &files {
        writeln!(text, "{}\t{}", file.size, file.path).expect("writing to a String");
    }
    fs::write(plan, text).with_context(|| format!("cannot write {}", plan.display()))?;
    Ok(files.len())
}

pub fn read_plan(plan: &Path) -> anyhow::Result<Vec<PlannedFile>> {
    let text =
        fs::read_to_string(plan).with_context(|| format!("cannot read {}", plan.display()))?;
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let parsed = line.split_once('\t').and_then(|(size, path)| {
                let safe = !path.is_empty()
                    && !path.starts_with('/')
                    && path.split('/').all(|part| !part.is_empty() && part != "..");
                Some(PlannedFile {
                    size: size.parse().ok()?,
                    path: path.to_string(),
                })
                .filter(|_| safe)
            });
            parsed.with_context(|| {
                format!(
                    "{}:{}: not `size<TAB>relative/path`: {line:?}",
                    plan.display(),
                    i + 1
                )
            })
        })
        .collect()
}

/// Writes the planned files under `out`, which must not exist yet.
pub fn write_tree(files: &[PlannedFile], out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        bail!(
            "{} exists; the floor writes into a new folder",
            out.display()
        );
    }
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    // Every folder once, parents before children: by depth, in parallel
    // within one depth.
    let mut levels: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for file in files {
        let mut end = 0;
        while let Some(slash) = file.path[end..].find('/') {
            end += slash;
            let dir = &file.path[..end];
            if seen.insert(dir) {
                levels
                    .entry(dir.matches('/').count())
                    .or_default()
                    .push(dir);
            }
            end += 1;
        }
    }
    for dirs in levels.values() {
        dirs.par_iter().try_for_each(|dir| {
            let path = out.join(dir);
            fs::create_dir(&path).with_context(|| format!("cannot create {}", path.display()))
        })?;
    }
    let largest = files.iter().map(|f| f.size).max().unwrap_or(0);
    let filler = vec![b'x'; usize::try_from(largest).context("a planned file is too big")?];
    files.par_iter().try_for_each(|file| {
        let path = out.join(&file.path);
        fs::write(&path, &filler[..file.size as usize])
            .with_context(|| format!("cannot write {}", path.display()))
    })
}

/// The plan files of one Gazette build, made by [`plans`].
#[derive(Debug, Clone)]
pub struct Plans {
    /// `public/...` and `content/...`.
    pub all: PathBuf,
    /// `public/...` only.
    pub public: PathBuf,
}

/// Plans of the Gazette site at `site` (built): into `dir`.
pub fn plans(
    site: &Path,
    output: &Path,
    dir: &Path,
    templates: Templates,
) -> anyhow::Result<Plans> {
    let plans = Plans {
        all: dir.join(format!("floor-{}-all.plan", templates.name())),
        public: dir.join(format!("floor-{}-public.plan", templates.name())),
    };
    let content = site.join(gazette::layout::CONTENT_DIR);
    write_plan(&[("public", output), ("content", &content)], &plans.all)?;
    write_plan(&[("public", output)], &plans.public)?;
    Ok(plans)
}

/// The floor's steps: write output and pages, then the output alone, each
/// into a fresh folder under `work`.
pub fn steps(bench: &Path, plans: &Plans, work: &Path, templates: Templates) -> Vec<Step> {
    [
        (Scenario::FloorAll, &plans.all),
        (Scenario::FloorPublic, &plans.public),
    ]
    .into_iter()
    .map(|(scenario, plan)| {
        let out = work.join(format!("floor-{}", templates.name()));
        Step {
            tool: Tool::Floor,
            templates,
            scenario,
            program: bench.to_path_buf(),
            args: args([
                "floor".into(),
                "--plan".into(),
                plan.clone().into_os_string(),
                out.clone().into_os_string(),
            ]),
            clear: vec![out.clone()],
            output: out,
            count_written: false,
        }
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_writes_exactly_the_planned_paths_and_sizes() {
        let tmp = tempfile::tempdir().unwrap();
        let source = tmp.path().join("source");
        for (path, size) in [
            ("index.html", 10),
            ("papers/a/index.html", 3),
            ("papers/b/index.html", 0),
            ("tags/x/page/2/index.html", 7),
        ] {
            let path = source.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "y".repeat(size)).unwrap();
        }
        let plan = tmp.path().join("plan");
        assert_eq!(write_plan(&[("public", &source)], &plan).unwrap(), 4);
        let out = tmp.path().join("out");
        write_tree(&read_plan(&plan).unwrap(), &out).unwrap();
        assert_eq!(
            tree::plan(&out.join("public"), "public").unwrap(),
            tree::plan(&source, "public").unwrap()
        );
    }

    #[test]
    fn a_plan_line_that_could_escape_the_folder_is_refused_with_its_line() {
        let tmp = tempfile::tempdir().unwrap();
        let plan = tmp.path().join("plan");
        fs::write(&plan, "3\tpublic/a.html\n4\tpublic/../../etc/x\n").unwrap();
        let err = read_plan(&plan).unwrap_err().to_string();
        assert!(err.contains(":2:"), "{err}");
        fs::write(&plan, "x\tpublic/a.html\n").unwrap();
        assert!(read_plan(&plan).is_err());
    }

    #[test]
    fn the_floor_refuses_to_write_into_an_existing_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let err = write_tree(&[], tmp.path()).unwrap_err().to_string();
        assert!(err.contains("exists"), "{err}");
    }
}
