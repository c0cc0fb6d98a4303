//! `gazette serve`: the output map served from memory, rebuilt on change,
//! with live reload.

use std::path::PathBuf;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root (holds config.toml).
    pub root: PathBuf,
    /// Address to bind, `127.0.0.1` by default.
    pub bind: String,
    /// Port; 0 picks a free one.
    pub port: u16,
}

/// Builds, serves and watches until interrupted.
pub fn run(options: ServeOptions) -> anyhow::Result<()> {
    let _ = options;
    anyhow::bail!("serve is not implemented yet")
}
