#!/usr/bin/env bash
# Every check CI runs: formatting, lints, the whole test suite.
# Installs what the tests need (rustfmt/clippy components) when missing.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v cargo >/dev/null; then
    echo "test.sh: cargo not found; install Rust from https://rustup.rs" >&2
    exit 1
fi
if command -v rustup >/dev/null; then
    rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi

# Every crate of the workspace: the product (root) and the benchmark (bench/).
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace --all-targets
cargo test --workspace --doc
