//! Answering one HTTP request from the in-memory output.
//!
//! The output is a map, so path safety is a matter of decoding the request
//! path carefully and looking up only normalized keys: a request that
//! decodes to `..`, a backslash, NUL or invalid UTF-8 is refused with 400,
//! and anything else that is not a key is a 404. Nothing is ever read from
//! disk.

use axum::body::Body;
use axum::http::{HeaderValue, Method, Response, StatusCode, header};

use super::Snapshot;
use super::reload;

/// Where a request path leads in the output map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A key of the output map.
    File(String),
    /// A folder asked for without its trailing slash: go to this location.
    Redirect(String),
    NotFound,
    /// A path that can never name a file (`..`, NUL, backslash, bad encoding).
    BadRequest,
}

/// Maps a raw (still percent-encoded) request path to an output key.
pub fn resolve(files: &impl Fn(&str) -> bool, raw_path: &str) -> Resolved {
    let raw_path = raw_path.split_once('?').map_or(raw_path, |(path, _)| path);
    let Some(path) = percent_decode(raw_path) else {
        return Resolved::BadRequest;
    };
    if path.contains(['\0', '\\']) {
        return Resolved::BadRequest;
    }
    let mut segments = Vec::new();
    for segment in path.split('/') {
        match segment {
            // `//` and `/./` add nothing; browsers normalize them away anyway.
            "" | "." => {}
            ".." => return Resolved::BadRequest,
            s => segments.push(s),
        }
    }
    let key = segments.join("/");
    let wants_folder = key.is_empty() || path.ends_with('/');
    if wants_folder {
        let index = if key.is_empty() {
            "index.html".to_string()
        } else {
            format!("{key}/index.html")
        };
        return if files(&index) {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if files(&key) {
        return Resolved::File(key);
    }
    if files(&format!("{key}/index.html")) {
        // Built from the normalized key, so `//evil.example` cannot become
        // an off-site redirect.
        return Resolved::Redirect(format!("/{}/", percent_encode_path(&key)));
    }
    Resolved::NotFound
}

/// Decodes `%XX` escapes; `None` when an escape is malformed or the result
/// is not UTF-8. (The crate passes a malformed escape through as text; a
/// request holding one is refused instead.)
fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let malformed = raw.match_indices('%').any(|(i, _)| {
        !bytes
            .get(i + 1..i + 3)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if malformed {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    Some(decoded.into_owned())
}

/// What a redirect's path keeps as it is: RFC 3986's unreserved
/// characters, and `/`.
const PATH_KEEPS: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

fn percent_encode_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, PATH_KEEPS).to_string()
}

/// The Content-Type for an output key, by extension.
pub fn content_type(key: &str) -> &'static str {
    let ext = key
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Answers a request for `raw_path` (path and query, still percent-encoded)
/// from one snapshot of the site. Every
/// request reads a single snapshot, so a rebuild finishing meanwhile never
/// mixes two versions in one response.
pub fn respond(snapshot: &Snapshot, method: &Method, raw_path: &str) -> Response<Body> {
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let files = &snapshot.output.files;
    let exists = |key: &str| files.contains_key(key);
    let mut response = match resolve(&exists, raw_path) {
        Resolved::File(key) => file_response(snapshot, &key, StatusCode::OK),
        Resolved::Redirect(mut location) => {
            if let Some(query) = raw_path.split_once('?').map(|(_, q)| q) {
                location.push('?');
                location.push_str(query);
            }
            // Temporary: browsers remember a 301, and a preview's site changes.
            let mut response = plain(StatusCode::FOUND, "moved\n");
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Resolved::NotFound if files.contains_key("404.html") => {
            file_response(snapshot, "404.html", StatusCode::NOT_FOUND)
        }
        Resolved::NotFound => not_found_page(snapshot),
        Resolved::BadRequest => plain(StatusCode::BAD_REQUEST, "bad request path\n"),
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if method == Method::HEAD {
        // Keep the headers (Content-Length included), drop the body.
        let (mut parts, body) = response.into_parts();
        if let Some(len) = body_len(&body) {
            parts.headers.insert(header::CONTENT_LENGTH, len.into());
        }
        return Response::from_parts(parts, Body::empty());
    }
    response
}

fn body_len(body: &Body) -> Option<u64> {
    use axum::body::HttpBody;
    body.size_hint().exact()
}

fn file_response(snapshot: &Snapshot, key: &str, status: StatusCode) -> Response<Body> {
    let bytes = &snapshot.output.files[key];
    let kind = content_type(key);
    let body = if kind.starts_with("text/html") {
        Body::from(reload::decorate_html(bytes, snapshot.overlay.as_deref()))
    } else {
        Body::from(bytes.to_vec())
    };
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, kind)
        .body(body)
        .expect("static headers are valid")
}

/// A 404 for a site without `404.html` (or before the first good build):
/// still HTML, so the live reload script and the error overlay reach it.
fn not_found_page(snapshot: &Snapshot) -> Response<Body> {
    let page =
        b"<!doctype html><html><head><meta charset=\"utf-8\"><title>Not found</title></head>\
<body><h1>404 Not found</h1><p>This site has no page at this address.</p></body></html>";
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(Body::from(reload::decorate_html(
            page,
            snapshot.overlay.as_deref(),
        )))
        .expect("static headers are valid")
}

/// A refusal before any lookup (a host or origin the server does not
/// answer, too many sockets): plain text saying why.
pub fn refuse(status: StatusCode, why: &'static str) -> Response<Body> {
    plain(status, why)
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(text))
        .expect("static headers are valid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Output;
    use std::sync::Arc;

    fn site(files: &[(&str, &str)]) -> Snapshot {
        Snapshot {
            output: Arc::new(Output::from_texts(files)),
            overlay: None,
        }
    }

    fn sample() -> Snapshot {
        site(&[
            ("index.html", "<html><body>home</body></html>"),
            ("tags/x/index.html", "<html><body>tag x</body></html>"),
            ("style.css", "body{}"),
            ("feed.xml", "<rss/>"),
            ("404.html", "<html><body>custom missing</body></html>"),
        ])
    }

    async fn get(snapshot: &Snapshot, path: &str) -> (StatusCode, String, Response<Body>) {
        get_with(snapshot, &Method::GET, path).await
    }

    async fn get_with(
        snapshot: &Snapshot,
        method: &Method,
        path: &str,
    ) -> (StatusCode, String, Response<Body>) {
        let response = respond(snapshot, method, path);
        let status = response.status();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        (
            status,
            String::from_utf8_lossy(&bytes).into_owned(),
            Response::from_parts(parts, Body::empty()),
        )
    }

    fn keys(snapshot: &Snapshot) -> impl Fn(&str) -> bool + '_ {
        |k: &str| snapshot.output.files.contains_key(k)
    }

    #[test]
    fn pretty_urls_find_the_folder_index_with_or_without_a_slash() {
        let s = sample();
        let exists = keys(&s);
        assert_eq!(resolve(&exists, "/"), Resolved::File("index.html".into()));
        assert_eq!(
            resolve(&exists, "/tags/x/"),
            Resolved::File("tags/x/index.html".into())
        );
        assert_eq!(
            resolve(&exists, "/tags/x"),
            Resolved::Redirect("/tags/x/".into())
        );
        assert_eq!(
            resolve(&exists, "/style.css"),
            Resolved::File("style.css".into())
        );
        assert_eq!(resolve(&exists, "/tags/"), Resolved::NotFound);
        assert_eq!(resolve(&exists, "/nope"), Resolved::NotFound);
    }

    #[test]
    fn traversal_and_odd_bytes_never_leave_the_map() {
        let s = sample();
        let exists = keys(&s);
        for bad in [
            "/../etc/passwd",
            "/tags/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/tags/%2e%2e/%2e%2e/x",
            "/..%5c..%5cetc",
            "/a\\b",
            "/index.html%00",
            "/%ff%fe",
            "/%zz",
            "/%2",
            // Not hex, though a number parser takes a sign: `%+f` is no escape.
            "/%+f",
        ] {
            assert_eq!(resolve(&exists, bad), Resolved::BadRequest, "{bad}");
        }
        // An absolute file system path is just a key that is not there.
        assert_eq!(resolve(&exists, "//etc/passwd"), Resolved::NotFound);
        assert_eq!(resolve(&exists, "/C:/Windows/win.ini"), Resolved::NotFound);
    }

    #[test]
    fn a_redirect_never_leaves_the_site() {
        let s = site(&[("evil.example/index.html", "x")]);
        let exists = keys(&s);
        assert_eq!(
            resolve(&exists, "//evil.example"),
            Resolved::Redirect("/evil.example/".into())
        );
    }

    #[test]
    fn encoded_names_are_decoded_before_lookup() {
        let s = site(&[
            ("tags/c++/index.html", "x"),
            ("a b.txt", "y"),
            ("tags/é~/index.html", "z"),
        ]);
        let exists = keys(&s);
        assert_eq!(
            resolve(&exists, "/tags/c%2B%2B/"),
            Resolved::File("tags/c++/index.html".into())
        );
        assert_eq!(
            resolve(&exists, "/tags/c%2B%2B"),
            Resolved::Redirect("/tags/c%2B%2B/".into())
        );
        assert_eq!(
            resolve(&exists, "/a%20b.txt"),
            Resolved::File("a b.txt".into())
        );
        assert_eq!(
            resolve(&exists, "/tags/%C3%A9~"),
            Resolved::Redirect("/tags/%C3%A9~/".into())
        );
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("a/style.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("app.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("papers.json"), "application/json");
        assert_eq!(content_type("feed.xml"), "application/xml");
        assert_eq!(content_type("logo.svg"), "image/svg+xml");
        assert_eq!(content_type("logo.png"), "image/png");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("f.woff2"), "font/woff2");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[tokio::test]
    async fn html_gets_the_reload_script_and_other_files_stay_byte_exact() {
        let s = sample();
        let (status, body, response) = get(&s, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains(crate::layout::LIVE_RELOAD), "{body}");
        assert!(body.find("<script").unwrap() < body.find("</body>").unwrap());
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        let (_, css, response) = get(&s, "/style.css").await;
        assert_eq!(css, "body{}");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/css; charset=utf-8"
        );
        let (_, xml, _) = get(&s, "/feed.xml").await;
        assert_eq!(xml, "<rss/>");
        // The output itself is untouched.
        assert_eq!(
            &*s.output.files["index.html"],
            b"<html><body>home</body></html>"
        );
    }

    #[tokio::test]
    async fn a_missing_page_gets_the_sites_404_with_status_404() {
        let s = sample();
        let (status, body, _) = get(&s, "/no/such/page/").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("custom missing"));
        let bare = site(&[("index.html", "x")]);
        let (status, body, _) = get(&bare, "/missing").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("404"));
    }

    #[tokio::test]
    async fn folder_without_slash_redirects_to_the_slash() {
        let s = sample();
        let (status, _, response) = get(&s, "/tags/x").await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(response.headers()[header::LOCATION], "/tags/x/");
        let (_, _, response) = get(&s, "/tags/x?page=2").await;
        assert_eq!(response.headers()[header::LOCATION], "/tags/x/?page=2");
        let (status, body, _) = get(&s, "/style.css?gazette-reload=123").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "body{}"));
    }

    #[tokio::test]
    async fn traversal_requests_get_400() {
        let s = sample();
        let (status, body, _) = get(&s, "/%2e%2e/%2e%2e/etc/passwd").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(!body.contains("root:"));
    }

    #[tokio::test]
    async fn head_has_the_headers_and_no_body() {
        let s = sample();
        let (status, body, response) = get_with(&s, &Method::HEAD, "/style.css").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, "");
        assert_eq!(response.headers()[header::CONTENT_LENGTH], "6");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/css; charset=utf-8"
        );
        let (status, _, _) = get_with(&s, &Method::POST, "/").await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    }

    #[tokio::test]
    async fn a_failed_build_shows_its_overlay_on_every_html_page() {
        let mut s = sample();
        s.overlay = Some(reload::overlay_html(&[
            crate::diagnostic::Diagnostic::error("templates/page.html", 3, "unexpected `}}` <b>"),
        ]));
        let (_, body, _) = get(&s, "/tags/x/").await;
        assert!(body.contains("tag x"), "the last good page stays served");
        assert!(body.contains("templates/page.html:3: error: unexpected `}}` &lt;b&gt;"));
        let (status, body, _) = get(&s, "/missing").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("templates/page.html"));
        let (_, css, _) = get(&s, "/style.css").await;
        assert_eq!(css, "body{}");
    }
}
