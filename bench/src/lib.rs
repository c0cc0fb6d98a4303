//! Gazette's benchmark, kept out of the product crate so the shipped
//! `gazette` binary carries none of it.
//!
//! `corpus` writes a synthetic site in the real digest format from a seed;
//! `run` generates corpora of several sizes and times the real `gazette`
//! binary on them as a child process (and Hugo on the same papers, when
//! asked). One module per measured tool under `tool`; `measure` times a
//! child process; `report` prints the table; `related` times the related
//! papers in process. See docs/performance.md.

pub mod corpus;
pub mod measure;
pub mod related;
pub mod report;
pub mod rng;
pub mod run;
pub mod tool;
mod words;

pub use corpus::{GenReport, generate};
