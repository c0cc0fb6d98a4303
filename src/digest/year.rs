//! Which year a dump's year-less dates (`Apr 28`) belong to.
//!
//! Rules, first match wins (docs/digest.md explains them):
//! 1. a date in the file name (`2025-04-28.txt`, `papers-2025-04-28.txt`);
//! 2. the year configured for the file (`[import.years]`);
//! 3. the year after the latest explicit year among the entries, capped at
//!    today's year;
//! 4. `[import] default_year`;
//! 5. the file's modification year, with a warning saying how to pin it.

use chrono::{Datelike, NaiveDate};

use super::Entry;
use crate::diagnostic::Diagnostic;

/// Where the year came from, in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearSource {
    /// A date in the file name (`2025-04-28.txt`).
    FileName,
    /// `[import.years]` in config.toml.
    Configured,
    /// The year after the latest explicit year among the entries.
    Entries,
    /// `[import] default_year`.
    DefaultYear,
    /// The file's modification time (a warning says so).
    Modified,
}

/// Everything the year rules look at for one dump.
#[derive(Debug, Clone)]
pub struct YearInputs<'a> {
    /// File name only, e.g. `papers-2025-04-28.txt`.
    pub file_name: &'a str,
    /// Origin for messages (path as the user names it).
    pub origin: &'a str,
    pub configured: Option<i32>,
    pub entries: &'a [Entry],
    pub today: NaiveDate,
    pub default_year: Option<i32>,
    pub modified_year: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedYear {
    pub year: i32,
    pub source: YearSource,
    /// Set when the year is a guess the user should confirm.
    pub warning: Option<Diagnostic>,
}

pub fn resolve(inputs: &YearInputs) -> ResolvedYear {
    let found = |year, source| ResolvedYear {
        year,
        source,
        warning: None,
    };
    if let Some(date) = file_name_date(inputs.file_name) {
        return found(date.year(), YearSource::FileName);
    }
    if let Some(year) = inputs.configured {
        return found(year, YearSource::Configured);
    }
    if let Some(resolved) = from_entries(inputs) {
        return resolved;
    }
    if let Some(year) = inputs.default_year {
        return found(year, YearSource::DefaultYear);
    }
    let year = inputs.modified_year;
    ResolvedYear {
        year,
        source: YearSource::Modified,
        warning: Some(Diagnostic::warning(
            inputs.origin,
            0,
            format!(
                "nothing tells which year this dump's dates (like `Apr 28`) are in, so {year} \
                 (the file's modification year) was assumed; to set it, add \
                 `\"{}\" = YYYY` under `[import.years]` in config.toml",
                inputs.file_name
            ),
        )),
    }
}

/// A listing prints a paper's year only when it differs from the listing's
/// own year, so the listing is at least one year after the latest printed
/// year. The smallest such year is taken, but never one after today's: a
/// dump cannot come from the future, so when the latest printed year is
/// this year the listing is taken to be from this year too (with a warning,
/// as the listing then breaks the rule above and the guess needs checking).
fn from_entries(inputs: &YearInputs) -> Option<ResolvedYear> {
    let latest = inputs.entries.iter().filter_map(|e| e.date?.year).max()?;
    let this_year = inputs.today.year();
    let year = (latest + 1).min(this_year);
    let warning = (year <= latest).then(|| {
        Diagnostic::warning(
            inputs.origin,
            0,
            format!(
                "an entry is dated {latest} with its year printed, which suggests the dump is from a \
                 later year, but that would be after today; {year} was assumed; to set it, add \
                 `\"{}\" = YYYY` under `[import.years]` in config.toml",
                inputs.file_name
            ),
        )
    });
    Some(ResolvedYear {
        year,
        source: YearSource::Entries,
        warning,
    })
}

/// The first valid `YYYY-MM-DD` in a file name that is not part of a longer
/// run of digits: `2025-04-28.txt`, `papers-2025-04-28.txt`.
pub fn file_name_date(file_name: &str) -> Option<NaiveDate> {
    let bytes = file_name.as_bytes();
    (0..bytes.len().saturating_sub(9)).find_map(|i| {
        let window = &bytes[i..i + 10];
        let shape = window.iter().enumerate().all(|(k, &b)| match k {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
        let digit_before = i > 0 && bytes[i - 1].is_ascii_digit();
        let digit_after = bytes.get(i + 10).is_some_and(u8::is_ascii_digit);
        if !shape || digit_before || digit_after {
            return None;
        }
        let text = std::str::from_utf8(window).ok()?;
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::DumpDate;

    fn entry(year: Option<i32>) -> Entry {
        Entry {
            line: 1,
            title: "T".into(),
            abstract_raw: String::new(),
            who: None,
            date: Some(DumpDate {
                year,
                month: 5,
                day: 4,
            }),
            upvotes: None,
            arxiv: None,
            comments: None,
        }
    }

    fn inputs<'a>(file_name: &'a str, entries: &'a [Entry]) -> YearInputs<'a> {
        YearInputs {
            file_name,
            origin: "digests/x.txt",
            configured: None,
            entries,
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            default_year: None,
            modified_year: 2026,
        }
    }

    #[test]
    fn file_name_dates_are_found_anywhere_in_the_name() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(file_name_date("2025-04-28.txt"), d(2025, 4, 28));
        assert_eq!(file_name_date("papers-2025-04-28.txt"), d(2025, 4, 28));
        assert_eq!(file_name_date("x_2024-02-29_y.txt"), d(2024, 2, 29));
        assert_eq!(file_name_date("2025-02-30.txt"), None);
        assert_eq!(file_name_date("12025-04-28.txt"), None);
        assert_eq!(file_name_date("000_bb9f3ca8e7c3113e.txt"), None);
        assert_eq!(file_name_date("é2025-04-28"), d(2025, 4, 28));
        assert_eq!(file_name_date(""), None);
    }

    #[test]
    fn a_date_in_the_file_name_wins_over_everything() {
        let entries = [entry(Some(2020))];
        let mut i = inputs("papers-2023-04-28.txt", &entries);
        i.configured = Some(2019);
        i.default_year = Some(2018);
        let r = resolve(&i);
        assert_eq!(
            (r.year, r.source, r.warning),
            (2023, YearSource::FileName, None)
        );
    }

    #[test]
    fn the_configured_year_wins_over_entries_and_default() {
        let entries = [entry(Some(2020))];
        let mut i = inputs("000_x.txt", &entries);
        i.configured = Some(2019);
        i.default_year = Some(2018);
        let r = resolve(&i);
        assert_eq!(
            (r.year, r.source, r.warning),
            (2019, YearSource::Configured, None)
        );
    }

    #[test]
    fn entries_give_the_year_after_the_latest_printed_year() {
        let entries = [
            entry(Some(2022)),
            entry(None),
            entry(Some(2024)),
            entry(Some(2015)),
        ];
        let mut i = inputs("004_x.txt", &entries);
        i.default_year = Some(2018);
        let r = resolve(&i);
        assert_eq!(
            (r.year, r.source, r.warning),
            (2025, YearSource::Entries, None)
        );
    }

    #[test]
    fn entries_never_give_a_year_after_today() {
        let entries = [entry(Some(2026))];
        let r = resolve(&inputs("x.txt", &entries));
        assert_eq!((r.year, r.source), (2026, YearSource::Entries));
        let w = r.warning.expect("a guess to confirm");
        assert!(w.message.contains("[import.years]"), "{w}");
        assert_eq!(w.line, 0);
    }

    #[test]
    fn entries_without_printed_years_fall_through_to_default_year() {
        let entries = [entry(None)];
        let mut i = inputs("x.txt", &entries);
        i.default_year = Some(2024);
        let r = resolve(&i);
        assert_eq!(
            (r.year, r.source, r.warning),
            (2024, YearSource::DefaultYear, None)
        );
    }

    #[test]
    fn modification_year_is_the_last_resort_and_says_how_to_fix_it() {
        let r = resolve(&inputs("002_d703.txt", &[]));
        assert_eq!((r.year, r.source), (2026, YearSource::Modified));
        let w = r.warning.expect("warning");
        assert_eq!(w.line, 0);
        assert_eq!(w.file, "digests/x.txt");
        assert!(w.message.contains("2026"), "{w}");
        assert!(
            w.message
                .contains("`\"002_d703.txt\" = YYYY` under `[import.years]` in config.toml"),
            "{w}"
        );
    }
}
