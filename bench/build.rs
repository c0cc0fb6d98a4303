//! `include_dir!` does not tell cargo which files it read, so a template
//! added to `sites/` would not be embedded until some source changed:
//! rebuild whenever anything under `sites/` changes.
fn main() {
    println!("cargo:rerun-if-changed=sites");
}
