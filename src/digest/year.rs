//! Which year a dump's year-less dates (`Apr 28`) belong to.

use chrono::NaiveDate;

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
    ResolvedYear {
        year: inputs.modified_year,
        source: YearSource::Modified,
        warning: None,
    }
}
