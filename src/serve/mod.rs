//! `gazette serve`: the output map served from memory, rebuilt on change,
//! with live reload.
//!
//! Three parts: [`http`] answers requests from the current [`Snapshot`],
//! [`watch`] turns file system events into batches of changed paths, and a
//! rebuild thread (the pipeline is synchronous) runs the [`Builder`] on each
//! batch, swaps in the new snapshot and tells browsers through [`reload`].

pub mod guard;
pub mod http;
pub mod listen;
pub mod reload;
pub mod watch;

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::get;
use tokio::sync::broadcast;

use crate::diagnostic::{Diagnostic, printable};
use crate::layout::LIVE_RELOAD;
use crate::lock::SiteLock;
use crate::output::Output;
use crate::pipeline::{BuildFailure, BuildOptions, BuildReport, Builder};
use crate::trace;

use reload::Message;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root (holds config.toml).
    pub root: PathBuf,
    /// Address to bind, `127.0.0.1` by default.
    pub bind: String,
    /// Port; 0 picks a free one.
    pub port: u16,
}

/// What is served right now: the last good output, and the overlay of the
/// last build when it failed. Replaced whole, never changed in place, and
/// each request answers from the one it took: a response never mixes two
/// builds.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub output: Arc<Output>,
    pub overlay: Option<String>,
}

/// State shared by the request handlers and the rebuild thread.
pub struct Shared {
    current: RwLock<Arc<Snapshot>>,
    events: broadcast::Sender<Message>,
    /// The host names requests may name.
    hosts: guard::Hosts,
    limits: listen::Limits,
    /// One permit per live-reload socket open.
    websockets: Arc<tokio::sync::Semaphore>,
}

impl Shared {
    /// Answering loopback names only, within the default limits.
    pub fn new(snapshot: Snapshot) -> Shared {
        Shared::with(snapshot, guard::Hosts::default(), listen::Limits::default())
    }

    pub fn with(snapshot: Snapshot, hosts: guard::Hosts, limits: listen::Limits) -> Shared {
        Shared {
            current: RwLock::new(Arc::new(snapshot)),
            events: broadcast::channel(64).0,
            hosts,
            limits,
            websockets: Arc::new(tokio::sync::Semaphore::new(limits.max_websockets)),
        }
    }

    /// The snapshot a request is answered from (one per request).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(
            &self
                .current
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    fn replace(&self, snapshot: Snapshot) {
        let old = std::mem::replace(
            &mut *self
                .current
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            Arc::new(snapshot),
        );
        // The last holder of an output frees 17,000 files at 10,000 papers:
        // not on the way to the browser's reload. An output the render
        // cache still holds (its spare, patched by the next edit) costs
        // nothing to let go, and is let go now, so that it can be patched.
        if Arc::strong_count(&old) == 1 && Arc::strong_count(&old.output) == 1 {
            let _ = std::thread::Builder::new()
                .name("gazette-free".into())
                .spawn(move || drop(old));
        }
    }

    /// Sends a message to every connected browser.
    pub fn broadcast(&self, message: Message) {
        // No browser connected is not an error.
        let _ = self.events.send(message);
    }

    /// Takes in the result of a build: a good one replaces the served
    /// output and clears the overlay, a failed one keeps the output and sets
    /// the overlay. `after_pages`: the build's pages were published already
    /// ([`Shared::publish_pages`]), only the rest (the search index) is new.
    /// Returns what browsers were told, if anything.
    pub fn publish(
        &self,
        result: &Result<BuildReport, BuildFailure>,
        output: Arc<Output>,
        after_pages: bool,
    ) -> Option<Message> {
        let old = self.snapshot();
        let message = match result {
            Ok(_) => {
                let message = if after_pages {
                    reload::rest_message(&old.output, &output)
                } else {
                    reload::change_message(&old.output, &output)
                };
                self.replace(Snapshot {
                    output,
                    overlay: None,
                });
                // The overlay must go even when no byte of the site changed.
                if old.overlay.is_some() {
                    Some(Message::Reload)
                } else {
                    message
                }
            }
            Err(failure) => {
                self.replace(Snapshot {
                    output: Arc::clone(&old.output),
                    overlay: Some(reload::overlay_html(failure.diagnostics())),
                });
                Some(Message::Reload)
            }
        };
        if let Some(message) = &message {
            self.broadcast(message.clone());
        }
        message
    }

    /// Takes in the output of a build whose pages are done while the files
    /// made from the whole site (the search index) are still the last
    /// build's: browsers reload now, not after the index.
    pub fn publish_pages(&self, output: Arc<Output>) -> Option<Message> {
        self.publish(&Ok(BuildReport::default()), output, false)
    }
}

/// The router: the live reload socket, everything else from the snapshot;
/// a request naming a host the server does not answer to gets 403.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(LIVE_RELOAD, get(reload::websocket))
        .fallback(serve_file)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            check_host,
        ))
        .with_state(shared)
}

async fn check_host(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let host = request
        .headers()
        .get(axum::http::header::HOST)
        .map(|h| h.to_str().unwrap_or("\u{fffd}"));
    if shared.hosts.allows(host) {
        return next.run(request).await;
    }
    http::refuse(
        axum::http::StatusCode::FORBIDDEN,
        "this preview answers to localhost only (127.0.0.1, [::1], *.localhost); \
         serve with --bind NAME to use another name\n",
    )
}

async fn serve_file(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let snapshot = shared.snapshot();
    let uri = request.uri();
    let target = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    http::respond(&snapshot, request.method(), target)
}

/// Builds, serves and watches until interrupted. An error names what it is
/// about: the site folder, or the address.
pub fn run(options: ServeOptions) -> Result<(), Diagnostic> {
    let root_error =
        |message: String| Diagnostic::error(options.root.display().to_string(), 0, message);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| root_error(format!("cannot start the server's runtime: {e}")))?;
    runtime.block_on(serve(options))
}

async fn serve(options: ServeOptions) -> Result<(), Diagnostic> {
    let root_error =
        |message: String| Diagnostic::error(options.root.display().to_string(), 0, message);
    let listener = bind(&options.bind, options.port).await?;
    let local = listener
        .local_addr()
        .map_err(|e| root_error(format!("cannot serve: {e}")))?;
    let url = site_url(local);
    let root = options.root.canonicalize().unwrap_or(options.root.clone());

    let shared = Arc::new(Shared::with(
        Snapshot::default(),
        guard::Hosts::for_bind(&options.bind),
        listen::Limits::default(),
    ));
    let mut rebuilder = Rebuilder {
        builder: Builder::new(BuildOptions {
            root: root.clone(),
            base_url: Some(url.clone()),
            import: true,
        }),
        shared: Arc::clone(&shared),
        root: root.clone(),
        warned: HashSet::new(),
    };
    let rebuilder = tokio::task::spawn_blocking(move || {
        rebuilder.rebuild(None, "first build");
        rebuilder
    })
    .await
    .map_err(|e| root_error(format!("the first build stopped: {e}")))?;

    let (watcher, events) = watch::Watcher::start(&root)
        .map_err(|e| root_error(format!("cannot watch for changes: {e}")))?;
    std::thread::Builder::new()
        .name("gazette-rebuild".into())
        .spawn(move || rebuild_loop(rebuilder, watcher, events))
        .map_err(|e| root_error(format!("cannot start the rebuild thread: {e}")))?;

    if let Some(warning) = network_warning(local) {
        eprintln!("{warning}");
        eprintln!("serving at {url} (listening on {local})");
    } else {
        eprintln!("serving at {url}");
    }
    let limits = shared.limits;
    let counts = Arc::new(listen::Counts::default());
    listen::serve(listener, router(shared), limits, counts, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}

/// A preview bound beyond loopback is readable from the network: say so,
/// and with every interface, that any host name is answered.
fn network_warning(local: SocketAddr) -> Option<Diagnostic> {
    let ip = local.ip();
    let port = local.port();
    let message = if ip.is_unspecified() {
        format!(
            "listening on every network interface ({local}): anyone who can reach this \
             machine on port {port} can read the preview, under any host name"
        )
    } else if !ip.is_loopback() {
        format!(
            "listening on {local}: anyone who can reach that address on port {port} can \
             read the preview"
        )
    } else {
        return None;
    };
    Some(Diagnostic::warning("--bind", 0, message))
}

/// Listens on `host:port`; an error is about that address.
async fn bind(host: &str, port: u16) -> Result<tokio::net::TcpListener, Diagnostic> {
    let shown = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    tokio::net::TcpListener::bind((host, port))
        .await
        .map_err(|e| {
            let message = if e.kind() == std::io::ErrorKind::AddrInUse {
                "cannot listen: the address is already in use (another server running?); \
                 choose another port with --port, or --port 0 to pick a free one"
                    .to_string()
            } else {
                format!("cannot listen: {e}")
            };
            Diagnostic::error(shown, 0, message)
        })
}

/// `http://127.0.0.1:PORT/`; an unspecified bind address (0.0.0.0, ::) is
/// shown as loopback, which is where a local browser reaches it.
pub fn site_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    match ip {
        IpAddr::V4(ip) => format!("http://{ip}:{}/", addr.port()),
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", addr.port()),
    }
}

/// Waits for batches of changes and rebuilds after each; runs until the
/// watcher's channel closes.
fn rebuild_loop(mut rebuilder: Rebuilder, mut watcher: watch::Watcher, events: watch::Events) {
    let root = rebuilder.root.clone();
    let mut root_gone = false;
    loop {
        let received = events.recv_timeout(Duration::from_secs(1));
        if matches!(received, Err(RecvTimeoutError::Disconnected)) {
            return;
        }
        // Deleting the site folder sends nothing we can rely on: look.
        if root.is_dir() == root_gone {
            root_gone = !root_gone;
            if root_gone {
                eprintln!(
                    "serve: {} was deleted; still serving the last good site \
                     (restore the folder to pick up changes again)",
                    printable(&root.display().to_string())
                );
            } else {
                eprintln!(
                    "serve: {} is back; rebuilding",
                    printable(&root.display().to_string())
                );
                if let Err(e) = watcher.rewatch_all() {
                    eprintln!(
                        "serve: cannot watch {}: {e}",
                        printable(&root.display().to_string())
                    );
                }
                rebuilder.rebuild(None, "site folder restored");
            }
        }
        let Ok(first) = received else { continue };
        let gathered = watch::gather(&events, &root, first, &watch::Timing::default());
        for e in &gathered.errors {
            eprintln!("serve: watching for changes: {e}");
        }
        let paths = gathered.paths;
        if gathered.rescan {
            // The watcher lost events: what changed is unknown.
            refresh_watches(&mut watcher, &[]);
            if root.is_dir() {
                rebuilder.rebuild(None, "the watcher lost events; everything");
            }
            continue;
        }
        if paths.is_empty() {
            continue;
        }
        let replaced = watcher.top_level_dirs(&paths);
        refresh_watches(&mut watcher, &replaced);
        if !root.is_dir() {
            continue; // reported above on the next turn
        }
        let what = format!("{} changed", describe_changes(&root, &paths));
        if let Some(seen) = gathered.first_seen {
            trace::record("gather", seen.elapsed());
        }
        rebuilder.rebuild(Some(&paths), &what);
    }
}

fn refresh_watches(watcher: &mut watch::Watcher, replaced: &[PathBuf]) {
    if let Err(e) = watcher.refresh(replaced) {
        eprintln!("serve: cannot watch a source folder: {e}");
    }
}

/// The builder and what the console has already shown.
struct Rebuilder {
    builder: Builder,
    shared: Arc<Shared>,
    root: PathBuf,
    /// Warnings printed before: each is printed once per session, so a
    /// digest with 60 undated entries does not flood every rebuild.
    warned: HashSet<Diagnostic>,
}

impl Rebuilder {
    /// Builds (`None`: everything), prints the outcome, serves the result.
    fn rebuild(&mut self, paths: Option<&[PathBuf]>, what: &str) {
        let started = Instant::now();
        let shared = Arc::clone(&self.shared);
        let mut pages_at = None;
        let mut pages = |output: Arc<Output>| {
            let t = Instant::now();
            shared.publish_pages(output);
            trace::mark("publish pages", t);
            pages_at = Some(started.elapsed());
        };
        // Imports write pages: never while a `gazette build` or `import`
        // does (this waits for it).
        // A full build (the first) has no page a browser waits for.
        let early = paths
            .is_some()
            .then_some(&mut pages as &mut dyn FnMut(Arc<Output>));
        let result = match SiteLock::wait(&self.root, "serve") {
            Ok(_lock) => {
                trace::mark("lock", started);
                build_guarded(&mut self.builder, paths, early)
            }
            Err(e) => Err(BuildFailure::Sources(vec![e])),
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        match &result {
            Ok(report) => {
                let repeated = self.print_new_warnings(&report.diagnostics);
                if let Some(summary) = &report.import_summary {
                    eprintln!("import: {summary}");
                }
                let mut line = format!(
                    "{what}: {} rendered, {} reused in {ms:.0} ms",
                    report.rendered, report.reused
                );
                if let Some(at) = pages_at {
                    let at = at.as_secs_f64() * 1000.0;
                    line.push_str(&format!(" (pages shown after {at:.0} ms)"));
                }
                line.push_str(&format!(" [{}]", stage_times(&report.stages)));
                if repeated > 0 {
                    line.push_str(&format!(" ({repeated} warnings as before)"));
                }
                eprintln!("{line}");
            }
            Err(failure) => {
                // Errors are printed every time: they are what to fix now.
                for d in failure.diagnostics() {
                    eprintln!("{d}");
                }
                eprintln!(
                    "{what}: build failed with {} error(s) in {ms:.0} ms; \
                     still serving the last good site",
                    failure.diagnostics().len()
                );
            }
        }
        let t = Instant::now();
        self.shared
            .publish(&result, self.builder.output(), pages_at.is_some());
        trace::mark("publish", t);
        if let Some(steps) = trace::take() {
            eprintln!("trace: {steps}");
        }
    }

    /// Prints the warnings not shown before; returns how many were repeats.
    fn print_new_warnings(&mut self, diagnostics: &[Diagnostic]) -> usize {
        let mut repeated = 0;
        for d in diagnostics {
            if self.warned.insert(d.clone()) {
                eprintln!("{d}");
            } else {
                repeated += 1;
            }
        }
        repeated
    }
}

/// Runs a build; a panic in the pipeline (a bug) becomes a failed build
/// instead of silently ending the rebuild thread. The builder is replaced,
/// since its caches may be half updated; `publish` keeps serving the last
/// good output.
fn build_guarded(
    builder: &mut Builder,
    paths: Option<&[PathBuf]>,
    pages: Option<&mut dyn FnMut(Arc<Output>)>,
) -> Result<BuildReport, BuildFailure> {
    let result = catch_panic(|| match pages {
        Some(pages) => builder.build_pages_first(paths, pages),
        None => builder.build(paths),
    });
    if matches!(result, Err(BuildFailure::Internal(_))) {
        *builder = Builder::new(builder.options().clone());
    }
    result
}

/// A panic in `run` as [`BuildFailure::Internal`]. Its message is about no
/// file of the site, so it is the program's: `gazette: error: ...`.
fn catch_panic<T>(run: impl FnOnce() -> Result<T, BuildFailure>) -> Result<T, BuildFailure> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown panic");
            Err(BuildFailure::Internal(Diagnostic::error(
                "gazette",
                0,
                format!(
                    "internal error, please report it: {message}; \
                     the next change rebuilds everything"
                ),
            )))
        }
    }
}

/// `load 4 ms, render 21 ms`: where a rebuild's time went.
fn stage_times(stages: &[(&str, Duration)]) -> String {
    let times: Vec<String> = (stages.iter())
        .map(|(name, t)| format!("{name} {:.0} ms", t.as_secs_f64() * 1000.0))
        .collect();
    times.join(", ")
}

/// `content/papers/x.md` for one path, `3 files` for more.
pub fn describe_changes(root: &Path, paths: &[PathBuf]) -> String {
    match paths {
        [one] => {
            printable(&one.strip_prefix(root).unwrap_or(one).display().to_string()).into_owned()
        }
        many => format!("{} files", many.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[(&str, &str)]) -> Arc<Output> {
        Arc::new(Output::from_texts(files))
    }

    fn failed(message: &str) -> Result<BuildReport, BuildFailure> {
        Err(BuildFailure::Sources(vec![Diagnostic::error(
            "templates/page.html",
            4,
            message,
        )]))
    }

    #[test]
    fn a_failed_build_keeps_the_site_and_shows_the_overlay_until_a_good_one() {
        let shared = Shared::new(Snapshot::default());
        let mut browser = shared.events.subscribe();
        let v1 = output(&[("index.html", "v1")]);
        assert_eq!(
            shared.publish(&Ok(BuildReport::default()), Arc::clone(&v1), false),
            Some(Message::Reload)
        );
        assert_eq!(browser.try_recv().unwrap(), Message::Reload);

        // The builder hands back the last good output on failure.
        assert_eq!(
            shared.publish(&failed("oops"), Arc::clone(&v1), false),
            Some(Message::Reload)
        );
        let now = shared.snapshot();
        assert_eq!(now.output, v1);
        assert!(now.overlay.as_deref().unwrap().contains("oops"));

        // Fixed without changing a byte of output: the overlay still goes.
        assert_eq!(
            shared.publish(&Ok(BuildReport::default()), Arc::clone(&v1), false),
            Some(Message::Reload)
        );
        assert!(shared.snapshot().overlay.is_none());
        // And an unchanged rebuild after that tells nobody anything.
        assert_eq!(shared.publish(&Ok(BuildReport::default()), v1, false), None);
    }

    #[test]
    fn a_css_only_change_is_broadcast_as_a_stylesheet_swap() {
        let shared = Shared::new(Snapshot {
            output: output(&[("index.html", "a"), ("style.css", "x")]),
            overlay: None,
        });
        let message = shared.publish(
            &Ok(BuildReport::default()),
            output(&[("index.html", "a"), ("style.css", "y")]),
            false,
        );
        assert_eq!(message, Some(Message::Css(vec!["style.css".into()])));
    }

    /// A notes edit: the paper's page is shown first, the search index
    /// follows; a browser reloads once, and a search page again.
    #[test]
    fn pages_reload_browsers_first_and_the_search_index_after_reloads_only_its_readers() {
        let before = [
            ("papers/a/index.html", "old notes"),
            ("search/index.json", "[1]"),
            ("search/t/x1.json", "old"),
        ];
        let shared = Shared::new(Snapshot {
            output: output(&before),
            overlay: None,
        });
        let mut browser = shared.events.subscribe();
        let pages = output(&[
            ("papers/a/index.html", "new notes"),
            ("search/index.json", "[1]"),
            ("search/t/x1.json", "old"),
        ]);
        assert_eq!(
            shared.publish_pages(Arc::clone(&pages)),
            Some(Message::Reload)
        );
        assert_eq!(shared.snapshot().output, pages, "served before the index");
        let all = output(&[
            ("papers/a/index.html", "new notes"),
            ("search/index.json", "[2]"),
            ("search/t/x2.json", "new"),
        ]);
        let message = shared.publish(&Ok(BuildReport::default()), Arc::clone(&all), true);
        let data = Message::Data(vec!["search/".into(), "search/t/".into()]);
        assert_eq!(message, Some(data.clone()));
        assert_eq!(browser.try_recv().unwrap(), Message::Reload);
        assert_eq!(browser.try_recv().unwrap(), data);
        assert!(browser.try_recv().is_err(), "one reload for the page");
        assert_eq!(shared.snapshot().output, all);

        // Something a page shows changed in the second step after all.
        let page = output(&[
            ("papers/a/index.html", "newer"),
            ("search/index.json", "[3]"),
            ("search/t/x2.json", "new"),
        ]);
        let message = shared.publish(&Ok(BuildReport::default()), page, true);
        assert_eq!(message, Some(Message::Reload));
    }

    #[test]
    fn a_panic_in_the_pipeline_becomes_a_failed_build_not_a_dead_thread() {
        let result: Result<(), BuildFailure> = catch_panic(|| panic!("index out of bounds"));
        let BuildFailure::Internal(error) = result.unwrap_err() else {
            panic!("a panic is an internal failure, not an error in the sources");
        };
        assert!(error.is_error());
        assert!(
            error.to_string().starts_with(
                "gazette: error: internal error, please report it: index out of bounds"
            ),
            "{error}"
        );
    }

    #[test]
    fn an_error_in_the_sources_keeps_the_builder_and_its_last_output() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(crate::layout::CONFIG_FILE),
            "title = \"T\"\n",
        )
        .unwrap();
        let mut builder = Builder::new(BuildOptions {
            root: dir.path().to_path_buf(),
            base_url: None,
            import: false,
        });
        build_guarded(&mut builder, None, None).unwrap();
        let built = builder.output();
        assert!(!built.files.is_empty());
        // Only a panic makes a new builder (with no output yet).
        std::fs::write(dir.path().join(crate::layout::CONFIG_FILE), "title = = 1\n").unwrap();
        assert!(matches!(
            build_guarded(&mut builder, None, None),
            Err(BuildFailure::Sources(_))
        ));
        assert!(Arc::ptr_eq(&builder.output(), &built));
    }

    #[test]
    fn warnings_are_printed_once_per_session_and_counted_after() {
        let mut rebuilder = Rebuilder {
            builder: Builder::new(BuildOptions::default()),
            shared: Arc::new(Shared::new(Snapshot::default())),
            root: PathBuf::from("/site"),
            warned: HashSet::new(),
        };
        let w = |line| Diagnostic::warning("digests/a.txt", line, "no date");
        assert_eq!(rebuilder.print_new_warnings(&[w(1), w(2)]), 0);
        assert_eq!(rebuilder.print_new_warnings(&[w(1), w(3)]), 1);
        assert_eq!(rebuilder.print_new_warnings(&[w(1), w(2), w(3)]), 3);
    }

    #[test]
    fn site_url_shows_loopback_for_unspecified_addresses() {
        assert_eq!(
            site_url("127.0.0.1:8080".parse().unwrap()),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(
            site_url("0.0.0.0:80".parse().unwrap()),
            "http://127.0.0.1:80/"
        );
        assert_eq!(site_url("[::1]:9".parse().unwrap()), "http://[::1]:9/");
    }

    #[test]
    fn changes_are_described_by_name_or_count() {
        let root = Path::new("/site");
        assert_eq!(
            describe_changes(root, &[PathBuf::from("/site/content/papers/x.md")]),
            "content/papers/x.md"
        );
        assert_eq!(
            describe_changes(root, &[PathBuf::from("/a"), PathBuf::from("/b")]),
            "2 files"
        );
        assert_eq!(
            describe_changes(root, &[PathBuf::from("/site/content/\u{1b}[2J.md")]),
            r"content/\u{1b}[2J.md",
            "a file name cannot drive the terminal"
        );
    }

    #[tokio::test]
    async fn a_port_in_use_names_the_address_and_suggests_port_0() {
        let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = taken.local_addr().unwrap().port();
        let error = bind("127.0.0.1", port).await.unwrap_err().to_string();
        assert!(error.contains(&format!("127.0.0.1:{port}")), "{error}");
        assert!(error.contains("--port 0"), "{error}");
    }
}
