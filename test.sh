#!/usr/bin/env bash
# Every check CI runs: formatting, lints, the whole test suite, then the
# JavaScript and browser tests.
# Installs what the tests need (rustfmt/clippy components, the npm packages
# of tests/browser) when missing. Browser tests need Chromium
# (`apt-get install chromium`, which .ci/run does); without it they are
# skipped, and this script says so.
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

# JavaScript: Node's own test runner, on the binary the tests above built.
if ! command -v node >/dev/null; then
    echo "test.sh: SKIPPED the JavaScript and browser tests: node not found (install Node.js 20+)" >&2
    exit 0
fi
cargo build --quiet
export GAZETTE_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/gazette"
if [ ! -d tests/browser/node_modules ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules ]; then
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
# The search page's query code against the sample site's index (no browser).
node --test tests/search/
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    node --test tests/browser/
else
    echo "test.sh: SKIPPED the browser tests: Chromium not found at ${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)" >&2
fi
