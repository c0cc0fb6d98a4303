//! Month names, from chrono's table (one table for the whole program): the
//! digest format abbreviates them (`Apr 28`), pages spell them out
//! (`April 2025`).

use chrono::Month;

/// `April` for 4; `None` outside 1..=12.
pub fn name(month: u32) -> Option<&'static str> {
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Some(month.name())
}

/// 4 for `Apr`, in any case: the three-letter abbreviations dumps print.
pub fn from_abbreviation(word: &str) -> Option<u32> {
    (1..=12).find(|&m| name(m).is_some_and(|n| n[..3].eq_ignore_ascii_case(word)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_abbreviations_match_the_calendar() {
        assert_eq!(name(1), Some("January"));
        assert_eq!(name(9), Some("September"));
        assert_eq!(name(0), None);
        assert_eq!(name(13), None);
        assert_eq!(from_abbreviation("Sep"), Some(9));
        assert_eq!(from_abbreviation("dec"), Some(12));
        assert_eq!(from_abbreviation("May"), Some(5));
        // Only the abbreviations: a dump never spells a month out.
        assert_eq!(from_abbreviation("April"), None);
        assert_eq!(from_abbreviation("Ap"), None);
    }
}
