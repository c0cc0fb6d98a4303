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
        HASHED_NOTES.with(|seen| seen.set(true));
        (self.0.shown, self.0.notes).hash(state);
    }
}

thread_local! {
    /// Set when a [`Noted`] is hashed on this thread (see [`shows_notes`]).
    static HASHED_NOTES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `key` (a job's key, made by hashing the job) and tells whether
/// the job holds a [`Noted`]: whether some paper's notes show in it. A
/// job's key covers all it shows, so a job that hashes no notes cannot
/// change when only notes do.
pub(super) fn shows_notes(key: impl FnOnce() -> u64) -> (u64, bool) {
    HASHED_NOTES.with(|seen| seen.set(false));
    let key = key();
    (key, HASHED_NOTES.with(|seen| seen.replace(false)))
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
