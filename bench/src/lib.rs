//! Gazette's benchmark, kept out of the product crate so the shipped
//! `gazette` binary carries none of it.
//!
//! `corpus` writes a synthetic site in the real digest format from a seed;
//! `run` generates corpora of several sizes and times the real `gazette`
//! binary on them as a child process, side by side with Hugo, Zola and a
//! floor writer on the same papers. One module per measured tool under
//! `tool` (with `sites/`, the templates each gets); `schedule` interleaves
//! their runs; `measure` times a child process; `tree` measures output
//! folders; `live` times edit to reload through the preview servers;
//! `machine` notes the load and the medium; `report` prints the tables;
//! `related` times the related papers in process and `tool::search` the
//! search index (`run --search`). See docs/performance.md.

pub mod corpus;
pub mod live;
pub mod machine;
pub mod measure;
pub mod related;
pub mod report;
pub mod rng;
pub mod run;
pub mod schedule;
pub mod sites;
pub mod tool;
pub mod tree;
mod words;

pub use corpus::{GenReport, generate};
