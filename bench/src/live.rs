//! Edit to reload: each generator's preview server (`gazette serve`,
//! `hugo server`, `zola serve`) runs on the same papers; the benchmark
//! connects to its live-reload WebSocket as a browser would, appends a
//! line to one paper's page, and times until the reload message arrives.
//! That includes each server's own debounce, as a person sees it. The
//! servers run side by side and the edits are interleaved, order rotated.

use std::fs;
use std::io::{ErrorKind, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tungstenite::{Message, WebSocket};

use crate::tool::Tool;

/// How to start one preview server.
#[derive(Debug)]
pub struct ServerSpec {
    pub tool: Tool,
    pub command: Command,
    pub port: u16,
    /// The live-reload WebSocket's path (`/livereload`).
    pub socket_path: String,
    /// A page to request once before the edits, as an open browser tab
    /// would: Hugo's fast render re-renders the pages that were visited.
    pub visit: Option<String>,
}

/// A free TCP port on 127.0.0.1 (the OS picks it; it is free again when
/// the probe closes, for the server to take).
pub fn free_port() -> anyhow::Result<u16> {
    let probe = TcpListener::bind(("127.0.0.1", 0)).context("cannot find a free port")?;
    Ok(probe.local_addr()?.port())
}

/// How long a server may take to build the site before it listens.
const START_TIMEOUT: Duration = Duration::from_secs(1800);
/// How long one edit may take to show.
const RELOAD_TIMEOUT: Duration = Duration::from_secs(600);
/// How long `gazette serve` may take to send the search index's message
/// after an edit's reload (none comes when the index is the same).
const INDEX_TIMEOUT: Duration = Duration::from_secs(120);
/// Pause between connection attempts while a server starts (pacing: the
/// server is ready when its socket accepts the WebSocket handshake).
const POLL: Duration = Duration::from_millis(100);
/// Pause after each reload before the next edit, so every edit is a
/// rebuild of its own (pacing).
pub const SETTLE: Duration = Duration::from_millis(500);
/// A handshake refused by a listening server is retried this often
/// (it may still be starting), then reported.
const HANDSHAKE_RETRIES: usize = 50;

/// A running server, connected to its live reload; killed when dropped.
pub struct Server {
    pub tool: Tool,
    child: Child,
    socket: WebSocket<TcpStream>,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.socket.close(None);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts the server (its output into `log`) and connects once it
    /// accepts the live-reload handshake.
    pub fn start(mut spec: ServerSpec, log: &Path) -> anyhow::Result<Server> {
        let log_file = fs::File::create(log).context("cannot create the server's log")?;
        let mut child = spec
            .command
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .with_context(|| format!("cannot start {}", spec.command.get_program().display()))?;
        let url = format!("ws://127.0.0.1:{}{}", spec.port, spec.socket_path);
        let deadline = Instant::now() + START_TIMEOUT;
        let mut refused_handshakes = 0;
        let socket = loop {
            if let Some(status) = child.try_wait()? {
                bail!(
                    "{} exited ({status}) before serving; its output:\n{}",
                    spec.tool.name(),
                    tail(log)
                );
            }
            let error = match TcpStream::connect(("127.0.0.1", spec.port)) {
                Ok(stream) => match tungstenite::client(url.as_str(), stream) {
                    Ok((socket, _)) => break socket,
                    Err(e) => {
                        refused_handshakes += 1;
                        format!("the live-reload handshake at {url} failed: {e}")
                    }
                },
                Err(e) => format!("cannot connect to port {}: {e}", spec.port),
            };
            if Instant::now() > deadline || refused_handshakes > HANDSHAKE_RETRIES {
                let _ = child.kill();
                let _ = child.wait();
                bail!("{}: {error}; its output:\n{}", spec.tool.name(), tail(log));
            }
            std::thread::sleep(POLL);
        };
        let mut server = Server {
            tool: spec.tool,
            child,
            socket,
            log: log.to_path_buf(),
        };
        // The LiveReload protocol's greeting (Hugo and Zola answer it;
        // Gazette's socket ignores it).
        server
            .socket
            .send(Message::text(
                r#"{"command":"hello","protocols":["http://livereload.com/protocols/official-7"]}"#,
            ))
            .context("cannot greet the live-reload socket")?;
        if let Some(path) = &spec.visit {
            get(spec.port, path)?;
        }
        Ok(server)
    }

    /// Appends a line to `page` and times until the reload message.
    pub fn edit(&mut self, page: &Path, run: usize) -> anyhow::Result<Duration> {
        self.drain()?;
        let started = Instant::now();
        append_note(page, run)?;
        self.wait_for("reload", started, RELOAD_TIMEOUT)
    }

    /// [`Server::edit`] for `gazette serve`, which tells browsers twice
    /// after a notes edit: the reload once the pages are up to date, then
    /// `data` once the search index follows. Waits for both, so the next
    /// edit meets an idle server, and counts the CPU the server spent
    /// (all its threads) from the edit to the reload.
    pub fn edit_gazette(&mut self, page: &Path, run: usize) -> anyhow::Result<EditTimes> {
        self.drain()?;
        let cpu = cpu_time(self.child.id());
        let started = Instant::now();
        append_note(page, run)?;
        let reload = self.wait_for("reload", started, RELOAD_TIMEOUT)?;
        let cpu = match (cpu, cpu_time(self.child.id())) {
            (Some(before), Some(after)) => after.checked_sub(before),
            _ => None,
        };
        // The index's message is `data`, or a reload when a page changed
        // after all, or none when its files came out the same.
        let index = self.wait_for("\"type\"", started, INDEX_TIMEOUT).ok();
        Ok(EditTimes { reload, cpu, index })
    }

    /// Reads until a text message containing `word`; the time since `started`.
    fn wait_for(
        &mut self,
        word: &str,
        started: Instant,
        timeout: Duration,
    ) -> anyhow::Result<Duration> {
        self.socket.get_mut().set_read_timeout(Some(timeout))?;
        loop {
            match self.socket.read() {
                Ok(Message::Text(text)) if text.contains(word) => return Ok(started.elapsed()),
                Ok(Message::Close(_)) => bail!(
                    "{} closed the live-reload socket; its output:\n{}",
                    self.tool.name(),
                    tail(&self.log)
                ),
                Ok(_) => continue,
                Err(e) => bail!(
                    "{}: no {word} message after an edit ({e}); its output:\n{}",
                    self.tool.name(),
                    tail(&self.log)
                ),
            }
        }
    }

    /// Reads and drops what the server already sent (the greeting's
    /// answer, a second message for the last edit), so that the next
    /// edit is timed to its own reload.
    fn drain(&mut self) -> anyhow::Result<()> {
        self.socket
            .get_mut()
            .set_read_timeout(Some(Duration::from_millis(50)))?;
        loop {
            match self.socket.read() {
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
                {
                    return Ok(());
                }
                Err(e) => bail!("{}: the live-reload socket failed: {e}", self.tool.name()),
            }
        }
    }
}

/// One edit through `gazette serve` ([`Server::edit_gazette`]).
#[derive(Debug, Clone, Copy)]
pub struct EditTimes {
    /// From the edit to the reload message.
    pub reload: Duration,
    /// The server's CPU time (user + system, all threads) meanwhile, where
    /// `/proc` tells it.
    pub cpu: Option<Duration>,
    /// From the edit to the message that the search index followed, if
    /// one came.
    pub index: Option<Duration>,
}

/// The CPU time process `pid` has used so far, summed over its threads
/// (`/proc/PID/task/*/schedstat`, nanoseconds on a CPU); `None` off Linux.
fn cpu_time(pid: u32) -> Option<Duration> {
    let mut total = 0u64;
    for task in fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let stat = fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

/// Appends a line to the page's body: a real edit a person would make,
/// the same in every generator's copy of the page.
pub fn append_note(page: &Path, run: usize) -> anyhow::Result<()> {
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(page)
        .with_context(|| format!("cannot edit {}", page.display()))?;
    writeln!(file, "\nBenchmark note {run}.").context("cannot edit the page")?;
    Ok(())
}

/// A plain HTTP GET, reading the whole answer.
fn get(port: u16, path: &str) -> anyhow::Result<()> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(RELOAD_TIMEOUT))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    if !answer.starts_with(b"HTTP/1.1 200") {
        let head = String::from_utf8_lossy(&answer[..answer.len().min(200)]).into_owned();
        bail!("GET {path} did not answer 200: {head}");
    }
    Ok(())
}

/// The last lines of a log, for error messages.
fn tail(log: &Path) -> String {
    let text = fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// Edits each server's copy of the page `runs` times, servers in an order
/// rotated every round; returns each server's latencies, in `servers`
/// order.
pub fn measure(
    servers: &mut [(Server, PathBuf)],
    runs: usize,
) -> anyhow::Result<Vec<Vec<Duration>>> {
    let mut times = vec![Vec::new(); servers.len()];
    for run in 0..runs {
        for k in 0..servers.len() {
            let i = (k + run) % servers.len();
            let (server, page) = &mut servers[i];
            eprintln!(
                "bench: edit to reload {}/{runs}: {}",
                run + 1,
                server.tool.name()
            );
            times[i].push(server.edit(page, run)?);
            std::thread::sleep(SETTLE);
        }
    }
    Ok(times)
}

/// `gazette-bench latency`: edit to reload through `gazette serve` alone,
/// on a site made already (`gen`; built or not), without the rest of
/// `run`: `runs` edits of its first paper, each time to the reload and to
/// the search index after, and the server's CPU; then the medians.
pub fn gazette_only(exe: &Path, site: &Path, runs: usize, log: &Path) -> anyhow::Result<()> {
    let slug = crate::run::first_slug(site)?;
    let page = site
        .join(gazette::layout::PAPERS_DIR)
        .join(format!("{slug}.md"));
    let spec = crate::tool::gazette::server(exe, site, free_port()?);
    eprintln!(
        "bench: starting gazette serve (its output in {})",
        log.display()
    );
    let mut server = Server::start(spec, log)?;
    let mut all = Vec::new();
    for run in 0..runs {
        let times = server.edit_gazette(&page, run)?;
        let cpu = times.cpu.map_or("–".into(), |c| format!("{:.0} ms", ms(c)));
        let index = times
            .index
            .map_or("–".into(), |i| format!("{:.0} ms", ms(i)));
        println!(
            "edit {}/{runs}: reload {:.0} ms (CPU {cpu}), search index {index}",
            run + 1,
            ms(times.reload),
        );
        all.push(times);
        std::thread::sleep(SETTLE);
    }
    let median = |pick: fn(&EditTimes) -> Option<Duration>| {
        let samples: Vec<Duration> = all.iter().filter_map(pick).collect();
        match samples.is_empty() {
            true => "–".to_string(),
            false => format!("{:.0} ms", ms(crate::report::median(&samples))),
        }
    };
    println!(
        "median of {runs}: reload {}, CPU {}, search index {}",
        median(|t| Some(t.reload)),
        median(|t| t.cpu),
        median(|t| t.index)
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
