//! Links out of the site: each paper's arXiv and Hugging Face pages. The
//! exact pages when the paper's arXiv id is known (its page's `arxiv`, or
//! the one id its abstract names), a title search on each site otherwise.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::digest::arxiv;
use crate::site::Paper;

/// What a search query keeps as it is: the unreserved characters of a URL
/// and those a query may hold (RFC 3986) that no form decoder reads as
/// syntax. `&`, `=`, `+`, `#`, `%`, `;` (an old separator), quotes and
/// brackets are encoded; a space becomes `+` ([`query`]). Every paper page
/// without an arXiv id carries its title twice this way.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'*')
    .remove(b',')
    .remove(b':')
    .remove(b'@')
    .remove(b'/')
    .remove(b'?');

/// A query value as a search form sends it (`application/x-www-form-urlencoded`):
/// `Why & how: LLMs` → `Why+%26+how:+LLMs`, as both sites' own forms do.
fn query(text: &str) -> String {
    // Only a space encodes as `%20` (a `+` is `%2B`).
    utf8_percent_encode(text, QUERY)
        .to_string()
        .replace("%20", "+")
}

/// Where a paper's page links out to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outbound {
    /// The arXiv id the links use, or `None` for title searches.
    pub arxiv: Option<String>,
    pub arxiv_url: String,
    pub huggingface_url: String,
}

/// The paper's links out. An abstract that names several ids (it cites
/// other papers) gives none: a search is better than a wrong paper.
pub fn of(paper: &Paper) -> Outbound {
    let id = paper.arxiv.clone().or_else(|| {
        let found = arxiv::ids_in(&paper.abstract_);
        match found.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    });
    match id {
        Some(id) => Outbound {
            arxiv_url: format!("https://arxiv.org/abs/{id}"),
            huggingface_url: format!("https://huggingface.co/papers/{id}"),
            arxiv: Some(id),
        },
        None => {
            let title = query(paper.title.trim());
            Outbound {
                arxiv: None,
                arxiv_url: format!("https://arxiv.org/search/?query={title}&searchtype=title"),
                huggingface_url: format!("https://huggingface.co/papers?q={title}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::paper;

    #[test]
    fn a_known_id_links_the_exact_pages() {
        let mut p = paper("x", "X", None, 0, &[]);
        p.arxiv = Some("2510.12345".into());
        p.abstract_ = "We extend arXiv:2401.00001.".into();
        let out = of(&p);
        assert_eq!(
            out.arxiv.as_deref(),
            Some("2510.12345"),
            "the page's id wins"
        );
        assert_eq!(out.arxiv_url, "https://arxiv.org/abs/2510.12345");
        assert_eq!(
            out.huggingface_url,
            "https://huggingface.co/papers/2510.12345"
        );
    }

    #[test]
    fn one_id_in_the_abstract_is_used_and_several_are_not() {
        let mut p = paper("x", "Speech & \"Audio\" LLMs", None, 0, &[]);
        p.abstract_ =
            "Code: https://github.com/a/b. Paper: https://arxiv.org/abs/2410.05434v2".into();
        assert_eq!(of(&p).arxiv.as_deref(), Some("2410.05434"));
        p.abstract_ = "Unlike arXiv:2401.00001 and arXiv:2402.00002, we ...".into();
        let out = of(&p);
        assert_eq!(out.arxiv, None);
        assert_eq!(
            out.arxiv_url,
            "https://arxiv.org/search/?query=Speech+%26+%22Audio%22+LLMs&searchtype=title"
        );
        assert_eq!(
            out.huggingface_url,
            "https://huggingface.co/papers?q=Speech+%26+%22Audio%22+LLMs"
        );
    }

    /// A title search finds the title: decoded as a form decodes a query
    /// (`+` is a space), every title comes back as it was, and what the
    /// query keeps as it is never needs escaping in an HTML attribute.
    #[test]
    fn a_title_query_decodes_to_the_title() {
        for title in [
            "Why & how: 1+1=2 #3 in 50% (of) [cases]; a/b? x@y.z ~ \"q\" 'q' <t>",
            "Ünïcode — 日本語 C++ C# a\\b {x} |y| ^z `w`",
            "Plain Title With Spaces",
        ] {
            let q = super::query(title);
            let decoded: String = form_urlencoded::parse(format!("q={q}").as_bytes())
                .map(|(_, v)| v.into_owned())
                .collect();
            assert_eq!(decoded, title, "{q}");
            assert_eq!(crate::render::escape::html(&q), q, "{q}");
            assert!(
                !q.contains([
                    '#', '&', '=', ';', ' ', '[', ']', '{', '}', '|', '\\', '^', '`'
                ]),
                "{q}"
            );
        }
        assert_eq!(
            super::query("AutoEcho3: Robust, Fast"),
            "AutoEcho3:+Robust,+Fast"
        );
    }
}
