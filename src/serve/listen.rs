//! Accepting connections for the preview server, within limits: at most so
//! many open at once (the next one waits in the kernel's queue), a request's
//! headers within a timeout (a client sending them a byte at a time, or a
//! keep-alive connection left idle, is closed), and no connection that
//! moves no byte either way for long (a client that never reads its
//! response). `axum::serve` has none of these; this loop hands each
//! connection to the same router through hyper.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};

/// The server's limits. The defaults suit a preview on one machine: a few
/// tabs, one live-reload socket each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A request's headers must all arrive within this, counted from when
    /// the server starts waiting for them, so it is also how long an idle
    /// keep-alive connection stays open.
    pub header_timeout: Duration,
    /// A connection on which no byte moves either way for this long is
    /// closed; a live-reload socket that answers no ping for this long too.
    pub idle_timeout: Duration,
    /// Connections open at once (requests in flight and keep-alive).
    pub max_connections: usize,
    /// Live-reload WebSockets open at once; more are refused with 503.
    pub max_websockets: usize,
    /// How often a live-reload socket is pinged (well under `idle_timeout`).
    pub ping_every: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 256,
            max_websockets: 64,
            ping_every: Duration::from_secs(20),
        }
    }
}

/// What the loop has done, for tests: connections open now, and the most
/// ever open at once.
#[derive(Debug, Default)]
pub struct Counts {
    pub open: AtomicUsize,
    pub most_open: AtomicUsize,
}

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    counts: Arc<Counts>,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    tokio::pin!(shutdown);
    loop {
        // A free slot first: past the cap, new connections wait in the
        // kernel's queue instead of being accepted and starved.
        let slot = tokio::select! {
            () = &mut shutdown => return,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => return,
            },
        };
        let stream = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors, or a connection reset while
                    // queued: give the system a moment, then go on.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let open = counts.open.fetch_add(1, Ordering::SeqCst) + 1;
        counts.most_open.fetch_max(open, Ordering::SeqCst);
        let service = TowerToHyperService::new(router.clone());
        let counts = Arc::clone(&counts);
        tokio::spawn(async move {
            let io = TokioIo::new(Idle::new(stream, limits.idle_timeout));
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout);
            // An error is the client's going (reset, timed out): nothing to report.
            let _ = http.serve_connection(io, service).with_upgrades().await;
            counts.open.fetch_sub(1, Ordering::SeqCst);
            drop(slot);
        });
    }
}

/// A connection that fails with `TimedOut` once no byte has moved either
/// way for `timeout`.
struct Idle<T> {
    inner: T,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<T> Idle<T> {
    fn new(inner: T, timeout: Duration) -> Idle<T> {
        Idle {
            inner,
            timeout,
            deadline: Box::pin(tokio::time::sleep(timeout)),
        }
    }

    /// Bytes moved: the clock starts again.
    fn moved(&mut self) {
        let next = Instant::now() + self.timeout;
        self.deadline.as_mut().reset(next);
    }

    /// Nothing moved this time: an error once the deadline has passed.
    fn waiting<R>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "no byte moved on the connection for too long",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Idle<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    this.moved();
                }
                Poll::Ready(result)
            }
            Poll::Pending => this.waiting(cx),
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Idle<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(result) => {
                if result.as_ref().is_ok_and(|&n| n > 0) {
                    this.moved();
                }
                Poll::Ready(result)
            }
            Poll::Pending => this.waiting(cx),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_flush(cx) {
            Poll::Pending => this.waiting(cx),
            ready => ready,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// The limits on a real socket, with the server's router, in this process
/// and with short limits. Waits are for events (the server closing, a
/// count reaching a value) against a generous deadline; nothing asserts on
/// speed.
#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};

    use super::{Counts, Limits};
    use crate::output::Output;
    use crate::serve::{Shared, Snapshot, guard, router};

    const DEADLINE: Duration = Duration::from_secs(20);

    struct Server {
        port: u16,
        counts: Arc<Counts>,
        _runtime: tokio::runtime::Runtime,
    }

    fn start(limits: Limits, hosts: guard::Hosts) -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let big = "x".repeat(16 << 20);
        let output = Output::from_texts(&[
            ("index.html", "<html><body>home</body></html>"),
            ("big.txt", &big),
        ]);
        let shared = Arc::new(Shared::with(
            Snapshot {
                output: Arc::new(output),
                overlay: None,
            },
            hosts,
            limits,
        ));
        let counts = Arc::new(Counts::default());
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        runtime.spawn(super::serve(
            listener,
            router(shared),
            limits,
            Arc::clone(&counts),
            std::future::pending(),
        ));
        Server {
            port,
            counts,
            _runtime: runtime,
        }
    }

    fn short() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(60),
            max_connections: 64,
            max_websockets: 8,
            ping_every: Duration::from_secs(20),
        }
    }

    fn connect(port: u16) -> TcpStream {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        stream
    }

    /// Reads until the server closes the connection; panics past the deadline.
    fn until_closed(stream: &mut TcpStream) -> Vec<u8> {
        let started = Instant::now();
        let mut got = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) if started.elapsed() < DEADLINE => return got,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => panic!("the server kept the connection open: {e}"),
            }
        }
    }

    fn wait(what: &str, mut done: impl FnMut() -> bool) {
        let started = Instant::now();
        while !done() {
            assert!(started.elapsed() < DEADLINE, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn get(port: u16, host: &str) -> String {
        let mut stream = connect(port);
        write!(
            stream,
            "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        String::from_utf8_lossy(&until_closed(&mut stream)).into_owned()
    }

    #[test]
    fn a_client_sending_its_headers_slowly_is_cut_off() {
        let server = start(
            Limits {
                header_timeout: Duration::from_millis(200),
                ..short()
            },
            guard::Hosts::default(),
        );
        let mut stream = connect(server.port);
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            .unwrap();
        let answer = until_closed(&mut stream);
        assert!(
            !String::from_utf8_lossy(&answer).contains("home"),
            "no page for half a request"
        );
    }

    #[test]
    fn an_idle_keep_alive_connection_is_closed() {
        let server = start(
            Limits {
                header_timeout: Duration::from_millis(200),
                ..short()
            },
            guard::Hosts::default(),
        );
        let mut stream = connect(server.port);
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let answer = String::from_utf8_lossy(&until_closed(&mut stream)).into_owned();
        assert!(
            answer.starts_with("HTTP/1.1 200") && answer.contains("home"),
            "{answer}"
        );
    }

    #[test]
    fn a_client_that_never_reads_its_response_is_dropped() {
        let server = start(
            Limits {
                idle_timeout: Duration::from_millis(300),
                ..short()
            },
            guard::Hosts::default(),
        );
        let mut stream = connect(server.port);
        stream
            .write_all(b"GET /big.txt HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        wait("the connection to open", || {
            server.counts.open.load(Ordering::SeqCst) == 1
        });
        // 16 MB does not fit the socket buffers: the server's write stalls.
        wait("the stalled connection to be dropped", || {
            server.counts.open.load(Ordering::SeqCst) == 0
        });
        drop(stream);
    }

    #[test]
    fn connections_past_the_cap_wait_for_a_free_slot() {
        let server = start(
            Limits {
                max_connections: 2,
                ..short()
            },
            guard::Hosts::default(),
        );
        let a = connect(server.port);
        let _b = connect(server.port);
        wait("two connections", || {
            server.counts.open.load(Ordering::SeqCst) == 2
        });
        let mut c = connect(server.port);
        c.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .unwrap();
        drop(a);
        let answer = String::from_utf8_lossy(&until_closed(&mut c)).into_owned();
        assert!(
            answer.contains("home"),
            "served once a slot is free: {answer}"
        );
        assert_eq!(
            server.counts.most_open.load(Ordering::SeqCst),
            2,
            "never more than the cap"
        );
    }

    #[test]
    fn only_loopback_host_names_are_answered() {
        let server = start(short(), guard::Hosts::default());
        for host in ["localhost", "127.0.0.1:8080", "[::1]"] {
            assert!(get(server.port, host).starts_with("HTTP/1.1 200"), "{host}");
        }
        for host in ["evil.example", "evil.example:1111", "192.168.1.5"] {
            let answer = get(server.port, host);
            assert!(answer.starts_with("HTTP/1.1 403"), "{host}: {answer}");
            assert!(!answer.contains("home"), "{host}");
        }
        let every = start(short(), guard::Hosts::for_bind("0.0.0.0"));
        assert!(get(every.port, "evil.example").starts_with("HTTP/1.1 200"));
    }

    fn websocket(
        port: u16,
        origin: Option<&str>,
    ) -> Result<tungstenite::WebSocket<TcpStream>, String> {
        use tungstenite::client::IntoClientRequest;
        let url = format!("ws://localhost:{port}{}", crate::layout::LIVE_RELOAD);
        let mut request = url.into_client_request().unwrap();
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("Origin", origin.parse().unwrap());
        }
        match tungstenite::client::client(request, connect(port)) {
            Ok((socket, _)) => Ok(socket),
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => {
                Err(response.status().to_string())
            }
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn a_live_reload_socket_from_another_site_is_refused() {
        let server = start(short(), guard::Hosts::default());
        let own = format!("http://localhost:{}", server.port);
        assert!(websocket(server.port, Some(&own)).is_ok());
        assert!(websocket(server.port, None).is_ok(), "not a browser");
        for origin in ["https://evil.example", "http://localhost:1", "null"] {
            let refused = websocket(server.port, Some(origin)).err();
            assert_eq!(refused.as_deref(), Some("403 Forbidden"), "{origin}");
        }
    }

    #[test]
    fn live_reload_sockets_are_capped_and_a_closed_one_frees_its_slot() {
        let server = start(
            Limits {
                max_websockets: 1,
                ..short()
            },
            guard::Hosts::default(),
        );
        let mut first = websocket(server.port, None).unwrap();
        assert_eq!(
            websocket(server.port, None).err().as_deref(),
            Some("503 Service Unavailable")
        );
        first.close(None).unwrap();
        let _ = first.flush();
        wait("the slot to be free again", || {
            websocket(server.port, None).is_ok()
        });
    }

    #[test]
    fn a_live_reload_socket_that_never_answers_a_ping_is_dropped() {
        let server = start(
            Limits {
                max_websockets: 1,
                ping_every: Duration::from_millis(50),
                idle_timeout: Duration::from_millis(300),
                ..short()
            },
            guard::Hosts::default(),
        );
        // Never read, so no pong is ever sent.
        let silent = websocket(server.port, None).unwrap();
        wait("the silent socket's slot to be free", || {
            websocket(server.port, None).is_ok()
        });
        drop(silent);
    }
}
