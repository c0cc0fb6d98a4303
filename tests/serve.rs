//! `gazette serve` end to end: the real binary on a temp site, fetched over
//! HTTP and watched over the live reload WebSocket while files change.
//!
//! Every wait polls against a generous deadline; nothing asserts on speed.

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(20);
const BIN: &str = env!("CARGO_BIN_EXE_gazette");

/// A running `gazette serve`, killed when dropped.
struct Server {
    child: Child,
    url: String,
    port: u16,
    console: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(BIN)
            .arg("--root")
            .arg(root)
            .args(["serve", "--port", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gazette runs");
        let console = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn({
            let console = Arc::clone(&console);
            move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    let mut console = console.lock().unwrap();
                    console.push_str(&line);
                    console.push('\n');
                }
            }
        });
        let mut server = Server {
            child,
            url: String::new(),
            port: 0,
            console,
        };
        let url = server.wait("the `serving at` line", || {
            let console = server.console();
            console
                .lines()
                .find_map(|l| l.strip_prefix("serving at "))
                .map(str::to_string)
        });
        let port = url
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("the URL ends with a port");
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        server.url = url;
        server.port = port;
        server
    }

    /// [`poll`], with the server's console in the failure message.
    fn wait<T>(&self, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(value) = check() {
                return value;
            }
            if Instant::now() >= deadline {
                panic!("timed out waiting for {what}; console:\n{}", self.console());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn console(&self) -> String {
        self.console.lock().unwrap().clone()
    }

    fn get(&self, path: &str) -> (u16, String) {
        get(&format!("{}{}", self.url.trim_end_matches('/'), path))
    }

    fn socket(&self) -> Socket {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let url = format!(
            "ws://127.0.0.1:{}{}",
            self.port,
            gazette::layout::LIVE_RELOAD
        );
        let (socket, _) = tungstenite::client::client(url.as_str(), stream).expect("ws handshake");
        Socket(socket)
    }
}

/// Runs `check` until it returns something or the deadline passes.
fn poll<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(DEADLINE))
        .build()
        .into();
    let mut response = agent.get(url).call().expect("the server answers");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    (status, body)
}

/// Raw request, so `..` reaches the server exactly as written.
fn raw_get(port: u16, path: &str) -> u16 {
    use std::io::{Read, Write};
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"))
}

struct Socket(tungstenite::WebSocket<TcpStream>);

impl Socket {
    /// Waits for a text message containing `needle`; returns it.
    fn expect(&mut self, needle: &str) -> String {
        poll(
            &format!("a live reload message with {needle}"),
            || match self.0.read() {
                Ok(tungstenite::Message::Text(text)) if text.contains(needle) => {
                    Some(text.to_string())
                }
                Ok(_) => None,
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    None
                }
                Err(e) => panic!("live reload socket failed: {e}"),
            },
        )
    }
}

/// A new site made by `gazette init`.
fn new_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let status = Command::new(BIN)
        .arg("init")
        .arg(&root)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "gazette init");
    (dir, root)
}

/// Writes a file the way many editors save: to a backup-named temp file,
/// then renamed over the target, so no build can see it half written (a
/// loaded machine may otherwise build between truncation and write).
fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut temp = path.as_os_str().to_owned();
    temp.push("~");
    fs::write(&temp, text).unwrap();
    fs::rename(&temp, path).unwrap();
}

#[test]
fn port_0_prints_the_url_and_a_taken_port_is_a_clear_error() {
    let (_dir, root) = new_site();
    let server = Server::start(&root);
    let output = Command::new(BIN)
        .arg("--root")
        .arg(&root)
        .args(["serve", "--port", &server.port.to_string()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("127.0.0.1:{}", server.port)) && stderr.contains("--port 0"),
        "{stderr}"
    );
}

#[test]
fn serving_a_folder_that_is_not_a_site_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .arg("--root")
        .arg(dir.path())
        .args(["serve", "--port", "0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("config.toml"), "{stderr}");
}

#[test]
fn path_traversal_requests_never_reach_files_outside_the_site() {
    let (_dir, root) = new_site();
    let server = Server::start(&root);
    for path in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/..%5c..%5cconfig.toml",
        "/%00",
        "//etc/passwd",
        "/config.toml",
        "/content/about.md",
    ] {
        let status = raw_get(server.port, path);
        assert!(status == 400 || status == 404, "{path}: {status}");
    }
    let (status, body) = server.get("/%2e%2e/config.toml");
    assert_eq!(status, 400);
    assert!(!body.contains("base_url"));
}

#[test]
fn a_broken_config_shows_an_overlay_until_fixed_and_browsers_are_told() {
    let (_dir, root) = new_site();
    let server = Server::start(&root);
    let mut socket = server.socket();
    let config = root.join("config.toml");
    let good = fs::read_to_string(&config).unwrap();

    write(&config, &format!("{good}\ntitle = = broken\n"));
    socket.expect("reload");
    let body = server.wait("the error overlay", || {
        let (_, body) = server.get("/");
        body.contains("gazette-error-overlay").then_some(body)
    });
    assert!(body.contains("config.toml"), "{body}");
    server.wait("the failure on the console", || {
        server.console().contains("config.toml").then_some(())
    });

    write(&config, &good);
    socket.expect("reload");
    server.wait("the overlay to go", || {
        let (_, body) = server.get("/");
        (!body.contains("gazette-error-overlay")).then_some(())
    });
}

/// A hand-written paper page (the front matter of src/paper.rs).
fn paper(title: &str, notes: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2025-04-28\nupvotes = 3\ntags = [\"testing\"]\n\
         abstract = \"An abstract about {title}.\"\n+++\n\n{notes}\n"
    )
}

/// Rebuild lines on the console (one per rebuild after the first build).
fn rebuilds(console: &str) -> usize {
    console.lines().filter(|l| l.contains(" changed: ")).count()
}

#[test]
fn a_broken_page_shows_an_overlay_naming_it_and_the_fix_clears_it() {
    let (_dir, root) = new_site();
    let page = root.join("content/papers/live-reload.md");
    write(&page, &paper("Live Reload", "first notes"));
    let server = Server::start(&root);
    let mut socket = server.socket();

    write(&page, "+++\ntitle = \"Live Reload\nbroken = \n+++\n");
    socket.expect("reload");
    let body = server.wait("the overlay", || {
        let (_, body) = server.get("/");
        body.contains("gazette-error-overlay").then_some(body)
    });
    assert!(body.contains("content/papers/live-reload.md"), "{body}");
    server.wait("the failure on the console", || {
        let console = server.console();
        (console.contains("content/papers/live-reload.md:") && console.contains("build failed"))
            .then_some(())
    });

    write(&page, &paper("Live Reload", "fixed notes"));
    socket.expect("reload");
    server.wait("the overlay to go", || {
        let (_, body) = server.get("/");
        (!body.contains("gazette-error-overlay")).then_some(())
    });
}

#[test]
fn a_burst_of_a_thousand_files_is_rebuilt_a_few_times_not_a_thousand() {
    let (_dir, root) = new_site();
    let server = Server::start(&root);
    let before = rebuilds(&server.console());
    for i in 0..1000 {
        write(
            &root.join(format!("content/papers/burst-{i:04}.md")),
            &paper(&format!("Burst {i}"), "notes"),
        );
    }
    // Every file made it into the site.
    // Dated Apr 28, 2025: April's chunk of papers.json.
    server.wait("all 1,000 papers in papers.json", || {
        let (_, json) = server.get("/papers/2025-04.json");
        (json.contains("Burst 0\"") && json.contains("Burst 999\"")).then_some(())
    });
    // Then one more change, which fails the build so its line stands out.
    // The watcher reports changes in the order they happened, so by the time
    // this one is rebuilt every straggling batch of the burst has been:
    // counting then waits on an event, not on a guess of how long is enough.
    write(
        &root.join("content/papers/zz-after-the-burst.md"),
        "+++\ntitle = = \"broken\"\n+++\n",
    );
    let console = server.wait("the rebuild after the burst", || {
        let console = server.console();
        console.contains("build failed").then_some(console)
    });
    let after = console
        .lines()
        .filter(|l| l.contains(" changed: "))
        .position(|l| l.contains("build failed"))
        .expect("the failed rebuild has a line");
    // Rebuild lines before the failed one, that is for the burst alone (a
    // straggler gathered with the last change costs no rebuild of its own).
    let count = after - before;
    assert!(
        (1..=10).contains(&count),
        "1,000 files written in one go made {count} rebuilds:\n{console}"
    );
}

#[test]
fn deleting_the_site_folder_while_serving_is_reported_and_the_last_site_stays() {
    let (_dir, root) = new_site();
    let server = Server::start(&root);
    let (status_before, _) = server.get("/");
    fs::remove_dir_all(&root).unwrap();
    server.wait("the deleted-folder message", || {
        server.console().contains("was deleted").then_some(())
    });
    let (status_after, _) = server.get("/");
    assert_eq!(status_before, status_after, "the server still answers");

    // Restored: picked up again.
    let (_dir2, fresh) = new_site();
    fs::rename(&fresh, &root).unwrap();
    server.wait("the folder to be picked up again", || {
        server.console().contains("is back").then_some(())
    });
    let mut socket = server.socket();
    let config = root.join("config.toml");
    let good = fs::read_to_string(&config).unwrap();
    write(&config, &format!("{good}\n= broken\n"));
    socket.expect("reload");
}

// ---- With the real renderer: pages, templates, config, deletions. ----

/// A site with two hand-written papers, served.
fn site_with_papers() -> (tempfile::TempDir, PathBuf, Server) {
    let (dir, root) = new_site();
    write(
        &root.join("content/papers/live-reload.md"),
        &paper("Live Reload Paper", "NOTES-VERSION-ONE"),
    );
    write(
        &root.join("content/papers/second-paper.md"),
        &paper("Second Paper", "other notes"),
    );
    let server = Server::start(&root);
    server.wait("the paper page", || {
        let (status, body) = server.get("/papers/live-reload/");
        (status == 200 && body.contains("NOTES-VERSION-ONE")).then_some(())
    });
    (dir, root, server)
}

/// The theme's templates that close `</body>` (the layouts every page uses).
fn layouts(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in walk(&root.join("themes")) {
        if entry.extension().is_some_and(|e| e == "html")
            && fs::read_to_string(&entry).is_ok_and(|t| t.contains("</body>"))
        {
            found.push(entry);
        }
    }
    assert!(
        !found.is_empty(),
        "the default theme has a layout with </body>"
    );
    found
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn editing_a_page_serves_the_new_text_and_tells_the_browser_to_reload() {
    let (_dir, root, server) = site_with_papers();
    let mut socket = server.socket();
    write(
        &root.join("content/papers/live-reload.md"),
        &paper("Live Reload Paper", "NOTES-VERSION-TWO"),
    );
    socket.expect(r#"{"type":"reload"}"#);
    server.wait("the new notes", || {
        let (_, body) = server.get("/papers/live-reload/");
        (body.contains("NOTES-VERSION-TWO") && !body.contains("NOTES-VERSION-ONE")).then_some(())
    });
    // Without the slash: redirected to the folder page.
    let (status, _) = server.get("/papers/live-reload");
    assert_eq!(status, 302);
    server.wait("a rebuild line naming the page", || {
        server
            .console()
            .contains("content/papers/live-reload.md changed: ")
            .then_some(())
    });
}

#[test]
fn editing_a_template_or_the_title_changes_every_page() {
    let (_dir, root, server) = site_with_papers();
    let mut socket = server.socket();
    for layout in layouts(&root) {
        let text = fs::read_to_string(&layout).unwrap();
        write(
            &layout,
            &text.replacen("</body>", "<p>TEMPLATE-MARKER</p></body>", 1),
        );
    }
    socket.expect("reload");
    server.wait("the template change on a paper page", || {
        let (_, body) = server.get("/papers/second-paper/");
        body.contains("TEMPLATE-MARKER").then_some(())
    });

    let config = root.join("config.toml");
    let text = fs::read_to_string(&config).unwrap();
    let retitled: String = text
        .lines()
        .map(|l| {
            if l.starts_with("title") {
                "title = \"Retitled Gazette\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    write(&config, &retitled);
    socket.expect("reload");
    server.wait("the new title on the index", || {
        let (_, body) = server.get("/");
        body.contains("Retitled Gazette").then_some(())
    });
}

#[test]
fn deleting_a_page_makes_it_404_and_drops_it_from_the_index() {
    let (_dir, root, server) = site_with_papers();
    let (_, index) = server.get("/");
    assert!(index.contains("Second Paper"), "{index}");
    let mut socket = server.socket();
    fs::remove_file(root.join("content/papers/second-paper.md")).unwrap();
    socket.expect("reload");
    server.wait("the page to be gone", || {
        let (status, _) = server.get("/papers/second-paper/");
        (status == 404).then_some(())
    });
    let (_, index) = server.get("/");
    assert!(!index.contains("Second Paper"));
    assert!(index.contains("Live Reload Paper"));
    // The theme's own 404 page, with the reload script like any page.
    let (status, missing) = server.get("/papers/second-paper/");
    assert_eq!(status, 404);
    assert!(missing.contains("Page not found"), "{missing}");
    assert!(missing.contains("/__gazette/livereload"));
}

#[test]
fn a_broken_template_shows_an_overlay_over_the_last_good_site_until_fixed() {
    let (_dir, root, server) = site_with_papers();
    let mut socket = server.socket();
    let layout = layouts(&root).remove(0);
    let good = fs::read_to_string(&layout).unwrap();
    let name = layout.file_name().unwrap().to_string_lossy().into_owned();
    write(&layout, &format!("{good}\n{{% if %}}\n"));
    socket.expect("reload");
    let body = server.wait("the overlay", || {
        let (_, body) = server.get("/papers/live-reload/");
        body.contains("gazette-error-overlay").then_some(body)
    });
    assert!(body.contains(&name), "the overlay names {name}: {body}");
    assert!(
        body.contains("NOTES-VERSION-ONE"),
        "the last good page is still served"
    );
    // The console is read by another thread: wait for it too.
    server.wait("the error on the console", || {
        server.console().contains(&name).then_some(())
    });

    write(&layout, &good);
    socket.expect("reload");
    server.wait("the overlay to go", || {
        let (_, body) = server.get("/papers/live-reload/");
        (!body.contains("gazette-error-overlay") && body.contains("NOTES-VERSION-ONE"))
            .then_some(())
    });
}

#[test]
fn editing_only_a_stylesheet_swaps_css_without_a_reload() {
    let (_dir, root, server) = site_with_papers();
    let css = walk(&root.join("themes"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "css"))
        .expect("the default theme has a stylesheet");
    let mut socket = server.socket();
    let text = fs::read_to_string(&css).unwrap();
    write(&css, &format!("{text}\n.gazette-test {{ color: red }}\n"));
    let message = socket.expect(r#""type":"css""#);
    let name = css.file_name().unwrap().to_string_lossy().into_owned();
    assert!(message.contains(&name), "{message}");
}

#[test]
#[cfg(unix)] // sends SIGINT with kill(1); Windows has neither
fn ctrl_c_stops_the_server_even_with_a_browser_connected() {
    let (_dir, root) = new_site();
    let mut server = Server::start(&root);
    let _socket = server.socket();
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = poll("the server to exit", || server.child.try_wait().unwrap());
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn renaming_a_page_moves_it_to_its_new_address() {
    let (_dir, root, server) = site_with_papers();
    let mut socket = server.socket();
    fs::rename(
        root.join("content/papers/second-paper.md"),
        root.join("content/papers/renamed-paper.md"),
    )
    .unwrap();
    socket.expect("reload");
    server.wait("the new address", || {
        let (status, body) = server.get("/papers/renamed-paper/");
        (status == 200 && body.contains("Second Paper")).then_some(())
    });
    let (status, _) = server.get("/papers/second-paper/");
    assert_eq!(status, 404);
}

#[test]
fn a_templates_override_folder_created_while_serving_is_picked_up() {
    let (_dir, root, server) = site_with_papers();
    let layout = layouts(&root).remove(0);
    let name = layout.file_name().unwrap().to_owned();
    let text = fs::read_to_string(&layout).unwrap();
    let mut socket = server.socket();
    // As a person would: make the folder, then copy the file in at once.
    fs::create_dir(root.join("templates")).unwrap();
    write(
        &root.join("templates").join(&name),
        &text.replacen("</body>", "<p>OVERRIDE-ONE</p></body>", 1),
    );
    socket.expect("reload");
    server.wait("the override", || {
        let (_, body) = server.get("/papers/live-reload/");
        body.contains("OVERRIDE-ONE").then_some(())
    });
    // And later edits inside the new folder are watched too.
    write(
        &root.join("templates").join(&name),
        &text.replacen("</body>", "<p>OVERRIDE-TWO</p></body>", 1),
    );
    server.wait("the edited override", || {
        let (_, body) = server.get("/papers/live-reload/");
        body.contains("OVERRIDE-TWO").then_some(())
    });
}

/// The repository's sample site, copied (config, dumps, pages, theme).
fn sample_site() -> (tempfile::TempDir, PathBuf) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    fs::create_dir_all(&root).unwrap();
    fs::copy(repo.join("config.toml"), root.join("config.toml")).unwrap();
    for sub in ["digests", "content", "themes"] {
        for entry in walkdir::WalkDir::new(repo.join(sub)) {
            let entry = entry.unwrap();
            let target = root.join(entry.path().strip_prefix(repo).unwrap());
            if entry.file_type().is_dir() {
                fs::create_dir_all(&target).unwrap();
            } else {
                fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    (dir, root)
}

fn run(root: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "gazette {args:?}:\n{stderr}");
    stderr
}

/// Every file under `dir` whose text mentions `needle`.
fn mentioning(dir: &Path, needle: &str) -> Vec<PathBuf> {
    walk(dir)
        .into_iter()
        .filter(|p| fs::read_to_string(p).is_ok_and(|t| t.contains(needle)))
        .collect()
}

#[test]
fn a_removed_paper_stays_removed_across_import_build_and_serve() {
    let (_dir, root) = sample_site();
    run(&root, &["build"]);
    // The newest paper: it is in the feed, the first listing, a day, tags.
    let feed = fs::read_to_string(root.join("public/feed.xml")).unwrap();
    let link = feed
        .split("<link>")
        .nth(2)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    let slug = link
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let url = format!("/papers/{slug}/");
    assert!(mentioning(&root.join("public"), &url).len() > 5);

    let said = run(&root, &["remove", &slug]);
    assert!(
        said.starts_with(&format!("remove: deleted content/papers/{slug}.md (")),
        "{said}"
    );
    let page = root.join(format!("content/papers/{slug}.md"));
    assert!(!page.exists());

    let said = run(&root, &["import"]);
    assert!(
        said.contains(", 1 removed kept out (content/removed.toml)"),
        "{said}"
    );
    assert!(!page.exists(), "import keeps it out");

    run(&root, &["build"]);
    assert!(!root.join("public/papers").join(&slug).exists());
    let still: Vec<_> = mentioning(&root.join("public"), &slug);
    assert!(
        still.is_empty(),
        "no listing, feed, search or sitemap names it: {still:?}"
    );

    // A fresh clone: no .gazette/, no public/; the tombstone is content.
    fs::remove_dir_all(root.join(".gazette")).unwrap();
    fs::remove_dir_all(root.join("public")).unwrap();
    run(&root, &["build"]);
    assert!(!page.exists());
    assert!(mentioning(&root.join("public"), &slug).is_empty());

    // Serving, even when a dump changes and import runs again.
    let server = Server::start(&root);
    assert_eq!(server.get(&url).0, 404);
    let dump = root.join("digests/004_41f7e9e21dc0960a.txt");
    let text = fs::read_to_string(&dump).unwrap();
    write(&dump, &format!("{text}\n"));
    server.wait("the rebuild after the dump changed", || {
        (rebuilds(&server.console()) > 0).then_some(())
    });
    assert_eq!(server.get(&url).0, 404);
    let (_, search) = server.get("/search.json");
    assert!(!search.contains(&slug));
    assert!(!page.exists());

    // Undone by hand while serving (its entry deleted): it is back.
    let removed = root.join("content/removed.toml");
    let listed = fs::read_to_string(&removed).unwrap();
    let header: String = listed
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    write(&removed, &header);
    server.wait("the paper back after its entry was deleted", || {
        (server.get(&url).0 == 200).then_some(())
    });
    assert!(page.exists());
    drop(server);

    // Removed again and undone with the command.
    run(&root, &["remove", &slug]);
    assert!(!page.exists());
    let said = run(&root, &["remove", "--undo", &slug]);
    assert!(said.contains("1 added"), "{said}");
    assert!(page.exists());
}

/// Raw request with a chosen Host header; returns the status.
fn get_with_host(port: u16, host: &str) -> u16 {
    use std::io::{Read, Write};
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"))
}

/// DNS rebinding: a page of evil.example, its name pointed at 127.0.0.1,
/// asks for the preview under its own name.
#[test]
fn the_preview_answers_only_to_loopback_names() {
    let (_dir, root) = new_site();
    let server = Server::start(&root);
    assert_eq!(
        get_with_host(server.port, &format!("localhost:{}", server.port)),
        200
    );
    assert_eq!(
        get_with_host(server.port, &format!("127.0.0.1:{}", server.port)),
        200
    );
    assert_eq!(
        get_with_host(server.port, &format!("evil.example:{}", server.port)),
        403
    );
}

#[test]
fn binding_every_interface_warns_and_shows_the_real_address() {
    let (_dir, root) = new_site();
    let mut child = Command::new(BIN)
        .arg("--root")
        .arg(&root)
        .args(["serve", "--bind", "0.0.0.0", "--port", "0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut console = String::new();
    let serving = loop {
        let line = lines.next().expect("gazette prints its address").unwrap();
        console.push_str(&line);
        console.push('\n');
        if line.starts_with("serving at ") {
            break line;
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        console.contains("--bind: warning: listening on every network interface (0.0.0.0:"),
        "{console}"
    );
    assert!(
        serving.starts_with("serving at http://127.0.0.1:")
            && serving.contains("(listening on 0.0.0.0:"),
        "{console}"
    );
}

/// The collision check runs in serve too: the error is on the console and
/// over every page.
#[test]
fn a_static_file_hiding_a_page_is_shown_as_a_failed_build() {
    let (_dir, root) = new_site();
    write(&root.join("static/about/index.html"), "<p>mine</p>");
    let server = Server::start(&root);
    server.wait("the collision on the console", || {
        let console = server.console();
        console
            .contains("static/about/index.html: error: /about/ is made twice, by this file and by content/about.md")
            .then_some(())
    });
    let (_, body) = server.get("/");
    assert!(
        body.contains("gazette-error-overlay") && body.contains("static/about/index.html"),
        "{body}"
    );
}
