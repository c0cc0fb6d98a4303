use std::collections::HashSet;

use pulldown_cmark::{Parser, html};

use super::headings::HeadingIds;
use super::pieces::{Definitions, PIECES_FROM, parse, pieces};
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
    let text = to_text("# Notes\n\nSee *[ImageNet](https://x.org)* and `int8`.\n\n- one\n- two");
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
        html.contains("<annotation encoding=\"application/x-tex\">x \\in \\{4,8\\}</annotation>"),
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
        in_pieces.contains("<a href=\"https://example.org/docs\" title=\"The docs\">ref link</a>")
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
