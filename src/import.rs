//! `gazette import`: digests → `content/papers/*.md`, merging and never
//! overwriting a hand edit.
