//! `config.toml`: the site's settings.
//!
//! Every table rejects unknown keys so a typo (`paginte = 10`) is an error
//! naming the key and line instead of a setting silently ignored.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::layout::CONFIG_FILE;
use crate::toml_line;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Site title, shown in the header and feeds.
    pub title: String,
    /// One-line description, used in feeds and the index's meta description.
    pub description: String,
    /// Absolute URL the site is served from, with or without a sub-path
    /// (`https://example.org/papers/`). Overridable by `--base-url`.
    pub base_url: String,
    /// Language code for `<html lang>`.
    pub language: String,
    /// Theme folder name under `themes/`.
    pub theme: String,
    /// Papers per listing page (`/`, `/top/`, `/tags/<tag>/`).
    pub paginate: usize,
    pub import: ImportConfig,
    pub tags: TagsConfig,
    pub feeds: FeedsConfig,
    pub related: RelatedConfig,
    pub trending: TrendingConfig,
    /// Free-form values handed to templates as `config.extra`.
    pub extra: toml::Table,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Gazette".to_string(),
            description: "Paper digests".to_string(),
            base_url: "http://127.0.0.1:1111/".to_string(),
            language: "en".to_string(),
            theme: "default".to_string(),
            paginate: 30,
            import: ImportConfig::default(),
            tags: TagsConfig::default(),
            feeds: FeedsConfig::default(),
            related: RelatedConfig::default(),
            trending: TrendingConfig::default(),
            extra: toml::Table::new(),
        }
    }
}

/// The years `default_year` and `[import.years]` may name: a typo such as
/// `70000` or `225` is refused rather than written into every page's date.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// `[import]`: how digests become pages.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportConfig {
    /// Year for a dump whose year nothing else determines (see the year
    /// rules in docs/digest.md).
    pub default_year: Option<i32>,
    /// Year of a given dump, by file name: `"2025-04-28.txt" = 2025`.
    pub years: BTreeMap<String, i32>,
}

/// `[tags]`: auto-tagging rules.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct TagsConfig {
    /// At most this many tags per paper (the best-matching ones).
    pub max: usize,
    /// Tag → its rule: keywords or phrases (`speech = ["speech", "ASR"]`),
    /// or a table like the built-in rules' (`tagging::Rule`). When empty,
    /// the built-in rules apply.
    pub rules: BTreeMap<String, crate::tagging::RuleSpec>,
}

impl Default for TagsConfig {
    fn default() -> Self {
        TagsConfig {
            max: 4,
            rules: BTreeMap::new(),
        }
    }
}

/// `[feeds]`: RSS feeds.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedsConfig {
    /// Items in each feed (the most recent papers).
    pub limit: usize,
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig { limit: 20 }
    }
}

/// `[related]`: the related papers on each paper's page.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RelatedConfig {
    /// Related papers per paper page; 0 turns them off.
    pub count: usize,
}

/// Most related papers a page may ask for: each costs its page a card.
pub const MAX_RELATED: usize = 50;

impl Default for RelatedConfig {
    fn default() -> Self {
        RelatedConfig { count: 5 }
    }
}

/// `[trending]`: what `/trending/` ranks.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrendingConfig {
    /// The papers of this many latest listing dates, ranked by upvotes.
    pub listings: usize,
}

impl Default for TrendingConfig {
    fn default() -> Self {
        TrendingConfig { listings: 7 }
    }
}

impl Config {
    /// Parses configuration text; `origin` names the file in messages.
    /// Every error, a typo or a value out of range, carries its line.
    pub fn parse(text: &str, origin: &str) -> Result<Config, Diagnostic> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let line = toml_line::of_error(&e, text);
            let mut message = e.message().trim().to_string();
            // toml names unknown keys but not the key holding a wrong type.
            let key = line
                .and_then(|l| text.lines().nth(l - 1))
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| k.trim().trim_matches('"'))
                .filter(|k| !k.is_empty() && !k.starts_with('[') && !message.contains(*k));
            if let Some(key) = key {
                // `[related]` then `count = -1`: name it `related.count`.
                let table = line.and_then(|l| table_above(text, l));
                let key = match table {
                    Some(table) => format!("{table}.{key}"),
                    None => key.to_string(),
                };
                message = format!("`{key}`: {message}");
            }
            Diagnostic::error(origin, line.unwrap_or(0), message)
        })?;
        config.validate().map_err(|(path, message)| {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let line = toml_line::of_key(text, &path).unwrap_or(0);
            Diagnostic::error(origin, line, message)
        })?;
        Ok(config)
    }

    /// Reads `config.toml` at the site root. A missing file is the default
    /// configuration, so an empty folder is a valid (empty) site.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Diagnostic::error(
                path.display().to_string(),
                0,
                format!("cannot read: {e}"),
            )),
        }
    }

    /// Values that parse but make no sense: the key's path and why.
    fn validate(&self) -> Result<(), (Vec<String>, String)> {
        let at = |path: &[&str]| {
            path.iter()
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
        };
        if self.paginate == 0 {
            return Err((
                at(&["paginate"]),
                "`paginate` must be at least 1".to_string(),
            ));
        }
        if self.tags.max == 0 {
            return Err((
                at(&["tags", "max"]),
                "`tags.max` must be at least 1".to_string(),
            ));
        }
        let year_ok = |y: i32| YEARS.contains(&y);
        if let Some(y) = self.import.default_year.filter(|&y| !year_ok(y)) {
            return Err((
                at(&["import", "default_year"]),
                format!(
                    "`import.default_year` must be a year from {} to {}, found {y}",
                    YEARS.start(),
                    YEARS.end()
                ),
            ));
        }
        if let Some((file, y)) = self.import.years.iter().find(|(_, y)| !year_ok(**y)) {
            return Err((
                at(&["import", "years", file]),
                format!(
                    "`import.years.\"{file}\"` must be a year from {} to {}, found {y}",
                    YEARS.start(),
                    YEARS.end()
                ),
            ));
        }
        if self.related.count > MAX_RELATED {
            return Err((
                at(&["related", "count"]),
                format!(
                    "`related.count` must be at most {MAX_RELATED} (0 turns related papers off), found {}",
                    self.related.count
                ),
            ));
        }
        if self.trending.listings == 0 {
            return Err((
                at(&["trending", "listings"]),
                "`trending.listings` must be at least 1".to_string(),
            ));
        }
        if let Err(why) = check_base_url(&self.base_url) {
            return Err((at(&["base_url"]), format!("`base_url` {why}")));
        }
        if self.theme.is_empty() || self.theme.contains(['/', '\\']) || self.theme.starts_with('.')
        {
            return Err((
                at(&["theme"]),
                format!(
                    "`theme` must be a folder name under themes/, found {:?}",
                    self.theme
                ),
            ));
        }
        Ok(())
    }

    /// The base URL with exactly one trailing slash, so `base_url + "tags/"`
    /// is always a well-formed URL.
    pub fn base_url_slash(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }
}

/// The `[table]` header a 1-based `line` of `text` sits under, if any.
fn table_above(text: &str, line: usize) -> Option<&str> {
    text.lines()
        .take(line.saturating_sub(1))
        .map(str::trim)
        .filter(|l| l.starts_with('[') && !l.starts_with("[["))
        .last()
        .map(|l| {
            l.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
        })
        .filter(|t| !t.is_empty())
}

/// Why `url` cannot be a site's base URL (`base_url`, `--base-url`), if it
/// cannot: it must be an absolute http(s) URL with a host, no query or
/// fragment, and nothing that cannot stand in a URL or a quoted attribute
/// (every absolute link of the site starts with it).
pub fn check_base_url(url: &str) -> Result<(), String> {
    let Some(rest) = (url.strip_prefix("https://")).or_else(|| url.strip_prefix("http://")) else {
        return Err(format!(
            "must start with http:// or https://, found {url:?}"
        ));
    };
    if let Some(c) = url
        .chars()
        .find(|&c| c.is_whitespace() || c.is_control() || "\"'<>\\`{}|^".contains(c))
    {
        return Err(format!("may not hold {c:?}, found {url:?}"));
    }
    if rest.contains(['?', '#']) {
        return Err(format!(
            "may not have a query (?) or a fragment (#), found {url:?}"
        ));
    }
    let host = rest.split('/').next().unwrap_or("");
    let name = host.rsplit_once('@').map_or(host, |(_, h)| h);
    if name.is_empty() || name.starts_with(':') {
        return Err(format!("has no host name, found {url:?}"));
    }
    Ok(())
}

/// The path part of a base URL, with slashes at both ends: `/` for
/// `https://example.org`, `/papers-site/` for `https://example.org/papers-site`.
/// Internal links start with it, so a site works under a sub-path.
pub fn base_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_matches('/');
    if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_is_the_url_path_with_slashes() {
        assert_eq!(base_path("https://example.org"), "/");
        assert_eq!(base_path("https://example.org/"), "/");
        assert_eq!(
            base_path("https://example.org/papers-site"),
            "/papers-site/"
        );
        assert_eq!(base_path("http://127.0.0.1:1111/a/b/"), "/a/b/");
    }

    #[test]
    fn empty_config_is_the_default() {
        assert_eq!(Config::parse("", "config.toml").unwrap(), Config::default());
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let err = Config::parse("title = \"x\"\npaginte = 3\n", "config.toml").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("paginte"), "{err}");
        assert!(err.to_string().starts_with("config.toml:2:"), "{err}");
    }

    #[test]
    fn wrong_type_is_named() {
        let err = Config::parse("paginate = \"ten\"\n", "config.toml").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.to_string().contains("invalid type"), "{err}");
        assert!(err.to_string().contains("`paginate`"), "{err}");
    }

    #[test]
    fn unknown_key_in_a_table_is_named() {
        let err = Config::parse("[import]\nyear = 2025\n", "c.toml").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("year"), "{err}");
    }

    #[test]
    fn the_first_and_last_accepted_years_are_accepted() {
        let c = Config::parse(
            "[import]\ndefault_year = 1900\nyears = { \"a.txt\" = 2200 }\n",
            "c.toml",
        )
        .unwrap();
        assert_eq!(c.import.default_year, Some(1900));
        assert_eq!(c.import.years["a.txt"], 2200);
    }

    #[test]
    fn a_negative_related_count_is_an_error_naming_the_key() {
        let err =
            Config::parse("title = \"x\"\n[related]\ncount = -1\n", "config.toml").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(
            err.to_string()
                .starts_with("config.toml:3: error: `related.count`:"),
            "{err}"
        );
        let err = Config::parse("[related]\ncount = 51\n", "config.toml").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("config.toml:2: error: `related.count` must be at most 50"),
            "{err}"
        );
        let off = Config::parse("[related]\ncount = 0\n", "config.toml").unwrap();
        assert_eq!(off.related.count, 0, "0 turns them off");
        let err = Config::parse("[trending]\nlistings = 0\n", "config.toml").unwrap_err();
        assert!(err.message.contains("trending.listings"), "{err}");
    }

    #[test]
    fn per_dump_years_and_rules_parse() {
        let c = Config::parse(
            "[import]\ndefault_year = 2024\nyears = { \"a.txt\" = 2025 }\n[tags]\nmax = 3\n[tags.rules]\nspeech = [\"speech\", \"audio\"]\n",
            "c.toml",
        )
        .unwrap();
        assert_eq!(c.import.years["a.txt"], 2025);
        assert_eq!(c.import.default_year, Some(2024));
        assert_eq!(
            c.tags.rules["speech"],
            crate::tagging::RuleSpec::Keywords(vec!["speech".into(), "audio".into()])
        );
    }

    #[test]
    fn a_typo_in_a_tag_rule_is_named_with_its_line() {
        let err = Config::parse(
            "[tags.rules]\nspeech = [\"speech\"]\naudio = { keywords = [\"audio\"], titel_only = [\"sound\"] }\n",
            "config.toml",
        )
        .unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        assert!(err.message.contains("unknown field `titel_only`"), "{err}");
        let err = Config::parse("[tags.rules]\nspeech = \"speech\"\n", "config.toml").unwrap_err();
        assert_eq!(err.line, 2, "{err}");
    }

    #[test]
    fn a_base_url_is_an_absolute_http_url_with_a_host() {
        for good in [
            "https://example.org",
            "https://example.org/papers-site/",
            "http://127.0.0.1:1111/",
            "http://[::1]:9/",
            "https://bücher.example/",
        ] {
            assert_eq!(check_base_url(good), Ok(()), "{good}");
        }
        for bad in [
            "javascript:alert(1)//",
            "not a url",
            "",
            "http://",
            "https:///x/",
            "https://:80/",
            "https://exa mple.org/",
            "https://example.org/\"><script>",
            "https://example.org/?page=1",
            "https://example.org/#top",
            "https://example.org/\u{1b}[2J",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn nonsense_values_are_refused_at_the_line_of_their_key() {
        for (text, line, key) in [
            ("title = \"x\"\npaginate = 0\n", 2, "paginate"),
            ("\n\nbase_url = \"example.org\"\n", 3, "base_url"),
            ("theme = \"../x\"\n", 1, "theme"),
            ("title = \"x\"\n[tags]\n# none\nmax = 0\n", 4, "tags.max"),
            ("tags = { max = 0 }\n", 1, "tags.max"),
            (
                "[import]\n\ndefault_year = 70000\n",
                3,
                "import.default_year",
            ),
            ("[import]\ndefault_year = 1899\n", 2, "import.default_year"),
            (
                "[import.years]\n\"a.txt\" = 2025\n\"b.txt\" = 225\n",
                3,
                "import.years.\"b.txt\"",
            ),
            (
                "[import]\nyears = { \"a b.txt\" = 2201 }\n",
                2,
                "import.years.\"a b.txt\"",
            ),
        ] {
            let err = Config::parse(text, "config.toml").unwrap_err();
            assert_eq!(err.line, line, "{text:?}: {err}");
            assert!(err.message.contains(key), "{err}");
            assert!(
                err.to_string()
                    .starts_with(&format!("config.toml:{line}: error: `{key}`")),
                "{err}"
            );
        }
    }
}
