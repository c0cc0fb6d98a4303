//! A message about one place in one input file, printed as `file:line: level: message`.
//!
//! Every stage reports bad input this way and carries on with the rest.
//! [`printable`] is the one terminal sanitiser: a diagnostic never prints a
//! control character, and other console lines naming files use it too.

use std::borrow::Cow;
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

/// Whether a character could drive a terminal or reorder what it shows:
/// C0 and C1 controls (escape sequences, BEL, CR, backspace), DEL, and the
/// Unicode marks that change the direction of text.
fn drives_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for the terminal: every character that could drive it is written
/// as its escape (`\u{1b}`, `\r`, `\n`), so dump text or a file name can
/// neither clear the screen, retitle the window, nor overwrite the
/// `file:line:` prefix, and a message stays on one line.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(drives_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if drives_terminal(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Warning => "warning",
            Level::Error => "error",
        };
        let (file, message) = (printable(&self.file), printable(&self.message));
        if self.line > 0 {
            write!(f, "{file}:{}: {level}: {message}", self.line)
        } else {
            write!(f, "{file}: {level}: {message}")
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
    fn control_characters_are_escaped_and_a_message_stays_on_one_line() {
        let d = Diagnostic::warning(
            "digests/\u{1b}[2J.txt",
            3,
            "title \"\u{1b}]0;x\u{7}\" \r\nfake\u{9b}\u{202e}txt.exe\ttab é",
        );
        assert_eq!(
            d.to_string(),
            r#"digests/\u{1b}[2J.txt:3: warning: title "\u{1b}]0;x\u{7}" \r\nfake\u{9b}\u{202e}txt.exe\ttab é"#
        );
        assert!(matches!(printable("plain é ✓"), Cow::Borrowed(_)));
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
