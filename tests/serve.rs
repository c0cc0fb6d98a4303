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
        let url = poll("the `serving at` line", || {
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
        let url = format!("ws://127.0.0.1:{}/__gazette/livereload", self.port);
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

/// Writes a file the way an editor does: whole, in one go.
fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
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
    let body = poll("the error overlay", || {
        let (_, body) = server.get("/");
        body.contains("gazette-error-overlay").then_some(body)
    });
    assert!(body.contains("config.toml"), "{body}");
    poll("the failure on the console", || {
        server.console().contains("config.toml").then_some(())
    });

    write(&config, &good);
    socket.expect("reload");
    poll("the overlay to go", || {
        let (_, body) = server.get("/");
        (!body.contains("gazette-error-overlay")).then_some(())
    });
}
