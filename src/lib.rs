//! Gazette: a static site generator for paper digests.
//!
//! The modules follow the pipeline (see docs/design.md and ARCHITECTURE.md):
//! `digest` (parse dumps) → `import` (entries → Markdown pages, with
//! `page`, the page file format, `tagging`, and `removal`, the papers
//! removed for good) → `site` (load pages into
//! a model) → `render` (model → `output` map) → written to `public/` or
//! served by `serve`. `pipeline` strings the stages together; `cli` is the
//! command line. `layout` names the site's folders; `diagnostic` is the one
//! error type; `atomic`, `months`, `toml_line` and `fingerprint` are small
//! helpers, each with one definition of its idea; `trace` times a
//! rebuild's steps on request.

pub mod atomic;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod digest;
pub mod fingerprint;
pub mod import;
pub mod layout;
pub mod lock;
pub mod months;
pub mod output;
pub mod page;
pub mod pipeline;
pub mod record;
pub mod removal;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod tagging;
pub mod toml_line;
pub mod trace;
