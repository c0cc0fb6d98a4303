//! The person's notes (and free pages): Markdown → HTML with pulldown-cmark.
//!
//! Tables, footnotes, strikethrough, task lists and math are on; every
//! heading gets an `id` (its slugified text, made unique on the page) so
//! sections can be linked; fenced code blocks are highlighted by
//! [`highlight`]; `$…$` and `$$…$$` become MathML by [`math`], their TeX
//! untouched by Markdown's escapes.
//!
//! Long pages are parsed in pieces (`pieces`); headings get their levels
//! and ids in `headings`.

mod headings;
mod pieces;

use std::collections::VecDeque;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Tag, TagEnd, html};

use super::highlight;
use super::math::{self, Display};
use headings::{HeadingIds, Headings, explicit_ids};
use pieces::{Definitions, parse};

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
mod tests;
