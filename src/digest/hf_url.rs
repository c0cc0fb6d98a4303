//! What a link in a saved page points at. The shapes with links anchor each
//! entry on its paper link (`https://huggingface.co/papers/<arXiv id>`), and
//! tell the upvote, comment and organization links around it by their URLs.

/// A link's target, as far as reading a listing goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A paper's page: `huggingface.co/papers/<id>` (the id as written).
    Paper(String),
    /// The comments on a paper's page: `huggingface.co/papers/<id>#community`.
    Community(String),
    /// The upvote button of a logged-out page:
    /// `huggingface.co/login?next=%2Fpapers%2F<id>` (the id, when it says one).
    Login(Option<String>),
    /// A user or organization: `huggingface.co/<handle>`.
    Profile(String),
    /// An arXiv abstract or PDF page: `arxiv.org/abs/<id>` (the id as written).
    Arxiv(String),
    /// Anything else (navigation, a code repository, an image).
    Other,
}

/// Top-level Hugging Face paths that are the site's own pages, not a
/// user or organization.
const SITE_PAGES: &[&str] = &[
    "models",
    "datasets",
    "spaces",
    "storage",
    "docs",
    "enterprise",
    "pricing",
    "login",
    "join",
    "papers",
    "blog",
    "posts",
    "learn",
    "chat",
    "collections",
    "tasks",
    "languages",
    "organizations",
    "settings",
    "new",
    "front",
    "avatars",
    "api",
    "terms-of-service",
    "privacy",
    "inference-endpoints",
    "pro",
    "support",
];

pub fn classify(url: &str) -> Target {
    let url = url.trim().trim_start_matches('<').trim_end_matches('>');
    let Some(rest) = strip_host(url) else {
        return arxiv_page(url).map_or(Target::Other, Target::Arxiv);
    };
    let (path, fragment) = match rest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (rest, None),
    };
    let (path, query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path, None),
    };
    let path = path.trim_matches('/');
    if let Some(segment) = path.strip_prefix("papers/") {
        if !segment.starts_with(|c: char| c.is_ascii_digit()) || segment.contains('/') {
            return Target::Other;
        }
        return match fragment {
            Some("community") => Target::Community(segment.to_string()),
            _ => Target::Paper(segment.to_string()),
        };
    }
    if path == "login" {
        let next = query
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("next=")))
            .map(|n| n.replace("%2F", "/").replace("%2f", "/"));
        let id = next
            .as_deref()
            .and_then(|n| n.strip_prefix("/papers/"))
            .filter(|id| !id.is_empty())
            .map(str::to_string);
        return Target::Login(id);
    }
    if !path.is_empty()
        && !path.contains('/')
        && fragment.is_none()
        && !SITE_PAGES.contains(&path)
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Target::Profile(path.to_string());
    }
    Target::Other
}

/// The part after `https://huggingface.co` (also `hf.co`, `www.`), or a
/// site-relative `/papers/...` link as some exports write them.
fn strip_host(url: &str) -> Option<&str> {
    if url.starts_with("/papers/") {
        return Some(url);
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    rest.strip_prefix("huggingface.co")
        .or_else(|| rest.strip_prefix("hf.co"))
        .filter(|r| r.is_empty() || r.starts_with(['/', '?', '#']))
}

/// `https://arxiv.org/abs/2410.05434v2` or `/pdf/...` → the id as written.
fn arxiv_page(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let path = rest.strip_prefix("arxiv.org/")?;
    let id = path
        .strip_prefix("abs/")
        .or_else(|| path.strip_prefix("pdf/"))?;
    let id = id.split(['?', '#']).next()?.trim_end_matches(".pdf");
    (!id.is_empty()).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_around_an_entry_are_told_apart() {
        let cases = [
            (
                "https://huggingface.co/papers/2606.00683",
                Target::Paper("2606.00683".into()),
            ),
            ("/papers/2607.07534", Target::Paper("2607.07534".into())),
            (
                "https://huggingface.co/papers/2606.00683#community",
                Target::Community("2606.00683".into()),
            ),
            (
                "https://huggingface.co/login?next=%2Fpapers%2F2606.00683",
                Target::Login(Some("2606.00683".into())),
            ),
            (
                "https://huggingface.co/login?next=%2Fpapers",
                Target::Login(None),
            ),
            (
                "https://huggingface.co/occ-ai",
                Target::Profile("occ-ai".into()),
            ),
            (
                "https://arxiv.org/abs/2610.05608",
                Target::Arxiv("2610.05608".into()),
            ),
            ("https://huggingface.co/papers/trending", Target::Other),
            (
                "https://huggingface.co/papers/date/2026-10-01",
                Target::Other,
            ),
            ("https://huggingface.co/papers", Target::Other),
            ("https://huggingface.co/models", Target::Other),
            ("https://github.com/kandinskylab/kandinsky-6", Target::Other),
            (
                "https://huggingface.co.evil.example/papers/2606.00683",
                Target::Other,
            ),
            (
                "https://cdn-avatars.huggingface.co/v1/production/uploads/x.png",
                Target::Other,
            ),
        ];
        for (url, target) in cases {
            assert_eq!(classify(url), target, "{url}");
        }
    }
}
