//! Which way a dump was saved, told from its content (never its file name).
//!
//! - **Markdown** (a scraper's export, a "save as Markdown" clipper): paper
//!   titles are headings, links are written `[text](url)` or `[text][n]`.
//! - **Linked** (a plain-text copy that keeps links): every link's URL
//!   stands alone on the line after its text.
//! - **Plain** (the browser's plain-text copy, as the seeds): neither.

use super::fields::{Line, is_url};
use super::hf_url::{Target, classify};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Plain,
    Linked,
    Markdown,
}

/// Counts the lines that only one shape writes and takes the shape with
/// more of them; a dump with neither is plain. Two lines of a shape are
/// needed (a plain dump may hold an odd line), and a copy with links has a
/// paper link on a line of its own (what its entries are anchored on).
pub fn detect(lines: &[Line]) -> Shape {
    let mut markdown = 0usize;
    let mut linked = 0usize;
    let mut paper_links = 0usize;
    for line in lines {
        let text = line.text;
        if is_markdown_line(text) {
            markdown += 1;
        } else if is_url(text) {
            linked += 1;
            if matches!(classify(text), Target::Paper(_)) {
                paper_links += 1;
            }
        }
    }
    if markdown >= 2 && markdown >= linked / 4 {
        Shape::Markdown
    } else if linked >= 2 && paper_links >= 1 {
        Shape::Linked
    } else {
        Shape::Plain
    }
}

/// A heading holding a link (`### [Title](...)`, `### [Title][3]`), a line
/// that opens with a complete link (`[101](https://...)`), or a heading a
/// Markdown export puts over a paper title (`### Title`).
fn is_markdown_line(text: &str) -> bool {
    let heading = text
        .strip_prefix("###")
        .or_else(|| text.strip_prefix("##"))
        .or_else(|| text.strip_prefix('#'))
        .is_some_and(|rest| rest.starts_with([' ', '#']));
    let opens_link = text.starts_with('[')
        && (text.contains("](http") || text.contains("](/") || text.contains("]["));
    heading || opens_link
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::fields::non_blank_lines;

    fn shape(text: &str) -> Shape {
        detect(&non_blank_lines(text))
    }

    #[test]
    fn each_shape_is_told_by_its_own_lines() {
        let markdown = "# Daily Papers\n\n[101](https://huggingface.co/login?next=%2Fpapers%2F2606.00683)\n\n\
                        ### [OCC-RAG](https://huggingface.co/papers/2606.00683)\n";
        assert_eq!(shape(markdown), Shape::Markdown);
        let linked = " [-] 1\n\nhttps://huggingface.co/login?next=%2Fpapers%2F2410.05434\n\n\
                      Better than Your Teacher\n\nhttps://huggingface.co/papers/2410.05434\n\n\
                      [\n\n2 authors](https://huggingface.co/papers/2410.05434)\n";
        assert_eq!(shape(linked), Shape::Linked);
        let plain = "Daily Papers\n\nApr 28\n\nA Title\n\nAn abstract with a link https://github.com/a/b.\n";
        assert_eq!(shape(plain), Shape::Plain);
    }

    #[test]
    fn one_odd_line_does_not_change_the_shape() {
        let plain = "Daily Papers\n\nA Title\n\nhttps://example.org/alone\n\nAn abstract.\n";
        assert_eq!(shape(plain), Shape::Plain);
        let plain = "# Not a heading really\n\nA Title\n\nAn abstract.\n";
        assert_eq!(shape(plain), Shape::Plain);
        let plain =
            "A Title\n\nhttps://huggingface.co/login\n\nhttps://example.org\n\nAn abstract.\n";
        assert_eq!(
            shape(plain),
            Shape::Plain,
            "no paper link: nothing to anchor on"
        );
    }
}
