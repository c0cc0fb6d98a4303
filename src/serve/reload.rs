//! Live reload: the script injected into served HTML, the messages sent
//! over the WebSocket, and the error overlay.
//!
//! Protocol (server → browser, one JSON text frame per rebuild):
//! `{"type":"reload"}` reloads the page; `{"type":"css","paths":["style.css"]}`
//! re-fetches the matching stylesheets without a reload;
//! `{"type":"data","paths":["search/"]}` (the search index, made after the
//! pages) reloads only a page that fetched a file in those folders (the
//! search page). The browser never
//! sends anything. When the connection drops (server restarted), the script
//! retries with backoff and reloads once it is back.

use std::sync::{Arc, LazyLock};

use axum::extract::State;
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use tokio::sync::broadcast;

use crate::diagnostic::Diagnostic;
use crate::layout::LIVE_RELOAD;
use crate::output::Output;

use super::{Shared, guard, http};

/// Injected before `</body>` of every served HTML response: [`SCRIPT_TEXT`]
/// connecting to [`LIVE_RELOAD`].
static SCRIPT: LazyLock<String> = LazyLock::new(|| {
    let endpoint = serde_json::to_string(LIVE_RELOAD).expect("strings serialize");
    SCRIPT_TEXT.replace("ENDPOINT", &endpoint)
});

const SCRIPT_TEXT: &str = r#"<script data-gazette-livereload>
(function () {
  var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + ENDPOINT;
  var delay = 250, connectedBefore = false;
  function swapCss(paths) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    links.forEach(function (link) {
      var href = new URL(link.href, location.href);
      var path = href.pathname.replace(/^\//, "");
      var hit = paths.some(function (p) { return path === p || path.endsWith("/" + p) || p.endsWith("/" + path); });
      if (!hit) return;
      href.searchParams.set("gazette-reload", Date.now());
      link.href = href.toString();
    });
  }
  function fetchedAny(paths) {
    // Files this page's scripts read (performance entries of its requests).
    return performance.getEntriesByType("resource").some(function (entry) {
      var path = new URL(entry.name, location.href).pathname.replace(/^\//, "");
      return paths.some(function (p) {
        return path === p || path.endsWith("/" + p) || (p.endsWith("/") && path.indexOf(p) >= 0);
      });
    });
  }
  function connect() {
    var ws = new WebSocket(url);
    ws.onopen = function () {
      // Back after a restart: what we show may be stale.
      if (connectedBefore) location.reload();
      connectedBefore = true;
      delay = 250;
    };
    ws.onmessage = function (event) {
      var msg;
      try { msg = JSON.parse(event.data); } catch (e) { return; }
      if (msg.type === "css") swapCss(msg.paths || []);
      else if (msg.type === "data") { if (fetchedAny(msg.paths || [])) location.reload(); }
      else if (msg.type === "reload") location.reload();
    };
    ws.onclose = function () {
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }
  connect();
})();
</script>"#;

/// One message to every connected browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Reload,
    /// Only these stylesheets (output keys) changed.
    Css(Vec<String>),
    /// Only files that pages' scripts fetch changed, in these folders
    /// (`search/`, one per folder: an index has thousands of shards): a
    /// page that fetched a file in one reloads.
    Data(Vec<String>),
}

impl Message {
    pub fn to_json(&self) -> String {
        match self {
            Message::Reload => r#"{"type":"reload"}"#.to_string(),
            Message::Css(paths) => format!(
                r#"{{"type":"css","paths":{}}}"#,
                serde_json::to_string(paths).expect("strings serialize")
            ),
            Message::Data(paths) => format!(
                r#"{{"type":"data","paths":{}}}"#,
                serde_json::to_string(paths).expect("strings serialize")
            ),
        }
    }
}

/// What browsers must do after the served site went from `old` to `new`:
/// nothing when no byte changed, a stylesheet swap when only `.css` files
/// changed, else a reload.
pub fn change_message(old: &Output, new: &Output) -> Option<Message> {
    let changed = changed_keys(old, new);
    if changed.is_empty() {
        None
    } else if changed.iter().all(|k| k.ends_with(".css")) {
        Some(Message::Css(changed))
    } else {
        Some(Message::Reload)
    }
}

/// What browsers must do after the files made from the whole site at once
/// (the search index) followed pages already published: a page reads them
/// through its scripts, so only a page that fetched one reloads, unless
/// something else changed too.
pub fn rest_message(old: &Output, new: &Output) -> Option<Message> {
    let changed = changed_keys(old, new);
    if !changed.is_empty() && changed.iter().all(|k| k.ends_with(".json")) {
        let mut folders: Vec<String> = (changed.iter())
            .map(|k| match k.rsplit_once('/') {
                Some((folder, _)) => format!("{folder}/"),
                None => k.clone(),
            })
            .collect();
        folders.sort();
        folders.dedup();
        Some(Message::Data(folders))
    } else {
        change_message(old, new)
    }
}

/// Keys added, removed or with different bytes, sorted. One pass over
/// both maps in key order: a file kept from the last build is the same
/// allocation, so most files cost a pointer comparison.
pub fn changed_keys(old: &Output, new: &Output) -> Vec<String> {
    let mut changed = Vec::new();
    let mut olds = old.files.iter().peekable();
    let mut news = new.files.iter().peekable();
    loop {
        let order = match (olds.peek(), news.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some((o, _)), Some((n, _))) => o.cmp(n),
        };
        match order {
            std::cmp::Ordering::Less => {
                let (key, _) = olds.next().expect("peeked");
                changed.push(key.clone());
            }
            std::cmp::Ordering::Greater => {
                let (key, _) = news.next().expect("peeked");
                changed.push(key.clone());
            }
            std::cmp::Ordering::Equal => {
                let ((key, before), (_, bytes)) =
                    (olds.next().expect("peeked"), news.next().expect("peeked"));
                if !(Arc::ptr_eq(before, bytes) || before == bytes) {
                    changed.push(key.clone());
                }
            }
        }
    }
    changed
}

/// The page as served: the overlay (if the last build failed) and the
/// reload script go before the last `</body>`, or at the end when there is
/// none. The output itself is never changed.
pub fn decorate_html(page: &[u8], overlay: Option<&str>) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(overlay) = overlay {
        extra.push_str(overlay);
    }
    extra.push_str(&SCRIPT);
    let at = find_last_ci(page, b"</body>").unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + extra.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

fn find_last_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if haystack.len() < needle.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// A fixed box over the page listing the failed build's messages, escaped.
pub fn overlay_html(errors: &[Diagnostic]) -> String {
    let mut lines = String::new();
    for error in errors {
        lines.push_str(&crate::render::escape::html(&error.to_string()));
        lines.push('\n');
    }
    format!(
        "<div id=\"gazette-error-overlay\" style=\"position:fixed;inset:1rem;z-index:2147483647;\
overflow:auto;background:#1d1f21;color:#f8f8f2;border:3px solid #e5534b;border-radius:6px;\
padding:1rem 1.25rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;\
box-shadow:0 4px 24px rgba(0,0,0,.5)\">\
<button type=\"button\" onclick=\"this.parentNode.remove()\" title=\"Hide until the next build\" \
style=\"float:right;background:none;border:1px solid #888;color:inherit;border-radius:4px;cursor:pointer\">\
hide</button>\
<strong style=\"color:#ff7b72\">gazette: the build failed; showing the last good site</strong>\
<pre style=\"white-space:pre-wrap;margin:.75rem 0 0\">{lines}</pre></div>"
    )
}

/// `GET` [`LIVE_RELOAD`]: from a page of the preview itself (its `Origin`)
/// and within the cap on sockets, upgrade, then forward every rebuild
/// message. The browser sends nothing but pongs, so the socket's buffers
/// are small (the default 128 KiB each way made 2,000 idle sockets cost
/// 260 MB).
pub async fn websocket(
    ws: WebSocketUpgrade,
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
) -> Response {
    let header = |name| {
        headers
            .get(name)
            .map(|v: &HeaderValue| v.to_str().unwrap_or("\u{fffd}"))
    };
    if !guard::same_origin(header(header::ORIGIN), header(header::HOST)) {
        return http::refuse(
            StatusCode::FORBIDDEN,
            "the live reload socket is for pages of this preview only\n",
        );
    }
    let Ok(slot) = Arc::clone(&shared.websockets).try_acquire_owned() else {
        return http::refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many live reload sockets open; close some tabs\n",
        );
    };
    let events = shared.events.subscribe();
    let limits = shared.limits;
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(64 * 1024)
        .max_message_size(64 * 1024)
        .max_frame_size(64 * 1024)
        .on_upgrade(move |socket| async move {
            forward(socket, events, limits).await;
            drop(slot);
        })
}

/// Forwards rebuild messages until the browser goes; pings it every
/// `ping_every`, and drops it when it has answered nothing (no pong) for
/// `idle_timeout`: a peer gone without a close frees its slot.
async fn forward(
    mut socket: WebSocket,
    mut events: broadcast::Receiver<Message>,
    limits: super::listen::Limits,
) {
    let mut ping = tokio::time::interval(limits.ping_every);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut heard = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = ping.tick() => {
                if heard.elapsed() > limits.idle_timeout {
                    return;
                }
                if socket.send(WsMessage::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
            event = events.recv() => {
                let message = match event {
                    Ok(message) => message,
                    // Missed some: a reload covers them all.
                    Err(broadcast::error::RecvError::Lagged(_)) => Message::Reload,
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                if socket.send(WsMessage::Text(message.to_json().into())).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => {
                // The browser says nothing; a close or an error ends this task.
                match incoming {
                    Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => return,
                    Some(Ok(_)) => heard = tokio::time::Instant::now(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[(&str, &str)]) -> Output {
        Output::from_texts(files)
    }

    #[test]
    fn only_css_changes_swap_stylesheets_instead_of_reloading() {
        let old = output(&[("index.html", "a"), ("style.css", "x"), ("print.css", "p")]);
        let css = output(&[("index.html", "a"), ("style.css", "y"), ("print.css", "p")]);
        assert_eq!(
            change_message(&old, &css),
            Some(Message::Css(vec!["style.css".into()]))
        );
        let page = output(&[("index.html", "b"), ("style.css", "y"), ("print.css", "p")]);
        assert_eq!(change_message(&css, &page), Some(Message::Reload));
        let removed = output(&[("index.html", "a"), ("style.css", "x")]);
        assert_eq!(
            change_message(&old, &removed),
            Some(Message::Css(vec!["print.css".into()]))
        );
        assert_eq!(change_message(&old, &old.clone()), None);
    }

    #[test]
    fn every_added_removed_and_changed_file_is_named_once_in_order() {
        let old = output(&[("a", "1"), ("b", "2"), ("d", "4"), ("f", "6")]);
        let new = output(&[("b", "2"), ("c", "3"), ("d", "5"), ("f", "6"), ("g", "7")]);
        assert_eq!(changed_keys(&old, &new), ["a", "c", "d", "g"]);
        assert_eq!(changed_keys(&new, &old), ["a", "c", "d", "g"]);
        assert!(changed_keys(&old, &old.clone()).is_empty());
        assert_eq!(changed_keys(&Output::default(), &old), ["a", "b", "d", "f"]);
    }

    #[test]
    fn messages_are_small_json() {
        assert_eq!(Message::Reload.to_json(), r#"{"type":"reload"}"#);
        assert_eq!(
            Message::Data(vec!["search/".into()]).to_json(),
            r#"{"type":"data","paths":["search/"]}"#
        );
        assert_eq!(
            Message::Css(vec!["a/b.css".into()]).to_json(),
            r#"{"type":"css","paths":["a/b.css"]}"#
        );
    }

    #[test]
    fn script_goes_before_the_last_closing_body_tag() {
        let page = b"<html><body><p>&lt;/body&gt;</p></BODY></html>";
        let served = String::from_utf8(decorate_html(page, None)).unwrap();
        let script = served.find("<script data-gazette-livereload>").unwrap();
        assert!(script < served.find("</BODY>").unwrap());
        assert!(
            served.contains(r#"location.host + "/__gazette/livereload";"#),
            "the script connects where the server listens: {served}"
        );
        assert!(served.ends_with("</BODY></html>"));
        let bare = String::from_utf8(decorate_html(b"<p>no body tag", None)).unwrap();
        assert!(bare.starts_with("<p>no body tag<script"));
    }

    #[test]
    fn overlay_escapes_the_messages() {
        let html = overlay_html(&[Diagnostic::error(
            "templates/<x>.html",
            2,
            "bad \"tag\" & <script>",
        )]);
        assert!(html.contains(
            "templates/&lt;x&gt;.html:2: error: bad &quot;tag&quot; &amp; &lt;script&gt;"
        ));
        assert!(!html.contains("<script>"));
    }
}
