//! One module per measured tool: how to find its binary, turn the corpus
//! into its site, and the steps that time it. A tool hands the scheduler
//! plain [`Step`]s (a command, what to delete first, which folder it
//! writes), so adding a measurement is adding a module.

pub mod floor;
pub mod gazette;
pub mod hugo;
pub mod search;
pub mod zola;

use std::ffi::OsString;
use std::path::PathBuf;

/// The generators and the floor, in the order the report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tool {
    Gazette,
    Floor,
    Hugo,
    Zola,
}

impl Tool {
    pub const ALL: [Tool; 4] = [Tool::Gazette, Tool::Floor, Tool::Hugo, Tool::Zola];

    /// As in the report and on the command line (`--tools`), lower-cased there.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Gazette => "Gazette",
            Tool::Floor => "floor",
            Tool::Hugo => "Hugo",
            Tool::Zola => "Zola",
        }
    }

    pub fn parse(name: &str) -> Option<Tool> {
        Tool::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(name))
    }
}

/// Which templates every generator renders the same pages with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Templates {
    /// Gazette's default theme, and Hugo and Zola templates that put the
    /// same content on each page (cards, paper pages, listings, feeds).
    Default,
    /// Titles and links only, in all three: the same pages with the least
    /// work per page, so the ratios compare the engines.
    Minimal,
}

impl Templates {
    pub const ALL: [Templates; 2] = [Templates::Default, Templates::Minimal];

    pub fn name(self) -> &'static str {
        match self {
            Templates::Default => "default",
            Templates::Minimal => "minimal",
        }
    }

    pub fn parse(name: &str) -> Option<Templates> {
        Templates::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// What a timed step measures. The report's rows and ratios are keyed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scenario {
    /// Gazette with no `content/papers/`, no `.gazette/`, no `public/`:
    /// import every dump, render, write.
    FromDumps,
    /// Gazette with the pages imported (`content/` and `.gazette/` as the
    /// import left them) and no `public/`: the work Hugo and Zola do.
    Imported,
    /// Gazette again with nothing changed (a new process).
    NoChange,
    /// The floor writing Gazette's output folder and its pages.
    FloorAll,
    /// The floor writing Gazette's output folder only.
    FloorPublic,
    /// Hugo or Zola with no output folder.
    Cold,
    /// Hugo or Zola again over their own output, nothing changed.
    Again,
}

impl Scenario {
    pub fn label(self) -> &'static str {
        match self {
            Scenario::FromDumps => "cold, from the dumps",
            Scenario::Imported => "cold, pages imported",
            Scenario::NoChange => "no change",
            Scenario::FloorAll => "output + pages",
            Scenario::FloorPublic => "output only",
            Scenario::Cold => "cold",
            Scenario::Again => "again, no change",
        }
    }
}

/// One timed run of one tool: the scheduler deletes `clear` (untimed),
/// flushes the disks, runs `program args` as a child and times it, then
/// measures what it left in `output`.
#[derive(Debug, Clone)]
pub struct Step {
    pub tool: Tool,
    pub templates: Templates,
    pub scenario: Scenario,
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub clear: Vec<PathBuf>,
    pub output: PathBuf,
    /// Count the files this run wrote by comparing `output` before and
    /// after (for steps that start from an existing output).
    pub count_written: bool,
}

impl Step {
    pub fn command(&self) -> std::process::Command {
        let mut command = std::process::Command::new(&self.program);
        command.args(&self.args);
        command
    }
}

/// `OsString`s from anything path- or string-like, for [`Step::args`].
pub fn args<I, S>(items: I) -> Vec<OsString>
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    items.into_iter().map(Into::into).collect()
}

/// A TOML basic string: JSON's escapes are valid TOML escapes. For the
/// front matter the Hugo and Zola writers produce.
pub fn toml_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

/// A TOML array of basic strings.
pub fn toml_strings<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| toml_string(s.as_ref())).collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A paper as Gazette loads it from a page with this front matter and body.
    pub(crate) fn paper(front: &str, body: &str) -> ::gazette::site::Paper {
        let text = format!("+++\n{front}+++\n{body}");
        let page = ::gazette::page::read(&text, "content/papers/a.md").unwrap();
        ::gazette::site::Paper::from_page(page, "a".into(), "content/papers/a.md".into(), 0)
    }

    #[test]
    fn tool_and_template_names_round_trip() {
        for tool in Tool::ALL {
            assert_eq!(Tool::parse(&tool.name().to_lowercase()), Some(tool));
        }
        for templates in Templates::ALL {
            assert_eq!(Templates::parse(templates.name()), Some(templates));
        }
        assert_eq!(Tool::parse("jekyll"), None);
    }

    #[test]
    fn strings_with_quotes_and_backslashes_stay_valid_toml() {
        let text = format!(
            "t = {}\nl = {}",
            toml_string("A \"quoted\" \\ title"),
            toml_strings(&["a\"b", "c"])
        );
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["t"].as_str(), Some("A \"quoted\" \\ title"));
        assert_eq!(parsed["l"][0].as_str(), Some("a\"b"));
    }
}
