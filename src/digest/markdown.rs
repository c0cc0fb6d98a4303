//! A Markdown export of a listing, as web scrapers and "save as Markdown"
//! clippers write it:
//!
//! ```text
//! [101](https://huggingface.co/login?next=%2Fpapers%2F2606.00683)      upvotes (`[-](…)`: none)
//! ### [OCC-RAG: Optimal Cognitive Core …](https://huggingface.co/papers/2606.00683)
//! [Recent progress in the development …](https://huggingface.co/papers/2606.00683)
//! [![occ-ai](https://…/avatar.png)OCC](https://huggingface.co/occ-ai)   or
//! [- ![](https://…/avatar.jpeg)\\ - 3 authors](https://huggingface.co/papers/2606.00683)
//! ·
//! May 29[6](https://huggingface.co/papers/2606.00683#community)        date, comments
//! ```
//!
//! Variants read the same way: reference links (`### [Title][32]`, no URLs),
//! the trending page (`[Upvote 117](…login…)` after its paper, `· Published
//! on Oct 4, 2026`, `[arXiv Page](https://arxiv.org/abs/…)`), titles and
//! abstracts hard-wrapped over several lines (with or without `\\` line
//! ends), and exports without links at all (`### Title` over the abstract).
//!
//! The text is first cut into items: a line, or several when a link opened
//! on it closes on a later one. A paper title is a heading that links to a
//! paper page; in a file with no such headings, a heading at the level most
//! headings have, with text after it. Everything else is read relative to
//! the entry it is in, by what its links point at.

use std::collections::HashMap;

use super::builder::{Builder, Current, Phase};
use super::fields::{
    Line, author_count, is_dot, is_header_phrase, is_page_chrome, is_url, parse_counter,
    parse_published, quote,
};
use super::hf_url::{Target, classify};
use super::{Digest, Who, arxiv};
use crate::diagnostic::Diagnostic;

/// A link opened on a line must close within this many lines, or it is
/// reported as never closed (and the line read as text).
const MAX_LINK_LINES: usize = 300;
/// Links nested deeper than this are read as text.
const MAX_NESTING: usize = 16;

/// One piece of a line of Markdown.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    /// Text as written (escapes not yet undone).
    Text(String),
    /// `[label](url)`, or `[label][ref]` (the URL when the reference is defined).
    Link {
        label: Vec<Seg>,
        url: Option<String>,
    },
    /// `![alt](src)`: avatars and thumbnails, never text.
    Image,
    /// `[text]` with no link after it: literal brackets, or an image's
    /// placeholder some converters write (`[图片：kandinskylab]`).
    Bracket(Vec<Seg>),
}

/// One or more lines read together.
#[derive(Debug)]
struct Item {
    /// First and last line numbers.
    line: usize,
    end: usize,
    /// `Some(level)` for `#`-headings.
    heading: Option<usize>,
    segs: Vec<Seg>,
}

pub(super) fn parse(lines: &[Line<'_>], digest: &mut Digest) {
    let defs = reference_definitions(lines);
    let items = items(lines, &defs, digest);
    let title_level = title_level(&items);
    let mut p = Parser {
        b: Builder::new(digest),
    };
    let mut k = 0;
    while k < items.len() {
        k += p.item(&items, k, title_level);
    }
    p.finish();
}

// ---------------------------------------------------------------------------
// Text → items → segments.

/// `[32]: https://...` lines.
fn reference_definitions(lines: &[Line<'_>]) -> HashMap<String, String> {
    lines
        .iter()
        .filter_map(|l| {
            let rest = l.text.strip_prefix('[')?;
            let (name, url) = rest.split_once("]:")?;
            let url = url.split_whitespace().next()?;
            (!name.is_empty() && !name.contains(['[', ']']))
                .then(|| (name.to_string(), url.to_string()))
        })
        .collect()
}

/// The `[` depth after `text`, starting from `depth` (escaped brackets do
/// not count; a `]` with nothing open is text).
fn bracket_depth(text: &str, mut depth: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' => depth += 1,
            b']' if depth > 0 => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    depth
}

fn items(lines: &[Line<'_>], defs: &HashMap<String, String>, digest: &mut Digest) -> Vec<Item> {
    let mut items = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let first = lines[i];
        let mut text = first.text.to_string();
        let mut j = i;
        let mut depth = bracket_depth(first.text, 0);
        while depth > 0 && j + 1 < lines.len() && j + 1 - i < MAX_LINK_LINES {
            j += 1;
            // A blank line between keeps its meaning (a paragraph break).
            text.push_str(if lines[j].number > lines[j - 1].number + 1 {
                "\n\n"
            } else {
                "\n"
            });
            text.push_str(lines[j].text);
            depth = bracket_depth(lines[j].text, depth);
        }
        if depth > 0 {
            digest.diagnostics.push(Diagnostic::warning(
                &digest.origin,
                first.number,
                format!(
                    "a Markdown link opened on this line is never closed (was the file cut off?): \
                     \"{}\" is read as text",
                    quote(first.text)
                ),
            ));
            text = first.text.to_string();
            j = i;
        }
        let (heading, body) = split_heading(&text);
        items.push(Item {
            line: first.number,
            end: lines[j].number,
            heading,
            segs: inline(body, defs),
        });
        i = j + 1;
    }
    items
}

fn split_heading(text: &str) -> (Option<usize>, &str) {
    let level = text.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&level) && text[level..].starts_with([' ', '\t']) {
        (Some(level), text[level..].trim())
    } else {
        (None, text)
    }
}

/// Inline Markdown → segments. Linear: matching brackets are found in one
/// pass, a URL's parentheses are searched on its own line only.
fn inline(text: &str, defs: &HashMap<String, String>) -> Vec<Seg> {
    if !text.contains('[') {
        return vec![Seg::Text(text.to_string())];
    }
    let closing = matching_brackets(text);
    let mut out = Vec::new();
    inline_into(text, 0, text.len(), &closing, defs, 0, &mut out);
    out
}

/// For each `[` (by byte offset), the offset of its `]`.
fn matching_brackets(text: &str) -> HashMap<usize, usize> {
    let bytes = text.as_bytes();
    let mut stack = Vec::new();
    let mut closing = HashMap::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' => stack.push(i),
            b']' => {
                if let Some(open) = stack.pop() {
                    closing.insert(open, i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    closing
}

fn inline_into(
    text: &str,
    start: usize,
    end: usize,
    closing: &HashMap<usize, usize>,
    defs: &HashMap<String, String>,
    nesting: usize,
    out: &mut Vec<Seg>,
) {
    let bytes = text.as_bytes();
    let mut plain_from = start;
    let mut i = start;
    let flush = |out: &mut Vec<Seg>, from: usize, to: usize| {
        if to > from {
            out.push(Seg::Text(text[from..to].to_string()));
        }
    };
    while i < end {
        let b = bytes[i];
        if b == b'\\' {
            i += 2;
            continue;
        }
        let image = b == b'!' && bytes.get(i + 1) == Some(&b'[');
        let open = if image { i + 1 } else { i };
        if bytes[open] != b'[' || nesting >= MAX_NESTING {
            i += 1;
            continue;
        }
        let Some(&close) = closing.get(&open).filter(|&&c| c < end) else {
            i = open + 1;
            continue;
        };
        let after = close + 1;
        let (url, next) = match bytes.get(after) {
            Some(b'(') if after < end => match link_destination(text, after, end) {
                Some((url, next)) => (Some(url), next),
                None => (None, after),
            },
            Some(b'[') if after < end => match closing.get(&after).filter(|&&c| c < end) {
                Some(&ref_close) => {
                    let name = &text[after + 1..ref_close];
                    let name = if name.is_empty() {
                        &text[open + 1..close]
                    } else {
                        name
                    };
                    (
                        defs.get(name).cloned().or(Some(String::new())),
                        ref_close + 1,
                    )
                }
                None => (None, after),
            },
            _ => (None, after),
        };
        flush(out, plain_from, i);
        let mut label = Vec::new();
        inline_into(
            text,
            open + 1,
            close,
            closing,
            defs,
            nesting + 1,
            &mut label,
        );
        match (image, url) {
            (true, Some(_)) => out.push(Seg::Image),
            (false, Some(url)) => out.push(Seg::Link {
                label,
                url: (!url.is_empty()).then_some(url),
            }),
            (true, None) => {
                out.push(Seg::Text("!".to_string()));
                out.push(Seg::Bracket(label));
            }
            (false, None) => out.push(Seg::Bracket(label)),
        }
        i = next;
        plain_from = next;
    }
    flush(out, plain_from, end.max(plain_from));
}

/// `(url "title")` starting at `open`: the URL and the offset after `)`.
/// Searched on this line only, with balanced parentheses.
fn link_destination(text: &str, open: usize, end: usize) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < end {
        match bytes[i] {
            b'\n' => return None,
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    let inside = text[open + 1..i].trim();
                    let url = inside.split_whitespace().next().unwrap_or("");
                    let url = url.trim_start_matches('<').trim_end_matches('>');
                    return Some((url.to_string(), i + 1));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

// ---------------------------------------------------------------------------
// Segments → text.

/// How to write a link's label out.
#[derive(Clone, Copy, PartialEq)]
enum Links {
    /// Its label only (titles, names, counts).
    Label,
    /// Its label and its URL (`label (url)`, or the URL when they are the
    /// same): an abstract's own links stay links.
    WithUrl,
}

fn render(segs: &[Seg], links: Links, out: &mut String) {
    for seg in segs {
        match seg {
            Seg::Text(t) => out.push_str(t),
            Seg::Image => {}
            Seg::Bracket(inner) => {
                out.push('[');
                render(inner, links, out);
                out.push(']');
            }
            Seg::Link { label, url } => {
                let mut text = String::new();
                render(label, links, &mut text);
                match (links, url) {
                    (Links::WithUrl, Some(url)) if !is_same_link(&text, url) => {
                        if text.trim().is_empty() {
                            out.push_str(url);
                        } else {
                            out.push_str(&text);
                            out.push_str(" (");
                            out.push_str(url);
                            out.push(')');
                        }
                    }
                    _ => out.push_str(&text),
                }
            }
        }
    }
}

fn is_same_link(text: &str, url: &str) -> bool {
    let text = unescape(text);
    let text = text.trim();
    text == url || url.split_once("://").is_some_and(|(_, rest)| rest == text)
}

/// Markdown escapes undone: `\X` → `X` for punctuation, a backslash before a
/// space or at a line end (a hard wrap) → a space.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some(&'\\') => {
                chars.next();
                // `\\` at a line end is a hard wrap, not a backslash.
                if matches!(chars.peek(), None | Some('\n')) {
                    out.push(' ');
                } else {
                    out.push('\\');
                }
            }
            Some(&n) if n.is_ascii_punctuation() => {
                out.push(n);
                chars.next();
            }
            Some(&n) if n.is_whitespace() => out.push(' '),
            None => {}
            Some(_) => out.push('\\'),
        }
    }
    out
}

/// One line of text: escapes undone, whitespace (line breaks too) collapsed.
fn one_line(text: &str) -> String {
    unescape(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Paragraphs (split at blank lines), each on one line.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(one_line)
        .filter(|p| !p.is_empty())
        .collect()
}

fn label_text(segs: &[Seg]) -> String {
    let mut out = String::new();
    render(segs, Links::Label, &mut out);
    one_line(&out)
}

/// A name shown with its avatar: the text without the images, and
/// without a leading `[placeholder]` some converters write for them; the
/// placeholder's text, when there is one, is the handle.
fn name_and_avatar(segs: &[Seg]) -> (String, Option<String>) {
    let mut rest = segs;
    let mut avatar = None;
    while let Some((first, tail)) = rest.split_first() {
        match first {
            Seg::Image => rest = tail,
            Seg::Text(t) if t.trim().is_empty() => rest = tail,
            Seg::Bracket(inner) if avatar.is_none() => {
                let alt = label_text(inner);
                let alt = alt
                    .rsplit(['：', ':'])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                avatar = Some(alt);
                rest = tail;
            }
            _ => break,
        }
    }
    let avatar = avatar.filter(|a| {
        !a.is_empty()
            && a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    });
    (label_text(rest), avatar)
}

/// The text of an item outside its links.
fn text_outside_links(segs: &[Seg]) -> String {
    let mut out = String::new();
    for seg in segs {
        if let Seg::Text(t) = seg {
            out.push_str(t);
        }
    }
    one_line(&out)
}

fn links(segs: &[Seg]) -> impl Iterator<Item = (&[Seg], Option<&str>)> {
    segs.iter().filter_map(|s| match s {
        Seg::Link { label, url } => Some((label.as_slice(), url.as_deref())),
        _ => None,
    })
}

/// The only link of an item that holds nothing else.
fn sole_link(segs: &[Seg]) -> Option<(&[Seg], Option<&str>)> {
    let mut found = None;
    for seg in segs {
        match seg {
            Seg::Link { label, url } if found.is_none() => {
                found = Some((label.as_slice(), url.as_deref()));
            }
            Seg::Text(t) if t.trim().is_empty() => {}
            _ => return None,
        }
    }
    found
}

/// The first paper link of a heading: its id as written.
fn paper_link(segs: &[Seg]) -> Option<String> {
    links(segs).find_map(|(_, url)| match url.map(classify) {
        Some(Target::Paper(segment)) => Some(segment),
        _ => None,
    })
}

/// The heading level paper titles have in a file whose titles carry no
/// paper links: the level most non-header headings have (the deeper one on
/// a tie). `None` when some heading links to a paper (then only those are
/// titles), and when the file has no listing's page header (`Daily
/// Papers`, `Trending Papers`, `by AK and the research community`): a
/// Markdown file of notes is not a listing.
fn title_level(items: &[Item]) -> Option<usize> {
    let mut counts = [0usize; 7];
    let mut page_header = false;
    for item in items {
        // Header lines are short: longer items need not be read as text.
        let short = item.end == item.line && item.segs.len() <= 3;
        if item.heading.is_none() && (!short || page_header) {
            continue;
        }
        let text = label_text(&item.segs);
        page_header |= is_header_phrase(&text);
        let Some(level) = item.heading else { continue };
        if paper_link(&item.segs).is_some() {
            return None;
        }
        if !is_page_chrome(&text) {
            counts[level] += 1;
        }
    }
    if !page_header {
        return None;
    }
    (1..=6)
        .rev()
        .max_by_key(|&l| counts[l])
        .filter(|&l| counts[l] > 0)
}

// ---------------------------------------------------------------------------
// Items → entries.

struct Parser<'d> {
    b: Builder<'d>,
}

impl Parser<'_> {
    fn finish(&mut self) {
        let linked = self.b.current.as_ref().is_some_and(|c| c.segment.is_some());
        let Some(entry) = self.b.take() else {
            return;
        };
        // A heading with no paper link is a title only if a paper is under it.
        if !linked && entry.abstract_raw.is_empty() && entry.who.is_none() && entry.date.is_none() {
            self.b.warn(
                entry.line,
                format!(
                    "skipped the heading \"{}\": no paper link, abstract or details under it",
                    quote(&entry.title)
                ),
            );
            return;
        }
        self.b.push(entry);
    }

    /// Reads item `k`; returns how many items it took.
    fn item(&mut self, items: &[Item], k: usize, title_level: Option<usize>) -> usize {
        let item = &items[k];
        match item.heading {
            Some(level) => self.heading(items, k, level, title_level),
            None => {
                self.body(item);
                1
            }
        }
    }

    fn heading(
        &mut self,
        items: &[Item],
        k: usize,
        level: usize,
        title_level: Option<usize>,
    ) -> usize {
        let item = &items[k];
        let text = label_text(&item.segs);
        if is_page_chrome(&text) {
            self.page_header(item, &text);
            return 1;
        }
        let segment = paper_link(&item.segs);
        let mut taken = 1;
        let mut title = text;
        if segment.is_none() {
            // Without paper links: a heading at the titles' level with text after it.
            if title_level != Some(level) {
                self.finish();
                return 1;
            }
            // A title the export broke over two lines: `### Title ...`, its
            // end on the very next line, then a blank line and the abstract.
            if let (Some(next), Some(after)) = (items.get(k + 1), items.get(k + 2))
                && next.heading.is_none()
                && after.heading.is_none()
                && next.line == item.end + 1
                && next.line == next.end
                && after.line > next.end + 1
                && sole_link(&next.segs).is_none()
                && sole_link(&after.segs).is_none()
                && !is_detail(&text_outside_links(&next.segs))
                && !is_detail(&text_outside_links(&after.segs))
            {
                let rest = label_text(&next.segs);
                if rest.len() < 200 {
                    title = format!("{title} {rest}");
                    taken = 2;
                }
            }
            if items
                .get(k + taken)
                .is_none_or(|next| next.heading.is_some())
            {
                self.finish();
                return taken;
            }
        }
        if title.is_empty() {
            self.b.warn(
                item.line,
                "a paper heading whose link has no title text; skipped".to_string(),
            );
            self.finish();
            return taken;
        }
        if is_url(&title) {
            self.b.warn(
                item.line,
                format!(
                    "skipped \"{}\": a URL where a paper title was expected",
                    quote(&title)
                ),
            );
            self.finish();
            return taken;
        }
        self.start(item.line, title, segment);
        taken
    }

    /// `# Daily Papers` and the like: before the papers, the page header;
    /// after them, a second copy of the page.
    fn page_header(&mut self, item: &Item, text: &str) {
        if is_header_phrase(text) && self.b.any_entry() {
            self.finish();
            self.b.repeated_header(item.line);
        }
    }

    fn start(&mut self, line: usize, title: String, segment: Option<String>) {
        self.finish();
        self.b.start(line, title, segment, line);
    }

    /// An item that is not a heading.
    fn body(&mut self, item: &Item) {
        if let Some((label, url)) = sole_link(&item.segs) {
            self.link(item, label, url, true);
            return;
        }
        for (label, url) in links(&item.segs) {
            self.link(item, label, url, false);
        }
        let text = text_outside_links(&item.segs);
        let has_links = links(&item.segs).next().is_some();
        self.text(item, &text, has_links);
    }

    /// A link, by what it points at; `alone` when it is the whole item.
    fn link(&mut self, item: &Item, label: &[Seg], url: Option<&str>, alone: bool) {
        let text = label_text(label);
        match url.map(classify) {
            Some(Target::Paper(segment)) => {
                if self.b.current_is(&segment) {
                    self.own_link(item, label, &text);
                }
            }
            Some(Target::Login(Some(segment))) => {
                let Some(count) = parse_counter(&text) else {
                    return;
                };
                self.b.upvotes(Some(segment), count);
            }
            Some(Target::Community(segment)) => {
                if self.b.current_is(&segment)
                    && let Some(c) = self.b.current.as_mut()
                {
                    c.entry.comments = parse_counter(&text).flatten();
                }
            }
            Some(Target::Profile(handle)) => {
                let (name, _) = name_and_avatar(label);
                self.organization(name, Some(handle));
            }
            Some(Target::Arxiv(id)) => {
                if let Some(c) = self.b.current.as_mut()
                    && c.entry.arxiv.is_none()
                {
                    c.entry.arxiv = arxiv::normalize(&id);
                }
            }
            Some(Target::Login(None) | Target::Other) => {}
            // A reference link with no definition: told by its label.
            None => self.unresolved_link(item, label, &text, alone),
        }
    }

    /// A link to the current paper itself: its author list, or its abstract.
    fn own_link(&mut self, item: &Item, label: &[Seg], text: &str) {
        let Some(c) = self.b.current.as_mut() else {
            return;
        };
        if let Some(n) = author_count(text) {
            c.authors(n);
        } else if c.phase == Phase::Abstract && c.paragraphs.is_empty() && !text.is_empty() {
            link_abstract(c, label, item);
        }
    }

    fn unresolved_link(&mut self, item: &Item, label: &[Seg], text: &str, alone: bool) {
        if let Some(count) = parse_counter(text) {
            let upvote_word = text.to_ascii_lowercase().starts_with("upvote");
            match (alone, upvote_word, self.b.current.as_mut()) {
                // `Mar 8, 2024 [ 6][39]`: the comment count beside a date.
                (false, _, Some(c)) => c.entry.comments = count,
                (true, true, Some(c)) => c.entry.upvotes = count,
                (true, _, _) => self.b.upvotes(None, count),
                _ => {}
            }
            return;
        }
        let Some(c) = self.b.current.as_mut() else {
            return;
        };
        if let Some(n) = author_count(text) {
            c.authors(n);
            return;
        }
        let (name, avatar) = name_and_avatar(label);
        if avatar.is_some() && !name.is_empty() {
            self.organization(name, avatar);
        } else if alone
            && c.phase == Phase::Abstract
            && c.paragraphs.is_empty()
            && text.split_whitespace().count() >= 3
        {
            link_abstract(c, label, item);
        }
    }

    fn organization(&mut self, name: String, handle: Option<String>) {
        let Some(c) = self.b.current.as_mut() else {
            return;
        };
        if c.entry.who.is_some()
            || c.entry.date.is_some()
            || name.is_empty()
            || is_page_chrome(&name)
        {
            return;
        }
        c.entry.who = Some(Who::Organization { name, handle });
        c.phase = Phase::Details;
    }

    /// The text of an item outside its links: a detail (`·`, a date, an
    /// author count), abstract text, the listing date, or page text.
    fn text(&mut self, item: &Item, text: &str, has_links: bool) {
        if text.is_empty() {
            return;
        }
        if is_header_phrase(text) {
            self.page_header(item, text);
            return;
        }
        let Some(c) = self.b.current.as_mut() else {
            self.b.listing_date(text);
            return;
        };
        let bare = text.trim_start_matches('·').trim();
        if let Some(n) = author_count(bare) {
            c.authors(n);
        } else if let Some(date) = parse_published(text) {
            if c.entry.date.is_none() {
                c.entry.date = Some(date);
            }
            c.phase = Phase::Details;
        } else if is_dot(text) || has_links || is_bullet(bare) {
            c.phase = Phase::Details;
        } else if c.phase == Phase::Abstract && !is_page_chrome(text) && !text.starts_with('<') {
            // Abstract text: a line right after the last one continues it
            // (a hard wrap), a blank line between starts a paragraph.
            let text = strip_cut_link(text);
            match c.paragraphs.last_mut() {
                Some(last) if c.abstract_end + 1 == item.line => {
                    last.push(' ');
                    last.push_str(&text);
                }
                _ => c.paragraphs.push(text),
            }
            c.abstract_end = item.end;
        }
    }
}

/// The abstract a link wraps (the scraper's `[abstract](paper link)`): its
/// text, its own links kept as text and URLs.
fn link_abstract(c: &mut Current, label: &[Seg], item: &Item) {
    let mut raw = String::new();
    render(label, Links::WithUrl, &mut raw);
    c.paragraphs = paragraphs(&raw);
    c.abstract_end = item.end;
    c.phase = Phase::Details;
}

/// A detail line rather than text: `·`, a date, an author count.
fn is_detail(text: &str) -> bool {
    let bare = text.trim_start_matches('·').trim();
    is_dot(text) || parse_published(text).is_some() || author_count(bare).is_some()
}

/// What is left of a list item of avatars: `-`, `*`, `- -`.
fn is_bullet(text: &str) -> bool {
    text.chars().all(|c| matches!(c, '-' | '*' | '•' | ' '))
}

/// The text of a link cut off at the end of the file: without its `[`.
fn strip_cut_link(text: &str) -> String {
    match text.strip_prefix('[') {
        Some(rest) if !rest.contains(']') => rest.trim_start().to_string(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::{DumpDate, parse};

    fn segs(text: &str) -> Vec<Seg> {
        inline(text, &HashMap::new())
    }

    #[test]
    fn nested_brackets_images_and_escapes_in_link_text() {
        let s = segs("[Title [v2]](https://huggingface.co/papers/2607.01234)");
        assert_eq!(label_text(&s), "Title [v2]");
        assert_eq!(paper_link(&s).as_deref(), Some("2607.01234"));
        let s = segs(r"[Escaped \[v2\] and \*stars\*](https://huggingface.co/papers/2607.01234)");
        assert_eq!(label_text(&s), "Escaped [v2] and *stars*");
        let s = segs(
            "[![occ-ai](https://cdn-avatars.huggingface.co/a.png)OCC](https://huggingface.co/occ-ai)",
        );
        assert_eq!(
            name_and_avatar(match &s[0] {
                Seg::Link { label, .. } => label,
                _ => unreachable!(),
            }),
            ("OCC".to_string(), None)
        );
        let s = segs("[[图片：kandinskylab] Kandinsky Lab](https://huggingface.co/kandinskylab)");
        let Seg::Link { label, .. } = &s[0] else {
            unreachable!()
        };
        assert_eq!(
            name_and_avatar(label),
            (
                "Kandinsky Lab".to_string(),
                Some("kandinskylab".to_string())
            )
        );
    }

    #[test]
    fn hard_wraps_and_escapes_become_plain_text() {
        assert_eq!(
            one_line("Measuring How Scholars Engage\\  with Past Research"),
            "Measuring How Scholars Engage with Past Research"
        );
        assert_eq!(
            one_line("tracing\\\\\nknowledge flows, 2 \\-\\- 6x"),
            "tracing knowledge flows, 2 -- 6x"
        );
        assert_eq!(
            one_line("a \\_ b \\\\% c"),
            "a _ b \\% c",
            "a LaTeX `\\%` stays for the abstract cleaner"
        );
    }

    #[test]
    fn an_abstract_keeps_its_own_links_as_text_and_urls() {
        let s = segs(
            "[See [the code](https://github.com/a/b) and [https://x.org/p](https://x.org/p).](https://huggingface.co/papers/2607.01234)",
        );
        let Seg::Link { label, .. } = &s[0] else {
            unreachable!()
        };
        let mut raw = String::new();
        render(label, Links::WithUrl, &mut raw);
        assert_eq!(
            one_line(&raw),
            "See the code (https://github.com/a/b) and https://x.org/p."
        );
    }

    #[test]
    fn reference_links_resolve_through_their_definitions() {
        let text = "# Daily Papers\n\n### [A Paper Title][1]\n\n[An abstract long enough to read as one.][2]\n\n[1]: https://huggingface.co/papers/2606.00683\n[2]: https://huggingface.co/papers/2606.00683\n";
        let d = parse(text.as_bytes(), "r.md");
        assert_eq!(d.entries.len(), 1, "{:?}", d.diagnostics);
        assert_eq!(d.entries[0].arxiv.as_deref(), Some("2606.00683"));
        assert_eq!(
            d.entries[0].abstract_raw,
            "An abstract long enough to read as one."
        );
    }

    #[test]
    fn a_link_with_empty_text_or_a_thumbnail_is_never_a_title() {
        let text = "# Daily Papers\n\n[[图片：无替代文本]](https://huggingface.co/papers/2412.20138)\n\n\
                    ### [](https://huggingface.co/papers/2412.20138)\n\n\
                    [Abstract of a paper with no title.](https://huggingface.co/papers/2412.20138)\n\n\
                    ### [Real Title](https://huggingface.co/papers/2412.20139)\n\n·\n\nMay 3\n";
        let d = parse(text.as_bytes(), "e.md");
        let titles: Vec<_> = d.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["Real Title"]);
        assert_eq!(
            d.entries[0].date,
            Some(DumpDate {
                year: None,
                month: 5,
                day: 3
            })
        );
        assert_eq!(d.diagnostics.len(), 1, "{:?}", d.diagnostics);
        assert_eq!(d.diagnostics[0].line, 5);
    }

    #[test]
    fn headings_without_links_are_titles_only_in_a_listing_and_over_a_paper() {
        let listing = "## Trending Papers\n\n### First Paper Title\n\nA summary of the first paper in one sentence.\n- 8 authors\n\n\
                       ### Broken Over\n  Two Lines\n\nA summary of the second paper.\n\n### Nothing Under It\n";
        let d = parse(listing.as_bytes(), "t.md");
        let titles: Vec<_> = d.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["First Paper Title", "Broken Over Two Lines"]);
        assert_eq!(d.entries[0].who, Some(Who::Authors(8)));
        let notes = "# Notes\n\n## Reading list\n\nSome text.\n\n## Later\n\nMore text.\n";
        let d = parse(notes.as_bytes(), "n.md");
        assert!(d.entries.is_empty());
        assert!(d.diagnostics[0].message.starts_with("not a digest"));
    }

    #[test]
    fn bracket_depth_ignores_escapes_and_stray_closers() {
        assert_eq!(bracket_depth("[a [b] c", 0), 1);
        assert_eq!(bracket_depth(r"\[a", 0), 0);
        assert_eq!(bracket_depth("] x", 0), 0);
        assert_eq!(bracket_depth("end](url)", 1), 0);
    }

    #[test]
    fn deep_or_huge_bracket_runs_are_read_without_trouble() {
        let deep = "[".repeat(50_000) + "x" + &"]".repeat(50_000);
        let s = segs(&deep);
        assert!(!label_text(&s).is_empty());
        let open = format!("### [{}", "[a ".repeat(100_000));
        let d = parse(open.as_bytes(), "o.md");
        assert!(d.entries.is_empty());
    }
}
