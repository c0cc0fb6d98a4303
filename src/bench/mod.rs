//! Synthetic corpus generator and the end-to-end benchmark.
