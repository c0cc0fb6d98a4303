//! `content/` → [`Site`].
