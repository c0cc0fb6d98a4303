//! Search, side by side with Pagefind on the same papers: the index's
//! build time and total size, and the bytes a reader's first query
//! downloads (`run --search`). Gazette's index is timed in process
//! (`render::search::index_site`: every paper's words, then the index, on
//! all cores); Pagefind as its own process over the built paper pages.
//! Bytes per query come from running each one's real client code
//! (`bench/search-bytes.mjs`: Gazette's in Node, Pagefind's in Chromium).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use gazette::config::Config;
use gazette::site::load::{LoadCache, load};

use crate::measure::{remove_if_present, time_child};
use crate::report::median;

/// The first queries measured: one common word, two common words, and the
/// most common word there is (the worst case).
pub const QUERIES: [&str; 3] = ["speech", "language models", "the"];

/// What a first query downloads.
#[derive(Debug, Clone, Default)]
pub struct QueryBytes {
    pub q: String,
    /// Index files: manifest, shards, the first 20 results' records.
    pub index: u64,
    /// The search code (Gazette's modules; Pagefind's script and wasm).
    pub code: u64,
    pub results: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Engine {
    pub index_time: Duration,
    pub index_bytes: u64,
    pub files: usize,
    /// Empty when the client could not run (no node, no Chromium).
    pub queries: Vec<QueryBytes>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchResult {
    pub papers: usize,
    pub gazette: Engine,
    pub pagefind: Option<Engine>,
}

/// Gazette's index on a built site (`content/` imported, `public/` written).
pub fn measure_gazette(site: &Path, runs: usize) -> anyhow::Result<Engine> {
    let config = Config::load(site).map_err(|d| anyhow::anyhow!("{d}"))?;
    let base_url = config.base_url.clone();
    let model = load(site, config, &mut LoadCache::default())
        .map_err(|d| anyhow::anyhow!("cannot load the site: {d:?}"))?;
    let mut times = Vec::new();
    let mut files = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        files = gazette::render::search::index_site(&model, &base_url);
        times.push(started.elapsed());
    }
    Ok(Engine {
        index_time: median(&times),
        index_bytes: files.iter().map(|(_, b)| b.len() as u64).sum(),
        files: files.len(),
        queries: client_bytes("gazette", &site.join("public")).unwrap_or_else(|e| {
            eprintln!("bench: search bytes not measured ({e:#})");
            Vec::new()
        }),
    })
}

/// Pagefind's command: `pagefind` on PATH, else the PyPI package's
/// (`pip install pagefind-bin`).
pub fn find_pagefind() -> Option<Vec<String>> {
    let works = |cmd: &[&str]| {
        Command::new(cmd[0])
            .args(&cmd[1..])
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    [vec!["pagefind"], vec!["python3", "-m", "pagefind_bin"]]
        .into_iter()
        .find(|cmd| works(cmd))
        .map(|cmd| cmd.into_iter().map(String::from).collect())
}

/// Pagefind over the same site's paper pages (`public/papers/**`).
pub fn measure_pagefind(pagefind: &[String], site: &Path, runs: usize) -> anyhow::Result<Engine> {
    let public = site.join("public");
    let out = public.join("pagefind");
    let log = site.with_extension("pagefind.log");
    let mut times = Vec::new();
    for _ in 0..runs {
        remove_if_present(&out)?;
        let mut command = Command::new(&pagefind[0]);
        command
            .args(&pagefind[1..])
            .arg("--site")
            .arg(&public)
            .args(["--glob", "papers/**/*.html", "--quiet"]);
        times.push(time_child(&mut command, &log)?.elapsed);
    }
    let (mut bytes, mut files) = (0, 0);
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry?;
        if entry.file_type().is_file() {
            bytes += entry.metadata()?.len();
            files += 1;
        }
    }
    let queries = client_bytes("pagefind", &public).unwrap_or_else(|e| {
        eprintln!("bench: Pagefind bytes not measured ({e:#})");
        Vec::new()
    });
    // Leave the output as Gazette wrote it.
    remove_if_present(&out)?;
    Ok(Engine {
        index_time: median(&times),
        index_bytes: bytes,
        files,
        queries,
    })
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("search-bytes.mjs")
}

/// Runs `search-bytes.mjs` for one engine over [`QUERIES`].
fn client_bytes(engine: &str, public: &Path) -> anyhow::Result<Vec<QueryBytes>> {
    let output = Command::new("node")
        .arg(script())
        .arg(engine)
        .arg(public)
        .args(QUERIES)
        .output()
        .context("cannot run node")?;
    if !output.status.success() {
        bail!("{}", String::from_utf8_lossy(&output.stderr));
    }
    parse(&String::from_utf8_lossy(&output.stdout))
}

fn parse(stdout: &str) -> anyhow::Result<Vec<QueryBytes>> {
    let value: serde_json::Value =
        serde_json::from_str(stdout.trim()).context("search-bytes.mjs printed no JSON")?;
    let queries = value["queries"].as_array().context("no queries")?;
    Ok(queries
        .iter()
        .map(|q| QueryBytes {
            q: q["q"].as_str().unwrap_or("").to_string(),
            index: q["index"].as_u64().unwrap_or(0),
            code: q["code"].as_u64().unwrap_or(0),
            results: q["results"].as_u64().unwrap_or(0),
        })
        .collect())
}

fn kb(bytes: u64) -> String {
    format!("{:.0} KB", bytes as f64 / 1000.0)
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

/// The Markdown table `run --search` prints after the build table.
pub fn table(results: &[SearchResult], runs: usize) -> String {
    let mut out = String::new();
    out.push_str("\nSearch (first query: index bytes + code bytes, 20 results' records):\n\n");
    let _ = write!(out, "| papers | engine | index time | index size | files |");
    for q in QUERIES {
        let _ = write!(out, " `{q}` |");
    }
    out.push_str("\n|---:|---|---:|---:|---:|");
    out.push_str(&"---:|".repeat(QUERIES.len()));
    out.push('\n');
    for r in results {
        let rows = std::iter::once(("Gazette", &r.gazette))
            .chain(r.pagefind.as_ref().map(|p| ("Pagefind", p)));
        for (name, e) in rows {
            let _ = write!(
                out,
                "| {} | {name} | {} | {} | {} |",
                r.papers,
                seconds(e.index_time),
                kb(e.index_bytes),
                e.files
            );
            for q in QUERIES {
                match e.queries.iter().find(|b| b.q == q) {
                    Some(b) => {
                        let _ = write!(
                            out,
                            " {} + {} ({} hits) |",
                            kb(b.index),
                            kb(b.code),
                            b.results
                        );
                    }
                    None => out.push_str(" – |"),
                }
            }
            out.push('\n');
        }
    }
    let _ = writeln!(
        out,
        "\nIndex time: median of {runs}; Gazette in process on all cores (every paper's words + the index), \
         Pagefind as a process over the paper pages (`--glob papers/**/*.html`). KB = 1,000 bytes, uncompressed."
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_s_line_is_read_and_every_engine_gets_a_row() {
        let queries =
            parse(r#"{"queries":[{"q":"speech","index":44684,"code":28255,"results":24}]}"#)
                .unwrap();
        assert_eq!(queries[0].index, 44684);
        let gazette = Engine {
            index_time: Duration::from_millis(120),
            index_bytes: 9_000_000,
            files: 3000,
            queries,
        };
        let text = table(
            &[SearchResult {
                papers: 10_000,
                gazette: gazette.clone(),
                pagefind: Some(Engine {
                    queries: vec![],
                    ..gazette
                }),
            }],
            3,
        );
        assert!(
            text.contains(
                "| 10000 | Gazette | 120 ms | 9000 KB | 3000 | 45 KB + 28 KB (24 hits) | – | – |"
            ),
            "{text}"
        );
        assert!(
            text.contains("| 10000 | Pagefind | 120 ms | 9000 KB | 3000 | – | – | – |"),
            "{text}"
        );
    }
}
