//! Reports on what was made.
//!
//! In: two specs, or a generated client. Out: the classified changes
//! between two specs ([`diff`]), the crate's public surface ([`surface`]),
//! and where its version stands against its last release, with the
//! changelog ([`version`]).

pub mod diff;
pub mod surface;
pub mod version;
