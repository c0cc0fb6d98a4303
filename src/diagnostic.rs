//! A message about one place in one input file, printed as `file:line: level: message`.
//!
//! Every stage reports bad input this way and carries on with the rest.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// The file, as the user would name it (relative to the site root when possible).
    pub file: String,
    /// 1-based line, or 0 when the message is about the whole file.
    pub line: usize,
    pub level: Level,
    pub message: String,
}

impl Diagnostic {
    pub fn warning(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line,
            level: Level::Warning,
            message: message.into(),
        }
    }

    pub fn error(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line,
            level: Level::Error,
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Warning => "warning",
            Level::Error => "error",
        };
        if self.line > 0 {
            write!(
                f,
                "{}:{}: {}: {}",
                self.file, self.line, level, self.message
            )
        } else {
            write!(f, "{}: {}: {}", self.file, level, self.message)
        }
    }
}

/// Every error Gazette reports is a diagnostic, so it goes wherever a
/// `std::error::Error` goes (`?` into `Box<dyn Error>`, `anyhow`).
impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_file_line_level_message() {
        let d = Diagnostic::warning("digests/a.txt", 12, "no date");
        assert_eq!(d.to_string(), "digests/a.txt:12: warning: no date");
        let d = Diagnostic::error("config.toml", 0, "unreadable");
        assert_eq!(d.to_string(), "config.toml: error: unreadable");
    }

    #[test]
    fn is_a_standard_error() {
        fn fails() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
            Err(Diagnostic::error("config.toml", 3, "bad"))?
        }
        assert_eq!(
            fails().unwrap_err().to_string(),
            "config.toml:3: error: bad"
        );
    }
}
