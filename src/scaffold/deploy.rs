//! `gazette init --deploy HOST`: the files a host needs to build and publish
//! the site from CI, and whether the host can serve the site at `base_url`.
//!
//! The files are templates in `scaffold/hosts/` with `@NAME@` placeholders;
//! every one installs the Gazette release that wrote it with the same
//! command ([`install_command`]).

use clap::ValueEnum;

use crate::layout::STATIC_DIR;

/// The Gazette release a scaffolded workflow installs: the one writing it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where Gazette's source and releases live (`repository` in Cargo.toml).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The release archive CI machines (Linux on x86-64) install, named as the
/// release workflow and `[package.metadata.binstall]` name it.
pub const CI_TARGET: &str = "x86_64-unknown-linux-gnu";

/// A host `gazette init --deploy` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Host {
    /// GitHub Pages, built by GitHub Actions
    Github,
    /// Netlify, with a deploy preview per pull request
    Netlify,
    /// Cloudflare Pages, built by GitHub Actions, with a preview per pull request
    Cloudflare,
    /// GitLab Pages, built by GitLab CI
    Gitlab,
}

/// A file to add to the site, at a `/`-separated path relative to its root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFile {
    pub path: String,
    pub contents: String,
}

impl Host {
    /// The name on the command line (`github`).
    pub fn name(self) -> &'static str {
        match self {
            Host::Github => "github",
            Host::Netlify => "netlify",
            Host::Cloudflare => "cloudflare",
            Host::Gitlab => "gitlab",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Host::Github => "GitHub Pages",
            Host::Netlify => "Netlify",
            Host::Cloudflare => "Cloudflare Pages",
            Host::Gitlab => "GitLab Pages",
        }
    }

    /// What the person still has to do in the host's own interface.
    pub fn next_step(self) -> &'static str {
        match self {
            Host::Github => {
                "on GitHub, set Settings -> Pages -> Source to \"GitHub Actions\", then push"
            }
            Host::Netlify => {
                "in Netlify, Add new project -> Import an existing project -> this repository, then push"
            }
            Host::Cloudflare => {
                "create the Cloudflare Pages project and an API token, add the secrets \
                 CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID on GitHub, then push"
            }
            Host::Gitlab => "push to GitLab: the address is under Deploy -> Pages",
        }
    }

    /// The page of Gazette's documentation about this host.
    pub fn docs_url(self) -> String {
        format!("{REPOSITORY}/blob/main/docs/deploy/{}.md", self.name())
    }

    /// The files this host needs, for a site served at `base_url` whose
    /// folder is named `site_name`.
    pub fn files(self, base_url: &str, site_name: &str) -> Vec<HostFile> {
        let file = |path: &str, template: &str| HostFile {
            path: path.to_string(),
            contents: fill(
                template,
                &[(
                    "CLOUDFLARE_PROJECT",
                    &cloudflare_project(base_url, site_name),
                )],
            ),
        };
        match self {
            Host::Github => {
                let mut files = vec![
                    file(GITHUB_WORKFLOW, include_str!("hosts/github-pages.yml")),
                    // Only read when the site is published from a branch
                    // (`gazette build --output docs`); harmless otherwise.
                    file(&format!("{STATIC_DIR}/.nojekyll"), ""),
                ];
                if let Some(domain) = custom_domain(base_url) {
                    files.push(file(&format!("{STATIC_DIR}/CNAME"), &format!("{domain}\n")));
                }
                files
            }
            Host::Netlify => vec![file("netlify.toml", include_str!("hosts/netlify.toml"))],
            Host::Cloudflare => vec![file(
                ".github/workflows/cloudflare-pages.yml",
                include_str!("hosts/cloudflare-pages.yml"),
            )],
            Host::Gitlab => vec![file(".gitlab-ci.yml", include_str!("hosts/gitlab-ci.yml"))],
        }
    }

    /// Why this host cannot serve a site built for `base_url` as it is, if
    /// it cannot: each message is a warning for `config.toml`.
    pub fn base_url_problems(self, base_url: &str) -> Vec<String> {
        let (host, path) = split_url(base_url);
        let at_root = path == "/";
        let placeholder = is_placeholder(&host);
        let mut problems = Vec::new();
        match self {
            // A user site at the root, project sites one level down.
            Host::Github if host.ends_with(".github.io") && path.matches('/').count() > 2 => {
                problems.push(format!(
                    "GitHub Pages serves {host} at https://{host}/ and its project sites one \
                     level down (https://{host}/REPO/), so it cannot serve {base_url}; the \
                     workflow builds for the Pages address instead"
                ));
            }
            Host::Github if host.ends_with(".github.io") => {}
            // Group and project sites, at any depth of subgroups.
            Host::Gitlab if host.ends_with(".gitlab.io") => {}
            Host::Github | Host::Gitlab if !at_root && !placeholder => {
                problems.push(format!(
                    "{} serves a custom domain at its root, so it cannot serve {base_url} (a \
                     sub-path); the workflow builds for the Pages address instead: set base_url \
                     to https://{host}/",
                    self.title()
                ));
            }
            Host::Netlify if !at_root => {
                problems.push(format!(
                    "Netlify serves a site at the root of its address, so it cannot serve \
                     {base_url} (a sub-path); netlify.toml builds for Netlify's address instead"
                ));
            }
            Host::Cloudflare if !at_root => {
                problems.push(format!(
                    "Cloudflare Pages serves a site at the root of its address, so it cannot \
                     serve {base_url} (a sub-path): links built for it would break there; set \
                     base_url to https://PROJECT.pages.dev/ or your own domain"
                ));
            }
            Host::Cloudflare if placeholder => {
                problems.push(format!(
                    "base_url is still {base_url}: the workflow builds for it, so feeds, the \
                     sitemap and canonical links would point there; set it to \
                     https://PROJECT.pages.dev/ or your own domain"
                ));
            }
            _ => {}
        }
        problems
    }
}

/// Where `--deploy github` puts its workflow.
pub const GITHUB_WORKFLOW: &str = ".github/workflows/pages.yml";

/// One line of POSIX shell that puts Gazette [`VERSION`] into cargo's bin
/// folder (on `PATH` after it, and as `$bin`) unless it is there already:
/// the release's prebuilt Linux binary, or, where there is none, a build
/// from source with cargo. Reads `GAZETTE_REPO` and `GAZETTE_VERSION`.
pub fn install_command() -> String {
    let archive = format!("gazette-{CI_TARGET}");
    format!(
        "bin=\"${{CARGO_HOME:-$HOME/.cargo}}/bin\" && mkdir -p \"$bin\" && export PATH=\"$bin:$PATH\" \
         && {{ [ -x \"$bin/gazette\" ] \
         || curl -fsSL \"$GAZETTE_REPO/releases/download/v$GAZETTE_VERSION/{archive}.tar.gz\" \
         | tar -xzf - -C \"$bin\" --strip-components=1 {archive}/gazette \
         || cargo install --locked --force --git \"$GAZETTE_REPO\" --tag \"v$GAZETTE_VERSION\" gazette; }}"
    )
}

/// Replaces `@NAME@` placeholders: the common ones and `extra`.
fn fill(template: &str, extra: &[(&str, &str)]) -> String {
    let install = install_command();
    let common = [
        ("GAZETTE_VERSION", VERSION),
        ("GAZETTE_REPO", REPOSITORY),
        ("GAZETTE_INSTALL", install.as_str()),
    ];
    let mut text = template.to_string();
    for (name, value) in common.iter().chain(extra) {
        text = text.replace(&format!("@{name}@"), value);
    }
    text
}

/// The host name (lower case, no port) and path (`/`, `/papers/`) of a URL.
fn split_url(url: &str) -> (String, String) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    (host.to_ascii_lowercase(), crate::config::base_path(url))
}

/// `gazette init`'s example address, documentation domains and this machine:
/// not where a site is published.
fn is_placeholder(host: &str) -> bool {
    ["example.org", "example.com", "example.net"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "")
}

/// The domain for GitHub Pages' `CNAME` file: the base URL's host when it is
/// the person's own domain.
fn custom_domain(base_url: &str) -> Option<String> {
    let (host, _) = split_url(base_url);
    (!is_placeholder(&host) && !host.ends_with(".github.io")).then_some(host)
}

/// The Cloudflare Pages project: named in a `*.pages.dev` base URL, else
/// after the site's folder.
fn cloudflare_project(base_url: &str, site_name: &str) -> String {
    let (host, _) = split_url(base_url);
    let name = match host.strip_suffix(".pages.dev") {
        Some(prefix) => prefix.rsplit('.').next().unwrap_or(prefix).to_string(),
        None => slug::slugify(site_name),
    };
    if name.is_empty() {
        "gazette-site".to_string()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled() {
        for host in Host::value_variants() {
            for file in host.files("https://papers.example.dev/", "My Digest") {
                let text = &file.contents;
                let left = text.match_indices('@').any(|(i, _)| {
                    let name: String = text[i + 1..]
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                        .collect();
                    !name.is_empty() && text[i + 1 + name.len()..].starts_with('@')
                });
                assert!(!left, "{}: an unfilled @PLACEHOLDER@:\n{text}", file.path);
                assert!(text.contains(VERSION) || file.path.starts_with("static/"));
            }
        }
    }

    #[test]
    fn github_writes_a_cname_only_for_a_custom_domain() {
        let paths = |url: &str| -> Vec<String> {
            Host::Github
                .files(url, "site")
                .into_iter()
                .map(|f| f.path)
                .collect()
        };
        let cname = Host::Github
            .files("https://Papers.Example.dev/", "site")
            .into_iter()
            .find(|f| f.path == "static/CNAME")
            .expect("a custom domain gets a CNAME");
        assert_eq!(cname.contents, "papers.example.dev\n");
        for url in [
            "https://example.org/",
            "https://octo.github.io/papers/",
            "http://127.0.0.1:1111/",
        ] {
            assert!(!paths(url).contains(&"static/CNAME".to_string()), "{url}");
        }
        assert!(paths("https://example.org/").contains(&"static/.nojekyll".to_string()));
    }

    #[test]
    fn a_base_url_the_host_cannot_serve_is_a_problem_named_for_it() {
        let problems = |host: Host, url: &str| host.base_url_problems(url);
        // Servable forms.
        assert!(problems(Host::Github, "https://octo.github.io/").is_empty());
        assert!(problems(Host::Github, "https://octo.github.io/papers/").is_empty());
        assert!(problems(Host::Github, "https://papers.example.dev/").is_empty());
        assert!(problems(Host::Github, "https://example.org/").is_empty());
        assert!(problems(Host::Gitlab, "https://group.gitlab.io/sub/project/").is_empty());
        assert!(problems(Host::Netlify, "https://example.org/").is_empty());
        assert!(problems(Host::Cloudflare, "https://digest.pages.dev/").is_empty());
        // A sub-path on a custom domain.
        let p = problems(Host::Github, "https://papers.example.dev/reading/");
        assert!(p[0].contains("custom domain at its root"), "{p:?}");
        assert!(p[0].contains("https://papers.example.dev/"), "{p:?}");
        let p = problems(Host::Gitlab, "https://papers.example.dev/reading/");
        assert!(p[0].starts_with("GitLab Pages"), "{p:?}");
        // Deeper than a project site on github.io.
        let p = problems(Host::Github, "https://octo.github.io/papers/site/");
        assert!(p[0].contains("one level down"), "{p:?}");
        // Netlify and Cloudflare serve at the root only.
        assert!(problems(Host::Netlify, "https://x.netlify.app/papers/")[0].contains("root"));
        assert!(problems(Host::Cloudflare, "https://x.pages.dev/papers/")[0].contains("root"));
        // Cloudflare builds for base_url, so the placeholder matters there.
        assert!(problems(Host::Cloudflare, "https://example.org/")[0].contains("still"));
    }

    #[test]
    fn the_cloudflare_project_comes_from_a_pages_dev_url_or_the_folder() {
        assert_eq!(
            cloudflare_project("https://my-papers.pages.dev/", "x"),
            "my-papers"
        );
        assert_eq!(
            cloudflare_project("https://example.org/", "My Digest"),
            "my-digest"
        );
        assert_eq!(
            cloudflare_project("https://example.org/", "..."),
            "gazette-site"
        );
    }

    #[test]
    fn urls_split_into_host_and_path() {
        assert_eq!(
            split_url("https://user@Example.org:8443/a/b?x#y"),
            ("example.org".to_string(), "/a/b/".to_string())
        );
        assert_eq!(
            split_url("http://[::1]:1111/"),
            ("[::1]".to_string(), "/".to_string())
        );
    }
}
