//! The person's notes (and free pages): Markdown → HTML with pulldown-cmark.
//!
//! Tables, footnotes, strikethrough, task lists and math are on; every
//! heading gets an `id` (its slugified text, made unique on the page) so
//! sections can be linked; fenced code blocks are highlighted by
//! [`highlight`]; `$…$` and `$$…$$` become MathML by [`math`], their TeX
//! untouched by Markdown's escapes.

use std::collections::BTreeSet;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html,
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
pub fn to_html_shifted(source: &str, shift: usize) -> String {
    if source.trim().is_empty() {
        return String::new();
    }
    let mut events: Vec<Event> = Parser::new_ext(source, options()).collect();
    if shift > 0 {
        shift_headings(&mut events, shift);
    }
    let events = with_heading_ids(events);
    let events = with_highlighted_code(events);
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    out
}

fn shift_headings(events: &mut [Event<'_>], shift: usize) {
    let deeper = |level: HeadingLevel| {
        HeadingLevel::try_from((level as usize + shift).min(6)).unwrap_or(HeadingLevel::H6)
    };
    for event in events.iter_mut() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => *level = deeper(*level),
            Event::End(TagEnd::Heading(level)) => *level = deeper(*level),
            _ => {}
        }
    }
}

/// Gives every heading without an explicit `{#id}` one made from its text.
fn with_heading_ids(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut used: BTreeSet<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    for i in 0..events.len() {
        let Event::Start(Tag::Heading { id: None, .. }) = &events[i] else {
            continue;
        };
        let mut text = String::new();
        for e in &events[i + 1..] {
            match e {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        let base = match slug::slugify(&text) {
            s if s.is_empty() => "section".to_string(),
            s => s,
        };
        let mut id = base.clone();
        let mut n = 1;
        while used.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        used.insert(id.clone());
        if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
            *slot = Some(CowStr::from(id));
        }
    }
    events
}

/// Replaces each fenced code block by its highlighted HTML (indented blocks
/// have no language and stay as pulldown-cmark renders them), and each
/// formula by its MathML.
fn with_highlighted_code(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut fence: Option<(String, String)> = None;
    for event in events {
        match (&mut fence, event) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))) => {
                fence = Some((lang.to_string(), String::new()));
            }
            (Some((_, code)), Event::Text(t)) => code.push_str(&t),
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                let (lang, code) = fence.take().expect("inside a fence");
                out.push(Event::Html(CowStr::from(highlight::code_block(
                    &lang, &code,
                ))));
            }
            (Some(_), _) => {}
            (None, Event::InlineMath(tex)) => out.push(Event::InlineHtml(CowStr::from(
                math::to_mathml(&tex, Display::Inline),
            ))),
            (None, Event::DisplayMath(tex)) => out.push(Event::InlineHtml(CowStr::from(
                math::to_mathml(&tex, Display::Block),
            ))),
            (None, event) => out.push(event),
        }
    }
    out
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
}
