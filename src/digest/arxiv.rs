//! arXiv identifiers: which strings are one, in the form pages store.
//!
//! New style `YYMM.NNNN` (2007–2014) or `YYMM.NNNNN` (2015 on), old style
//! `archive[.SUBJECT]/YYMMNNN` (`hep-th/9901001`, `math.GT/0309136`); either
//! may carry a version (`v2`), which is dropped: a page is about the paper,
//! not one version of it.

/// The id in canonical form (no version), or `None` when `text` is not an
/// arXiv id.
pub fn normalize(text: &str) -> Option<String> {
    let id = strip_version(text.trim());
    (is_new_style(id) || is_old_style(id)).then(|| id.to_string())
}

/// `2606.00683v2` → `2606.00683`; a `v` not followed by digits stays.
fn strip_version(id: &str) -> &str {
    match id.rfind('v') {
        Some(i) if i > 0 && i + 1 < id.len() && id[i + 1..].bytes().all(|b| b.is_ascii_digit()) => {
            &id[..i]
        }
        _ => id,
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `YYMM` with a real month, from April 2007 on.
fn year_month(yymm: &str) -> Option<(u32, u32)> {
    if yymm.len() != 4 || !digits(yymm) {
        return None;
    }
    let (yy, mm): (u32, u32) = (yymm[..2].parse().ok()?, yymm[2..].parse().ok()?);
    (1..=12).contains(&mm).then_some((yy, mm))
}

fn is_new_style(id: &str) -> bool {
    let Some((yymm, number)) = id.split_once('.') else {
        return false;
    };
    let Some((yy, mm)) = year_month(yymm) else {
        return false;
    };
    if !digits(number) || (yy, mm) < (7, 4) {
        return false;
    }
    // Five-digit numbers from January 2015.
    let width = if yy >= 15 { 5 } else { 4 };
    number.len() == width
}

fn is_old_style(id: &str) -> bool {
    let Some((archive, number)) = id.split_once('/') else {
        return false;
    };
    let (name, subject) = match archive.split_once('.') {
        Some((name, subject)) => (name, Some(subject)),
        None => (archive, None),
    };
    let name_ok = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        && !name.starts_with('-');
    let subject_ok = subject
        .is_none_or(|s| (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase()));
    let number_ok = number.len() == 7
        && digits(number)
        && year_month(&number[..4]).is_some_and(|(yy, _)| yy >= 91 || yy <= 7);
    name_ok && subject_ok && number_ok
}

/// Every distinct arXiv id `text` names, in order: in arXiv URLs
/// (`arxiv.org/abs/2410.05434v2`, `/pdf/...`) and as `arXiv:2410.05434` or
/// `arXiv 2410.05434`. Only what [`normalize`] accepts counts.
pub fn ids_in(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut ids: Vec<String> = Vec::new();
    for (at, _) in lower.match_indices("arxiv") {
        let rest = &text[at + "arxiv".len()..];
        let rest = [".org/abs/", ".org/pdf/", ":", " "].iter().find_map(|p| {
            rest.get(..p.len())
                .filter(|head| head.eq_ignore_ascii_case(p))
                .map(|_| &rest[p.len()..])
        });
        let Some(rest) = rest else { continue };
        let token: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-'))
            .collect();
        let token = token.trim_end_matches('.');
        let token = token.strip_suffix(".pdf").unwrap_or(token);
        if let Some(id) = normalize(token)
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_in_urls_and_citations_in_text() {
        assert_eq!(
            ids_in(
                "See https://arxiv.org/abs/2410.05434v2. Also arXiv:2606.00683 and ArXiv 2410.05434."
            ),
            ["2410.05434", "2606.00683"]
        );
        assert_eq!(
            ids_in("https://arxiv.org/pdf/2606.00683.pdf"),
            ["2606.00683"]
        );
        assert_eq!(ids_in("arxiv.org/abs/hep-th/9901001"), ["hep-th/9901001"]);
        assert!(ids_in("arXiv preprints, arxiv:2613.00001, arxiv-sanity").is_empty());
    }

    #[test]
    fn new_and_old_style_ids_are_accepted_without_their_version() {
        for (text, id) in [
            ("2606.00683", "2606.00683"),
            ("2410.05434v3", "2410.05434"),
            ("1802.08979", "1802.08979"),
            ("1412.6980", "1412.6980"),
            ("0704.0001", "0704.0001"),
            ("hep-th/9901001", "hep-th/9901001"),
            ("math.GT/0309136v2", "math.GT/0309136"),
            ("cs/0112017", "cs/0112017"),
        ] {
            assert_eq!(normalize(text).as_deref(), Some(id), "{text}");
        }
    }

    #[test]
    fn malformed_ids_are_refused() {
        for text in [
            "",
            "2606.0068",   // 2015 on: five digits
            "1412.06980",  // before 2015: four
            "2613.00683",  // month 13
            "0703.0001",   // before the new scheme
            "2606.00683v", // a version with no number
            "2606-00683",  // not a dot
            "trending",    // a Hugging Face page, not a paper
            "HEP-TH/9901001",
            "hep-th/990100",
            "math.Geometry/0309136",
            "2606.00683/extra",
        ] {
            assert_eq!(normalize(text), None, "{text}");
        }
    }
}
