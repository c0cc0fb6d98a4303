//! The person's notes (and free pages): Markdown → HTML with pulldown-cmark.
//!
//! Tables, footnotes, strikethrough, task lists and math are on; every
//! heading gets an `id` (its slugified text, made unique on the page) so
//! sections can be linked; fenced code blocks are highlighted by
//! [`highlight`]; `$…$` and `$$…$$` become MathML by [`math`], their TeX
//! untouched by Markdown's escapes.

use std::collections::{HashMap, HashSet, VecDeque};

use pulldown_cmark::{
    BrokenLink, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html,
};

use super::highlight;
use super::math::{self, Display};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_MATH
}

/// Renders Markdown to HTML. Empty input gives an empty string.
pub fn to_html(source: &str) -> String {
    to_html_shifted(source, 0)
}

/// Like [`to_html`], with every heading `shift` levels deeper (at most h6),
/// for Markdown shown under a heading of the page.
///
/// Events stream from the parser to the HTML writer: only one heading or
/// one code block is held at a time, so the memory a page takes is the
/// parser's and the HTML's, not a list of every event (a dense 50 MB page
/// held gigabytes that way).
pub fn to_html_shifted(source: &str, shift: usize) -> String {
    if source.trim().is_empty() {
        return String::new();
    }
    let definitions = Definitions::of(source);
    let ids = HeadingIds::new(explicit_ids(source, &definitions));
    let events = Headings {
        events: parse(source, &definitions),
        shift,
        ids,
        held: VecDeque::new(),
    };
    let events = Highlighted { events };
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// The text of Markdown, without its markup (what search indexes of the
/// notes): text and code, blocks separated by a line break.
pub fn to_text(source: &str) -> String {
    let mut out = String::new();
    let definitions = Definitions::of(source);
    for event in parse(source, &definitions) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::InlineMath(tex) | Event::DisplayMath(tex) => out.push_str(&math::to_text(&tex)),
            // Inline markup ends inside a line; anything else ends a block.
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// Pages longer than this are parsed a piece at a time: the parser holds
/// a tree of the whole text it is given, some twenty times its size for
/// dense Markdown, so a 50 MB page would take a gigabyte.
const PIECES_FROM: usize = 1 << 20;
/// About how long a piece is.
const PIECE: usize = 256 << 10;

/// The page's events. A long page is cut into pieces where a new block
/// surely starts (see [`pieces`]), each parsed when the one before is done;
/// link reference definitions reach across pieces through `definitions`.
fn parse<'a>(source: &'a str, definitions: &'a Definitions<'a>) -> impl Iterator<Item = Event<'a>> {
    let resolve = move |link: BrokenLink<'a>| definitions.resolve(&link.reference);
    pieces(source).into_iter().flat_map(move |piece| {
        Parser::new_with_broken_link_callback(piece, options(), Some(resolve))
    })
}

/// `source` cut before lines where a new top-level paragraph or heading
/// starts: after a blank line, at column 0, a letter or `#`, outside fenced
/// code and raw HTML blocks (which may hold blank lines). Nothing open can
/// carry on past such a line (lists, quotes and indented code need
/// indentation to), so each piece renders as it would in the whole; only
/// footnotes defined in another piece stay unresolved. A page with no such
/// line for long (one huge list) is cut before a top-level `- ` item (the
/// list is then two lists), and failing that after any blank line. Short
/// pages are one piece.
fn pieces(source: &str) -> Vec<&str> {
    if source.len() < PIECES_FROM {
        return vec![source];
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut at = 0;
    let mut blank_before = false;
    let mut fence: Option<(u8, usize)> = None;
    let mut raw_html: Option<&str> = None;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim_end();
        let indent = trimmed.len() - trimmed.trim_start_matches(' ').len();
        let body = trimmed.trim_start_matches(' ');
        if let Some((mark, len)) = fence {
            let run = body.bytes().take_while(|&b| b == mark).count();
            if indent < 4 && run >= len && body[run..].trim().is_empty() {
                fence = None;
            }
        } else if let Some(end) = raw_html {
            if trimmed.to_ascii_lowercase().contains(end) {
                raw_html = None;
            }
        } else {
            let first = trimmed.chars().next();
            let size = at - start;
            let starts_block = blank_before
                && first.is_some_and(|c| c.is_alphabetic() || c == '#')
                && size >= PIECE;
            let starts_item = indent == 0
                && ["- ", "* ", "+ "].iter().any(|m| trimmed.starts_with(m))
                && size >= 2 * PIECE;
            let after_blank = blank_before && !trimmed.is_empty() && size >= 4 * PIECE;
            if starts_block || starts_item || after_blank {
                pieces.push(&source[start..at]);
                start = at;
            }
            if indent < 4 {
                for mark in [b'`', b'~'] {
                    let run = body.bytes().take_while(|&b| b == mark).count();
                    if run >= 3 {
                        fence = Some((mark, run));
                    }
                }
                let lower = body.to_ascii_lowercase();
                raw_html = [
                    ("<!--", "-->"),
                    ("<?", "?>"),
                    ("<![cdata[", "]]>"),
                    ("<script", "</script>"),
                    ("<pre", "</pre>"),
                    ("<style", "</style>"),
                    ("<textarea", "</textarea>"),
                ]
                .into_iter()
                .find(|(open, close)| {
                    lower.starts_with(open) && !lower[open.len()..].contains(close)
                })
                .map(|(_, close)| close);
            }
        }
        blank_before = trimmed.is_empty();
        at += line.len();
    }
    pieces.push(&source[start..]);
    pieces
}

/// Link reference definitions (`[label]: url "title"`) of a page cut into
/// pieces, so a reference in one piece finds a definition in another. A
/// page in one piece needs none: the parser sees its own definitions.
struct Definitions<'a> {
    by_label: HashMap<String, (&'a str, &'a str)>,
}

impl<'a> Definitions<'a> {
    fn of(source: &'a str) -> Definitions<'a> {
        let mut by_label = HashMap::new();
        if source.len() >= PIECES_FROM {
            for line in source.lines() {
                if let Some((label, url, title)) = definition(line) {
                    by_label
                        .entry(normalize_label(label))
                        .or_insert((url, title));
                }
            }
        }
        Definitions { by_label }
    }

    fn resolve(&self, label: &str) -> Option<(CowStr<'a>, CowStr<'a>)> {
        let (url, title) = self.by_label.get(&normalize_label(label))?;
        Some((CowStr::Borrowed(url), CowStr::Borrowed(title)))
    }
}

/// `[label]: url "title"` on one line (up to three spaces in), as
/// (label, url, title); not a footnote's `[^x]:`.
fn definition(line: &str) -> Option<(&str, &str, &str)> {
    let body = line
        .strip_prefix("   ")
        .or_else(|| line.strip_prefix("  "))
        .or_else(|| line.strip_prefix(' '))
        .unwrap_or(line);
    let rest = body.strip_prefix('[')?;
    if rest.starts_with('^') {
        return None;
    }
    let (label, rest) = rest.split_once("]:")?;
    if label.trim().is_empty() || label.contains(['[', ']']) {
        return None;
    }
    let rest = rest.trim();
    let (url, title) = match rest.split_once(char::is_whitespace) {
        Some((url, title)) => (url, title.trim()),
        None => (rest, ""),
    };
    let url = url
        .strip_prefix('<')
        .and_then(|u| u.strip_suffix('>'))
        .unwrap_or(url);
    let title = title
        .strip_prefix(['"', '\'', '('])
        .and_then(|t| t.strip_suffix(['"', '\'', ')']))
        .unwrap_or("");
    (!url.is_empty()).then_some((label, url, title))
}

/// Labels match up to case and runs of white space, as CommonMark says.
fn normalize_label(label: &str) -> String {
    label
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `{#id}`s written on the page's headings: generated ids go around
/// them, wherever they stand. Only a page with a `{` can have one.
fn explicit_ids(source: &str, definitions: &Definitions) -> HashSet<String> {
    if !source.contains('{') {
        return HashSet::new();
    }
    parse(source, definitions)
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect()
}

/// Unique heading ids on one page: the slug of a heading's text, then
/// `-1`, `-2`, ... Each base remembers the next suffix to try, so 20,000
/// headings with one text cost 20,000 tries, not 200 million.
struct HeadingIds {
    used: HashSet<String>,
    next: HashMap<String, usize>,
    /// Candidates tried so far (the work done, for tests).
    tries: usize,
}

impl HeadingIds {
    fn new(explicit: HashSet<String>) -> HeadingIds {
        HeadingIds {
            used: explicit,
            next: HashMap::new(),
            tries: 0,
        }
    }

    fn assign(&mut self, text: &str) -> String {
        let base = match slug::slugify(text) {
            s if s.is_empty() => "section".to_string(),
            s => s,
        };
        self.tries += 1;
        let mut id = base.clone();
        if self.used.contains(&id) {
            let n = self.next.entry(base.clone()).or_insert(1);
            loop {
                id = format!("{base}-{n}");
                *n += 1;
                self.tries += 1;
                if !self.used.contains(&id) {
                    break;
                }
            }
        }
        self.used.insert(id.clone());
        id
    }
}

/// Shifts heading levels and gives every heading without an explicit
/// `{#id}` one made from its text, holding back one heading's events.
struct Headings<'a, I> {
    events: I,
    shift: usize,
    ids: HeadingIds,
    held: VecDeque<Event<'a>>,
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Headings<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.held.pop_front() {
            return Some(event);
        }
        let shift = self.shift;
        let deeper = |level: HeadingLevel| {
            HeadingLevel::try_from((level as usize + shift).min(6)).unwrap_or(HeadingLevel::H6)
        };
        match self.events.next()? {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let level = deeper(level);
                let id = match id {
                    Some(id) => id,
                    None => {
                        // Hold the heading's events to read its text.
                        let mut text = String::new();
                        for event in self.events.by_ref() {
                            match &event {
                                Event::Text(t) | Event::Code(t) => text.push_str(t),
                                Event::End(TagEnd::Heading(_)) => {
                                    self.held.push_back(event);
                                    break;
                                }
                                _ => {}
                            }
                            self.held.push_back(event);
                        }
                        if let Some(Event::End(TagEnd::Heading(l))) = self.held.back_mut() {
                            *l = level;
                        }
                        CowStr::from(self.ids.assign(&text))
                    }
                };
                Some(Event::Start(Tag::Heading {
                    level,
                    id: Some(id),
                    classes,
                    attrs,
                }))
            }
            Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(deeper(level)))),
            event => Some(event),
        }
    }
}

/// Replaces each fenced code block by its highlighted HTML (indented blocks
/// have no language and stay as pulldown-cmark renders them), and each
/// formula by its MathML.
struct Highlighted<I> {
    events: I,
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Highlighted<I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        match self.events.next()? {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => {
                let mut code = String::new();
                for event in self.events.by_ref() {
                    match event {
                        Event::Text(t) => code.push_str(&t),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                }
                Some(Event::Html(CowStr::from(highlight::code_block(
                    &lang, &code,
                ))))
            }
            Event::InlineMath(tex) => Some(Event::InlineHtml(CowStr::from(math::to_mathml(
                &tex,
                Display::Inline,
            )))),
            Event::DisplayMath(tex) => Some(Event::InlineHtml(CowStr::from(math::to_mathml(
                &tex,
                Display::Block,
            )))),
            event => Some(event),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_footnotes_strikethrough_tasklists_render() {
        let html = to_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1].\n\n[^1]: Note.\n\n~~gone~~\n\n- [x] done\n",
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("footnote"), "{html}");
        assert!(html.contains("<del>gone</del>"), "{html}");
        assert!(html.contains("type=\"checkbox\""), "{html}");
    }

    #[test]
    fn text_keeps_words_and_drops_markup() {
        let text =
            to_text("# Notes\n\nSee *[ImageNet](https://x.org)* and `int8`.\n\n- one\n- two");
        assert!(text.contains("Notes\n"), "{text}");
        assert!(text.contains("See ImageNet and int8."), "{text}");
        assert!(!text.contains("https"), "{text}");
        assert!(text.contains("one\n") && text.contains("two"), "{text}");
    }

    #[test]
    fn headings_get_unique_anchor_ids() {
        let html = to_html("# Why it matters\n\n## Why it matters\n\n## Custom {#mine}\n");
        assert!(html.contains("<h1 id=\"why-it-matters\">"), "{html}");
        assert!(html.contains("<h2 id=\"why-it-matters-1\">"), "{html}");
        assert!(html.contains("<h2 id=\"mine\">"), "{html}");
    }

    #[test]
    fn fenced_code_is_highlighted_with_classes() {
        let html = to_html("```python\ndef f(x):\n    return x < 1\n```\n");
        assert!(html.contains("hl-code"), "{html}");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("&lt;"), "code is escaped: {html}");
    }

    #[test]
    fn template_syntax_in_notes_is_plain_text() {
        let html = to_html("{{ config.title }} {% raw %}");
        assert!(html.contains("{{ config.title }}"), "{html}");
    }

    #[test]
    fn shifted_headings_go_one_level_down_and_stop_at_h6() {
        let html = to_html_shifted("# A\n\n###### B\n", 1);
        assert!(html.contains("<h2 id=\"a\">A</h2>"), "{html}");
        assert!(html.contains("<h6 id=\"b\">B</h6>"), "{html}");
    }

    #[test]
    fn math_in_notes_is_mathml_and_keeps_its_tex() {
        // The issue's note: Markdown escapes used to eat `\{`.
        let html = to_html("We pick $x \\in \\{4,8\\}$ here.\n\n$$\\sum_i x_i$$\n");
        assert!(html.starts_with("<p>We pick <math>"), "{html}");
        assert!(
            html.contains(
                "<annotation encoding=\"application/x-tex\">x \\in \\{4,8\\}</annotation>"
            ),
            "the TeX, backslashes and all: {html}"
        );
        assert!(html.contains("<math display=\"block\">"), "{html}");
        assert!(!html.contains('$'), "{html}");
    }

    #[test]
    fn math_in_notes_reaches_search_as_readable_text() {
        let text = to_text("We pick $x \\in \\{4,8\\}$ in $O(n \\log n)$.\n");
        assert_eq!(
            text,
            format!(
                "We pick {} in O(n log n).\n",
                math::to_text("x \\in \\{4,8\\}")
            )
        );
        assert!(!text.contains('\\'), "{text}");
    }

    #[test]
    fn dollars_as_currency_and_broken_math_stay_readable() {
        let html = to_html("It costs $5 and $10 a month.\n");
        assert_eq!(html, "<p>It costs $5 and $10 a month.</p>\n");
        let html = to_html("Broken: $x^{$ and $\\frac{a}$.\n");
        // Unbalanced braces are not math to Markdown: text, as written.
        assert!(html.starts_with("<p>Broken: $x^{$ and "), "{html}");
        assert!(
            html.contains("<span class=\"math-tex\">$\\frac{a}$</span>"),
            "{html}"
        );
        let html = to_html("`$x$` in code\n");
        assert!(html.contains("<code>$x$</code>"), "{html}");
    }

    #[test]
    fn a_note_of_adversarial_math_renders_in_bounded_time() {
        let nested = format!("${}x{}$\n", "{".repeat(5000), "}".repeat(5000));
        assert!(to_html(&nested).contains("math-tex"));
        let huge = format!("$${}$$\n", "a+b ".repeat(2_500_000));
        assert!(to_html(&huge).contains("math-tex"));
    }

    #[test]
    fn empty_notes_render_nothing() {
        assert_eq!(to_html("\n  \n"), "");
    }

    #[test]
    fn twenty_thousand_headings_of_one_text_cost_linear_work() {
        let mut ids = HeadingIds::new(HashSet::from(["same-3".to_string()]));
        let got: Vec<String> = (0..20_000).map(|_| ids.assign("Same")).collect();
        assert_eq!(&got[..5], ["same", "same-1", "same-2", "same-4", "same-5"]);
        assert_eq!(got.last().unwrap(), "same-20000");
        assert!(ids.tries <= 2 * 20_000 + 1, "{} tries", ids.tries);
    }

    #[test]
    fn heading_ids_go_around_explicit_ones_anywhere_on_the_page() {
        let html = to_html("# A\n\n# A\n\n# B {#a-1}\n\n# A\n");
        assert!(html.contains("<h1 id=\"a\">A</h1>"), "{html}");
        assert!(html.contains("<h1 id=\"a-2\">A</h1>"), "{html}");
        assert!(html.contains("<h1 id=\"a-1\">B</h1>"), "{html}");
        assert!(html.contains("<h1 id=\"a-3\">A</h1>"), "{html}");
    }

    /// A long page is parsed a piece at a time; it must render as the
    /// whole would: every construct here is checked against a one-piece
    /// render of the same text.
    #[test]
    fn a_long_page_renders_in_pieces_as_it_would_whole() {
        let unit = "Intro with a [ref link][Docs] and *em*.\n\n\
                    # Heading\n\n\
                    - item one\n\n  continued item\n- item two\n\n\
                    ```rust\nfn main() {}\n\nlet x = 1;\n```\n\n\
                    <!-- a comment\n\nwith a blank line -->\n\n\
                    > quoted\n\n\
                    | a | b |\n|---|---|\n| 1 | 2 |\n\n\
                        indented code\n\n\
                    Plain paragraph.\n\n";
        let definition = "[docs]: https://example.org/docs \"The docs\"\n\n";
        let copies = PIECES_FROM / unit.len() + 2;
        let long = format!("{definition}{}", unit.repeat(copies));
        let cut = pieces(&long);
        assert!(cut.len() > 3, "{} pieces", cut.len());
        assert_eq!(cut.concat(), long, "nothing lost between pieces");
        // Each piece starts a block, and renders as that part of the whole.
        let whole = |text: &str| {
            let mut out = String::new();
            html::push_html(&mut out, Parser::new_ext(text, options()));
            out
        };
        let definitions = Definitions::of(&long);
        let mut in_pieces = String::new();
        html::push_html(&mut in_pieces, parse(&long, &definitions));
        assert_eq!(in_pieces, whole(&long));
        assert!(
            in_pieces
                .contains("<a href=\"https://example.org/docs\" title=\"The docs\">ref link</a>")
        );
    }

    #[test]
    fn one_huge_list_is_cut_between_items() {
        let long = "- item with *em* and `code`\n".repeat(PIECES_FROM / 10);
        let cut = pieces(&long);
        assert!(cut.len() > 3, "{} pieces", cut.len());
        assert_eq!(cut.concat(), long);
        assert!(cut.iter().all(|p| p.starts_with("- ")));
        let mut whole = String::new();
        html::push_html(&mut whole, Parser::new_ext(&long, options()));
        let definitions = Definitions::of(&long);
        let mut in_pieces = String::new();
        html::push_html(&mut in_pieces, parse(&long, &definitions));
        assert_eq!(
            in_pieces.replace("</ul>\n<ul>\n", ""),
            whole,
            "the same items, in lists of a piece each"
        );
    }
}
