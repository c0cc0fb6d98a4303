//! Papers in jobs, and their keys: a job that shows a paper's card holds a
//! [`PaperRef`], one that shows its notes a [`Noted`] (see the engine's
//! module comment).

use std::hash::{Hash, Hasher};

use crate::fingerprint::Stable;
use crate::site::Paper;

/// A paper in a job. Hashes as every fact of the paper but its notes (and
/// the site key): a job holding a `PaperRef` must not show `paper.body`;
/// one that does holds a [`Noted`] instead.
#[derive(Clone, Copy)]
pub struct PaperRef<'s> {
    /// Its position in `site.papers`.
    pub(super) pos: usize,
    /// The paper's facts without its notes.
    pub(super) shown: u64,
    /// Its notes.
    pub(super) notes: u64,
    pub paper: &'s Paper,
}

impl<'s> PaperRef<'s> {
    /// The paper with its notes, for a job that shows them.
    pub fn noted(self) -> Noted<'s> {
        Noted(self)
    }
}

impl Hash for PaperRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.shown.hash(state);
    }
}

/// A paper in a job that shows its notes (its own page, the search index):
/// hashes as its facts and its notes.
#[derive(Clone, Copy)]
pub struct Noted<'s>(pub PaperRef<'s>);

impl Hash for Noted<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        SHOWN_NOTES.with(|seen| seen.borrow_mut().add(self.0.pos));
        (self.0.shown, self.0.notes).hash(state);
    }
}

/// Whose notes a job shows, told by hashing it (see [`shows_notes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Notes {
    /// No paper's: the job cannot change when only notes do.
    None,
    /// These papers' (positions in `site.papers`): a paper's own page.
    Of(Box<[usize]>),
    /// More than [`FEW`] papers' (the search index): whichever paper's
    /// notes change, the job changes.
    Many,
}

/// The most papers a job may show the notes of and still be told by
/// paper ([`Notes::Of`]).
const FEW: usize = 8;

/// The positions of the [`Noted`] papers hashed on this thread since the
/// last [`shows_notes`], up to [`FEW`] and a flag for more.
#[derive(Default)]
struct Seen {
    positions: Vec<usize>,
    many: bool,
}

impl Seen {
    fn add(&mut self, pos: usize) {
        if self.positions.contains(&pos) {
            return;
        }
        match self.positions.len() < FEW {
            true => self.positions.push(pos),
            false => self.many = true,
        }
    }

    fn take(&mut self) -> Notes {
        let seen = std::mem::take(self);
        match (seen.many, seen.positions.is_empty()) {
            (true, _) => Notes::Many,
            (false, true) => Notes::None,
            (false, false) => Notes::Of(seen.positions.into_boxed_slice()),
        }
    }
}

thread_local! {
    /// What [`Noted`]s were hashed on this thread (see [`shows_notes`]).
    static SHOWN_NOTES: std::cell::RefCell<Seen> = std::cell::RefCell::default();
}

/// Runs `key` (a job's key, made by hashing the job) and tells whose
/// notes the job shows: the papers it holds as [`Noted`]. A job's key
/// covers all it shows, so a job that hashes no paper's notes cannot
/// change when only notes do, and one that hashes a few changes only when
/// theirs do.
pub(super) fn shows_notes(key: impl FnOnce() -> u64) -> (u64, Notes) {
    SHOWN_NOTES.with(|seen| seen.borrow_mut().take());
    let key = key();
    (key, SHOWN_NOTES.with(|seen| seen.borrow_mut().take()))
}

/// The key of everything a [`PaperRef`] may show: every field of the
/// paper but its notes (and the fingerprint, which covers the notes).
/// Spelt out, so a new field cannot be left out of the key.
pub(super) fn shown_key(site_key: u64, paper: &Paper) -> u64 {
    let Paper {
        slug,
        source,
        body_line,
        title,
        arxiv,
        date,
        authors,
        organization,
        upvotes,
        tags,
        code,
        links,
        digests,
        listed,
        abstract_,
        body: _,
        extra,
        key,
        fingerprint: _,
        warnings,
    } = paper;
    let mut h = Stable::default();
    (site_key, slug, source, body_line, title, arxiv, date).hash(&mut h);
    (authors, organization, upvotes, tags, code, links, digests).hash(&mut h);
    (listed, abstract_, key, warnings).hash(&mut h);
    // A table of TOML values (floats) has no `Hash`; its JSON is what
    // templates see of it.
    serde_json::to_string(extra)
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}
