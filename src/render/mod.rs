//! [`Site`](crate::site::Site) → [`Output`](crate::output::Output), with a Tera theme.
