//! One module per measured tool: how to get its binary, feed it the
//! corpus and time it.

pub mod gazette;
pub mod hugo;
pub mod search;
