//! Auto-tagging: keyword rules matched on title and abstract.
