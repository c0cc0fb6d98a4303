//! Internal link checking over a rendered [`Output`]: every `href`/`src`
//! that points inside the site must name a file in the output.

use crate::output::Output;
use crate::site::urls;

/// A link inside the site that names no output file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BrokenLink {
    /// The output file holding it (`papers/x/index.html`).
    pub page: String,
    /// 1-based line of the link in that file.
    pub line: usize,
    /// The link as written (entities decoded).
    pub link: String,
}

/// Broken internal links as `page: link` strings, sorted. `base_path` is the
/// path part of the base URL (`/` or `/sub/`): links are resolved against it.
pub fn broken_links(output: &Output, base_path: &str) -> Vec<String> {
    let mut lines: Vec<String> = find_broken(output, base_path)
        .into_iter()
        .map(|b| format!("{}: {}", b.page, b.link))
        .collect();
    lines.dedup();
    lines
}

/// Every broken internal link with its page and line, sorted by page,
/// line and link; a link repeated on one line counts once.
pub fn find_broken(output: &Output, base_path: &str) -> Vec<BrokenLink> {
    let base = format!("/{}", base_path.trim_matches('/'));
    let base = if base == "/" {
        base
    } else {
        format!("{base}/")
    };
    let mut broken = Vec::new();
    for (page, bytes) in &output.files {
        if !page.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let mut line = 1;
        let mut counted = 0;
        for (at, link) in attribute_values(&html) {
            line += html.as_bytes()[counted..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted = at;
            let Some(target) = resolve(page, &link, &base) else {
                continue;
            };
            if !exists(output, &target) {
                broken.push(BrokenLink {
                    page: page.clone(),
                    line,
                    link,
                });
            }
        }
    }
    broken.sort();
    broken.dedup();
    broken
}

/// The value and byte offset of every `href` and `src` attribute of every
/// tag, entities decoded. Only tags count: text between them (where an
/// abstract saying `src=x` ends up, escaped), comments, and the insides of
/// `<script>` and `<style>` hold no links.
fn attribute_values(html: &str) -> Vec<(usize, String)> {
    let bytes = html.as_bytes();
    let mut values = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<') {
        let start = i + lt;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |e| start + e + 3);
            continue;
        }
        let name_len = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len() - 1);
        if name_len == 0 {
            // `</x>`, `<!doctype>`, or a stray `<`: no attributes to read.
            i = start + 1;
            continue;
        }
        let name = rest[1..=name_len].to_ascii_lowercase();
        let mut j = start + 1 + name_len;
        // Attributes, until the `>` that ends the tag (outside quotes).
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let attr_start = j;
            while j < bytes.len()
                && !bytes[j].is_ascii_whitespace()
                && !matches!(bytes[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            let attr = html[attr_start..j].to_ascii_lowercase();
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] != b'=' {
                if j == attr_start {
                    j += 1; // a lone `=` or other junk: move on
                }
                continue;
            }
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let (value, end) = match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let close = html[j + 1..]
                        .find(q as char)
                        .map_or(html.len(), |e| j + 1 + e);
                    (&html[j + 1..close], (close + 1).min(html.len()))
                }
                _ => {
                    let end = html[j..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .map_or(html.len(), |e| j + e);
                    (&html[j..end], end)
                }
            };
            if attr == "href" || attr == "src" {
                values.push((attr_start, decode_entities(value)));
            }
            j = end;
        }
        i = (j + 1).min(html.len());
        // Raw text elements: their content is not markup.
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i = html[i..]
                .match_indices("</")
                .find(|(at, _)| {
                    html.as_bytes()[i + at..]
                        .get(..close.len())
                        .is_some_and(|b| b.eq_ignore_ascii_case(close.as_bytes()))
                })
                .map_or(html.len(), |(at, _)| i + at);
        }
    }
    values
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The site-relative path a link points to, or `None` when it leaves the
/// site (another scheme, another host, a root-relative path outside the
/// base path) or only names a fragment on the same page.
fn resolve(page: &str, link: &str, base: &str) -> Option<String> {
    let link = link.trim();
    let link = link.split(['#', '?']).next().unwrap_or("");
    if link.is_empty() || link.starts_with("//") {
        return None;
    }
    let scheme = link.find(':').is_some_and(|i| {
        link[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !link[..i].contains('/')
    });
    if scheme {
        return None;
    }
    let joined = if let Some(abs) = link.strip_prefix('/') {
        let abs = format!("/{abs}");
        if abs == base.trim_end_matches('/') {
            String::new()
        } else {
            abs.strip_prefix(base)?.to_string()
        }
    } else {
        let dir = page.rfind('/').map_or("", |i| &page[..=i]);
        format!("{dir}{link}")
    };
    Some(normalize(&urls::decode_path(&joined), link.ends_with('/')))
}

/// Resolves `.` and `..`; a trailing slash is kept.
fn normalize(path: &str, dir: bool) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = parts.join("/");
    if (dir || path.is_empty()) && !out.is_empty() {
        out.push('/');
    }
    out
}

fn exists(output: &Output, target: &str) -> bool {
    if target.is_empty() || target.ends_with('/') {
        return output.files.contains_key(&format!("{target}index.html"));
    }
    output.files.contains_key(target) || output.files.contains_key(&format!("{target}/index.html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> Output {
        Output::from_texts(files)
    }

    #[test]
    fn links_to_missing_pages_are_reported_sorted() {
        let out = site(&[
            (
                "index.html",
                r#"<a href="/papers/a/">a</a> <a href="/papers/gone/">x</a> <img src="/logo.png">"#,
            ),
            (
                "papers/a/index.html",
                r#"<a href="../../">home</a> <a href="../b/">b</a>"#,
            ),
        ]);
        assert_eq!(
            broken_links(&out, "/"),
            vec![
                "index.html: /logo.png".to_string(),
                "index.html: /papers/gone/".to_string(),
                "papers/a/index.html: ../b/".to_string(),
            ]
        );
    }

    #[test]
    fn external_links_fragments_and_other_schemes_are_ignored() {
        let out = site(&[(
            "index.html",
            r##"<a href="https://x.org/nope/">x</a><a href="#top">t</a><a href="mailto:a@b">m</a><a href="//cdn.x/y">c</a>"##,
        )]);
        assert!(broken_links(&out, "/").is_empty());
    }

    #[test]
    fn sub_path_base_resolves_links_under_it() {
        let out = site(&[
            (
                "index.html",
                r#"<a href="/sub/tags/">t</a><a href="/sub/">h</a><a href="/sub/missing.css">m</a><a href="/elsewhere/">e</a>"#,
            ),
            ("tags/index.html", "tags"),
        ]);
        assert_eq!(
            broken_links(&out, "/sub/"),
            vec!["index.html: /sub/missing.css"]
        );
    }

    #[test]
    fn escaped_and_percent_encoded_links_are_decoded() {
        let out = site(&[
            (
                "index.html",
                r#"<a href="&#x2F;papers&#x2F;%C3%A9&#x2F;">e</a><a href='/feed.xml?x=1&amp;y=2'>f</a>"#,
            ),
            ("papers/é/index.html", "e"),
            ("feed.xml", "f"),
        ]);
        assert!(
            broken_links(&out, "/").is_empty(),
            "{:?}",
            broken_links(&out, "/")
        );
    }

    #[test]
    fn data_href_attributes_are_not_links() {
        let out = site(&[("index.html", r#"<p data-href="/x/" class="hrefs">%zz</p>"#)]);
        assert!(broken_links(&out, "/").is_empty());
    }

    #[test]
    fn link_like_text_outside_tags_is_not_a_link() {
        // What an abstract such as "we set src=x and href=foo" renders to.
        let out = site(&[(
            "index.html",
            "<p>we set src=x and href=foo, or href = \"/nope/\" and src='/gone.png'</p>\n\
             <p title=\"see href=/missing/\">t</p><!-- <a href=\"/old/\">old</a> -->\n\
             <script>var a = '<img src=\"/nope.png\">';</script><a href=\"/real/\">r</a>",
        )]);
        assert_eq!(broken_links(&out, "/"), vec!["index.html: /real/"]);
    }
}
