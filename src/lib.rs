//! Gazette: a static site generator for paper digests.
//!
//! The modules follow the pipeline (see the README's design notes):
//! `digest` (parse dumps) → `import` (entries → Markdown pages, with
//! `paper` and `tagging`) → `site` (load pages into a model) → `render`
//! (model → `output` map) → written to `public/` or served by `serve`.
//! `pipeline` strings the stages together; `cli` is the command line.

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod digest;
pub mod fingerprint;
pub mod import;
pub mod output;
pub mod paper;
pub mod pipeline;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod tagging;
