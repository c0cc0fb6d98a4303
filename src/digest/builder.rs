//! The entry being read, for the shapes with links (`linked`, `markdown`):
//! starting one at its title and paper link, upvote counts seen before
//! their entry, a page header seen again, and handing entries over.

use super::fields::{parse_date, quote};
use super::{Digest, Entry, Who, arxiv};
use crate::diagnostic::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// After the title: text is abstract until something ends it.
    Abstract,
    /// After the abstract: authors, organization, date, counts.
    Details,
}

pub(super) struct Current {
    pub entry: Entry,
    /// The paper link's id as written, which ties the links around it
    /// (`None` in exports that kept no URLs).
    pub segment: Option<String>,
    pub phase: Phase,
    pub paragraphs: Vec<String>,
    /// Last line of abstract text read, to join hard-wrapped lines.
    pub abstract_end: usize,
}

impl Current {
    /// An author count: the entry's, unless it names its authors already;
    /// the details have begun.
    pub fn authors(&mut self, n: u32) {
        if self.entry.who.is_none() {
            self.entry.who = Some(Who::Authors(n));
        }
        self.phase = Phase::Details;
    }
}

pub(super) struct Builder<'d> {
    pub digest: &'d mut Digest,
    pub current: Option<Current>,
    /// An upvote count seen before its entry: (paper id when known, count).
    pending_upvotes: Option<(Option<String>, Option<u32>)>,
    /// A repeated page header has been reported since the last entry.
    header_reported: bool,
}

impl<'d> Builder<'d> {
    pub fn new(digest: &'d mut Digest) -> Self {
        Builder {
            digest,
            current: None,
            pending_upvotes: None,
            header_reported: false,
        }
    }

    pub fn warn(&mut self, line: usize, message: String) {
        let origin = self.digest.origin.clone();
        self.digest
            .diagnostics
            .push(Diagnostic::warning(origin, line, message));
    }

    /// The current entry, finished: its paragraphs joined into its abstract.
    pub fn take(&mut self) -> Option<Entry> {
        let c = self.current.take()?;
        let mut entry = c.entry;
        entry.abstract_raw = c.paragraphs.join("\n\n");
        Some(entry)
    }

    pub fn push(&mut self, entry: Entry) {
        self.digest.entries.push(entry);
    }

    /// A date alone before the first paper: the listing's date.
    pub fn listing_date(&mut self, text: &str) {
        if self.digest.entries.is_empty()
            && self.digest.listing_date.is_none()
            && let Some((date, None)) = parse_date(text)
        {
            self.digest.listing_date = Some(date);
        }
    }

    pub fn any_entry(&self) -> bool {
        self.current.is_some() || !self.digest.entries.is_empty()
    }

    pub fn current_is(&self, segment: &str) -> bool {
        self.current
            .as_ref()
            .is_some_and(|c| c.segment.as_deref() == Some(segment))
    }

    /// An upvote count for the paper `segment` (or the next paper, when the
    /// dump does not say which): the current entry's when it is that paper
    /// (the trending page puts the button after its paper), else kept for
    /// the entry it comes before.
    pub fn upvotes(&mut self, segment: Option<String>, count: Option<u32>) {
        if let Some(s) = &segment
            && self.current_is(s)
            && let Some(c) = self.current.as_mut()
        {
            c.entry.upvotes = count;
            return;
        }
        self.pending_upvotes = Some((segment, count));
    }

    /// Starts an entry (the caller has finished the one before). The paper
    /// link's id is checked, at `link_line`, as an arXiv id.
    pub fn start(&mut self, line: usize, title: String, segment: Option<String>, link_line: usize) {
        self.header_reported = false;
        let arxiv = segment.as_deref().and_then(arxiv::normalize);
        if let Some(s) = &segment
            && arxiv.is_none()
        {
            self.warn(
                link_line,
                format!(
                    "\"{}\" in this paper link is not an arXiv id; the paper is kept without one",
                    quote(s)
                ),
            );
        }
        let upvotes = match self.pending_upvotes.take() {
            Some((None, count)) => count,
            Some((Some(s), count)) if Some(&s) == segment.as_ref() => count,
            _ => None,
        };
        self.current = Some(Current {
            entry: Entry {
                line,
                title,
                abstract_raw: String::new(),
                who: None,
                date: None,
                upvotes,
                arxiv,
                comments: None,
            },
            segment,
            phase: Phase::Abstract,
            paragraphs: Vec::new(),
            abstract_end: 0,
        });
    }

    /// A page header after papers (the caller has finished the entry before
    /// it): said once per repeat.
    pub fn repeated_header(&mut self, line: usize) {
        if !self.header_reported {
            self.header_reported = true;
            self.warn(
                line,
                "a page header again after papers: were two pages saved into one file? \
                 (papers listed twice are merged)"
                    .to_string(),
            );
        }
    }
}
