//! Running a list of jobs in parallel, each file to the sink as it is made.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::{Env, JobError, Keyed, Pass, RenderError};
use crate::diagnostic::Diagnostic;
use crate::output::Sink;

/// Runs `jobs` in parallel (see [`render_all`]), handing their files to
/// `sink`; the first write error stops every job not yet started (a full
/// disk must not cost the rest of the render first) and is the error.
/// Each job comes with its key.
pub(super) fn run_jobs(
    env: &Env,
    jobs: &[Keyed],
    sink: &dyn Sink,
    pass: Pass,
) -> Result<Vec<Result<Outcome, JobError>>, RenderError> {
    let stopped = AtomicBool::new(false);
    let write_error: Mutex<Option<Diagnostic>> = Mutex::new(None);
    let results = jobs
        .par_iter()
        .map(|&(job, key)| {
            if stopped.load(Ordering::Relaxed) {
                return Ok(Outcome::Stopped);
            }
            if job.work.one_file() && sink.keep(&job.file, key) {
                return Ok(Outcome::Kept(1));
            }
            if !job.work.one_file() {
                let kept = sink.keep_all(key);
                if kept > 0 {
                    return Ok(Outcome::Kept(kept));
                }
                if pass == Pass::PagesFirst {
                    // Its files lie under its URL's folder (`RenderFiles`).
                    let folder = job.url.rsplit_once('/').map_or("", |(f, _)| f);
                    sink.defer(&format!("{folder}/"));
                    return Ok(Outcome::Deferred);
                }
            }
            let mut streamed = |out: &mut dyn std::io::Write| {
                // Called only for a job that `streams()`, which writes.
                (job.work.write(env, &job.url, out)).unwrap_or(Ok(()))
            };
            let files = if job.work.streams() {
                vec![(job.file.clone(), None)]
            } else {
                (job.work.run(env, &job.url))
                    .map_err(|d| (d, job.url.clone()))?
                    .into_iter()
                    .map(|(path, bytes)| (path, Some(bytes)))
                    .collect()
            };
            let n = files.len();
            for (path, bytes) in files {
                let put = match bytes {
                    Some(bytes) => sink.put(&path, key, bytes),
                    None => sink.put_stream(&path, key, &mut streamed),
                };
                if let Err(e) = put {
                    stopped.store(true, Ordering::Relaxed);
                    let mut first = write_error
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    first.get_or_insert(e);
                    return Ok(Outcome::Stopped);
                }
            }
            Ok(Outcome::Rendered(n))
        })
        .collect();
    match write_error
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        Some(e) => Err(RenderError::Output(e)),
        None => Ok(results),
    }
}

/// What became of one job.
pub(super) enum Outcome {
    /// The sink still had its file from the last render with this key.
    Kept(usize),
    /// Rendered, making this many files.
    Rendered(usize),
    /// Left for the next render ([`Pass::PagesFirst`]).
    Deferred,
    /// Not run: a write failed first.
    Stopped,
}
