//! Synthetic corpus generator and the end-to-end benchmark.
//!
//! `gen` writes a site in the real digest format from a seed; `run`
//! generates corpora of several sizes and times the real binary on them
//! (and Hugo on the same papers, when asked). See docs/bench.md.

pub mod corpus;
pub mod hugo;
pub mod rng;
pub mod run;
mod words;

pub use corpus::{GenReport, generate};
