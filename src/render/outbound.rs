//! Links out of the site: each paper's arXiv and Hugging Face pages. The
//! exact pages when the paper's arXiv id is known (its page's `arxiv`, or
//! the one id its abstract names), a title search on each site otherwise.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::digest::arxiv;
use crate::site::Paper;

/// What a search query keeps as it is: the unreserved characters of a URL.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

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
            let title = utf8_percent_encode(paper.title.trim(), QUERY);
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
            "https://arxiv.org/search/?query=Speech%20%26%20%22Audio%22%20LLMs&searchtype=title"
        );
        assert_eq!(
            out.huggingface_url,
            "https://huggingface.co/papers?q=Speech%20%26%20%22Audio%22%20LLMs"
        );
    }
}
