//! A plain-text copy that keeps links: each link's URL stands alone on the
//! line after its text.
//!
//! ```text
//!  [-] 1                                              upvotes (`-`: none)
//! https://huggingface.co/login?next=%2Fpapers%2F2410.05434
//! Better than Your Teacher: LLM Agents that ...       the title
//! https://huggingface.co/papers/2410.05434            ← the paper link
//! While large language models (LLMs) show ...         the abstract
//! https://huggingface.co/papers/2410.05434            ← the same link again
//! [
//! 2 authors](https://huggingface.co/papers/2410.05434)  or an organization:
//! ·                                                    `Google` then
//! Oct 7, 2024                                          https://huggingface.co/google
//! 2                                                    comments, optional
//! https://huggingface.co/papers/2410.05434#community
//! ```
//!
//! A title is the text right before a paper link that opens a new entry;
//! the abstract is the text up to the paper link's second appearance. The
//! site's navigation, the search box, tabs and footer are text followed by
//! links that are not paper links, so they never start an entry.

use super::builder::{Builder, Phase};
use super::fields::{
    Line, author_count, is_dot, is_header_phrase, is_page_chrome, is_url, parse_counter,
    parse_date, parse_published, quote,
};
use super::hf_url::{Target, classify};
use super::{Digest, Who, arxiv};

struct Parser<'d> {
    b: Builder<'d>,
}

pub(super) fn parse(lines: &[Line<'_>], digest: &mut Digest) {
    let mut p = Parser {
        b: Builder::new(digest),
    };
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if is_url(line.text) {
            p.lone_url(line);
            i += 1;
            continue;
        }
        let next = lines
            .get(i + 1)
            .filter(|l| is_url(l.text))
            .map(|l| (*l, classify(l.text)));
        match next.map(|(url_line, target)| p.text_with_link(line, url_line, target)) {
            Some(true) => i += 2,
            _ => {
                p.text(line);
                i += 1;
            }
        }
    }
    p.finish();
}

impl Parser<'_> {
    fn finish(&mut self) {
        if let Some(entry) = self.b.take() {
            self.b.push(entry);
        }
    }

    /// A URL whose text line was not taken with it: the paper link again
    /// (an avatar, the abstract's own link) ends the abstract; others are
    /// navigation.
    fn lone_url(&mut self, line: Line) {
        if let Target::Paper(segment) = classify(line.text)
            && let Some(c) = self.b.current.as_mut()
            && c.segment.as_deref() == Some(segment.as_str())
        {
            c.phase = Phase::Details;
        }
    }

    /// A text line and the link on the line after it. Returns whether both
    /// lines were taken.
    fn text_with_link(&mut self, line: Line, url_line: Line, target: Target) -> bool {
        match target {
            Target::Paper(segment) => {
                if let Some(c) = self.b.current.as_mut()
                    && c.segment.as_deref() == Some(segment.as_str())
                    && c.phase == Phase::Abstract
                {
                    c.paragraphs.push(line.text.to_string());
                    c.phase = Phase::Details;
                    return true;
                }
                if !self.is_title(line) {
                    return false;
                }
                self.start(line, url_line, segment);
                true
            }
            Target::Login(Some(segment)) => {
                let Some(count) = parse_counter(line.text) else {
                    return false;
                };
                self.b.upvotes(Some(segment), count);
                true
            }
            Target::Community(segment) => {
                let count = parse_counter(line.text);
                if let (Some(count), true) = (count, self.b.current_is(&segment))
                    && let Some(c) = self.b.current.as_mut()
                {
                    c.entry.comments = count;
                    return true;
                }
                false
            }
            Target::Profile(handle) => {
                let Some(c) = self.b.current.as_mut() else {
                    return false;
                };
                if c.entry.who.is_some() || c.entry.date.is_some() || is_page_chrome(line.text) {
                    return false;
                }
                c.entry.who = Some(Who::Organization {
                    name: line.text.to_string(),
                    handle: Some(handle),
                });
                c.phase = Phase::Details;
                true
            }
            Target::Arxiv(id) => {
                if let Some(c) = self.b.current.as_mut()
                    && c.entry.arxiv.is_none()
                {
                    c.entry.arxiv = arxiv::normalize(&id);
                }
                true
            }
            Target::Login(None) | Target::Other => false,
        }
    }

    /// Text before a paper link is a title unless it is one of the page's
    /// own words, a detail (`·`, a date, an author count), or a URL.
    fn is_title(&mut self, line: Line) -> bool {
        let text = line.text;
        if text.contains("://") && !text.contains(' ') {
            self.b.warn(
                line.number,
                format!(
                    "skipped \"{}\": a URL where a paper title was expected",
                    quote(text)
                ),
            );
            return false;
        }
        !(is_page_chrome(text)
            || is_dot(text)
            || detail_authors(text).is_some()
            || parse_date(text).is_some()
            || parse_counter(text).is_some_and(|c| c.is_none()))
    }

    fn start(&mut self, title: Line, url_line: Line, segment: String) {
        self.finish();
        self.b.start(
            title.number,
            title.text.to_string(),
            Some(segment),
            url_line.number,
        );
    }

    /// A text line on its own: part of an abstract, a detail, the listing
    /// date, or page text to skip.
    fn text(&mut self, line: Line) {
        let text = line.text;
        if is_header_phrase(text) && self.b.any_entry() {
            self.finish();
            self.b.repeated_header(line.number);
            return;
        }
        let Some(c) = self.b.current.as_mut() else {
            self.b.listing_date(text);
            return;
        };
        if text == "[" || text == "]" {
            return;
        }
        if let Some(n) = detail_authors(text) {
            c.authors(n);
        } else if is_dot(text) {
            c.phase = Phase::Details;
        } else if let Some(date) = parse_published(text) {
            if c.entry.date.is_none() {
                c.entry.date = Some(date);
            }
            c.phase = Phase::Details;
        } else if let Some((date, upvotes)) = parse_date(text)
            && c.phase == Phase::Details
        {
            if c.entry.date.is_none() {
                c.entry.date = Some(date);
                c.entry.upvotes = c.entry.upvotes.or(upvotes);
            }
        } else if c.phase == Phase::Abstract {
            c.paragraphs.push(text.to_string());
        }
    }
}

/// `2 authors](https://...)` (the end of a link whose `[` is on the line
/// before), `- 3 authors`, `3 authors`.
fn detail_authors(text: &str) -> Option<u32> {
    let text = match text.split_once("](") {
        Some((inside, _)) => inside,
        None => text,
    };
    author_count(text.trim_start_matches('[').trim())
}

#[cfg(test)]
mod tests {
    use crate::digest::{DumpDate, Who, parse};

    const ABSTRACT: &str = "We propose a method that works, evaluate it on many benchmarks, \
                            and find that it improves results across the board.";

    fn entry(upvotes: &str, id: &str, title: &str, details: &str) -> String {
        format!(
            " [-] {upvotes}\n\nhttps://huggingface.co/login?next=%2Fpapers%2F{id}\n\n{title}\n\n\
             https://huggingface.co/papers/{id}\n\n{ABSTRACT}\n\nhttps://huggingface.co/papers/{id}\n\n\
             {details}\n\n"
        )
    }

    fn authors(n: u32, id: &str) -> String {
        format!("[\n\n{n} authors](https://huggingface.co/papers/{id})\n\n·\n\nOct 7, 2024")
    }

    const HEADER: &str = "Models\n\nhttps://huggingface.co/models\n\nLog In\n\nhttps://huggingface.co/login\n\n\
                          Daily Papers\n\nby \n\nAK\n\nhttps://huggingface.co/akhaliq\n\n and the research community\n\n\
                          Intercode Bash\n\nDaily\n\nWeekly\n\nMonthly \n\nhttps://huggingface.co/papers/trending\n\n\
                          https://huggingface.co/papers/date/2026-03-24\n\nMar 25\n\n";

    #[test]
    fn entries_are_anchored_on_their_paper_links_and_navigation_is_not_a_paper() {
        let text = format!(
            "{HEADER}{}{}{}",
            entry(
                "1",
                "2410.05434",
                "Better than Your Teacher",
                &authors(2, "2410.05434")
            ),
            entry(
                "-",
                "2510.21057",
                "Soft Instruction De-escalation Defense",
                "https://huggingface.co/papers/2510.21057\n\n Google\n\nhttps://huggingface.co/google\n\n·\n\n\
                 Oct 23, 2025 \n\n1\n\nhttps://huggingface.co/papers/2510.21057#community"
            ),
            entry("74", "2048.00001", "2048", &authors(3, "2048.00001")),
        );
        let d = parse(text.as_bytes(), "l.txt");
        let titles: Vec<_> = d.entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Better than Your Teacher",
                "Soft Instruction De-escalation Defense",
                "2048"
            ]
        );
        assert_eq!(
            d.listing_date,
            Some(DumpDate {
                year: None,
                month: 3,
                day: 25
            })
        );
        let [a, b, c] = &d.entries[..] else {
            unreachable!()
        };
        assert_eq!(a.abstract_raw, super::tests::ABSTRACT);
        assert_eq!(a.arxiv.as_deref(), Some("2410.05434"));
        assert_eq!(a.upvotes, Some(1));
        assert_eq!(a.who, Some(Who::Authors(2)));
        assert_eq!(
            a.date,
            Some(DumpDate {
                year: Some(2024),
                month: 10,
                day: 7
            })
        );
        assert_eq!(b.upvotes, None, "`-` is no count");
        assert_eq!(
            b.who,
            Some(Who::Organization {
                name: "Google".into(),
                handle: Some("google".into())
            })
        );
        assert_eq!(b.comments, Some(1));
        assert_eq!(b.date.map(|d| d.year), Some(Some(2025)));
        assert_eq!(c.upvotes, Some(74));
        // `2048.00001` is not an arXiv id (no month 48): a warning, no id.
        assert_eq!(c.arxiv, None);
        assert_eq!(d.diagnostics.len(), 1, "{:?}", d.diagnostics);
        assert!(d.diagnostics[0].message.contains("not an arXiv id"));
    }

    #[test]
    fn a_page_saved_twice_is_reported_once_per_repeat() {
        let one = format!(
            "{HEADER}{}",
            entry(
                "1",
                "2410.05434",
                "Better than Your Teacher",
                &authors(2, "2410.05434")
            )
        );
        let d = parse(format!("{one}{one}").as_bytes(), "twice.txt");
        assert_eq!(d.entries.len(), 2);
        assert_eq!(d.diagnostics.len(), 1, "{:?}", d.diagnostics);
        assert!(d.diagnostics[0].message.contains("two pages"));
    }

    #[test]
    fn only_navigation_is_not_a_digest() {
        let d = parse(HEADER.as_bytes(), "nav.txt");
        assert!(d.entries.is_empty());
        assert_eq!(d.diagnostics.len(), 1);
        assert!(
            d.diagnostics[0]
                .to_string()
                .starts_with("nav.txt:1: warning: not a digest")
        );
    }
}
