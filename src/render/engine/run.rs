//! Running a list of jobs in parallel, each file to the sink as it is made.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::{Bytes, Env, JobError, Keyed, Pass, RenderError};
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
            // The first write error is the render's; the job stops there.
            let mut failed = false;
            let mut fail = |e: Diagnostic| {
                failed = true;
                stopped.store(true, Ordering::Relaxed);
                let mut first = write_error
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                first.get_or_insert(e);
            };
            let mut made = 0;
            if job.work.streams() {
                let mut streamed = |out: &mut dyn std::io::Write| {
                    // Called only for a job that `streams()`, which writes.
                    (job.work.write(env, &job.url, out)).unwrap_or(Ok(()))
                };
                made = 1;
                if let Err(e) = sink.put_stream(&job.file, key, &mut streamed) {
                    fail(e);
                }
            } else {
                // Each file goes to the sink as it is made.
                let mut put = |path: String, bytes: Bytes| {
                    made += 1;
                    sink.put(&path, key, bytes).map_err(|e| {
                        fail(e);
                        Diagnostic::error(&path, 0, "the output stopped taking files")
                    })
                };
                let ran = job.work.run(env, &job.url, &mut put);
                if !failed {
                    ran.map_err(|d| (d, job.url.clone()))?;
                }
            }
            if failed {
                return Ok(Outcome::Stopped);
            }
            Ok(Outcome::Rendered(made))
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
