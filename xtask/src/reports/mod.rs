//! Reports on what was made.
//!
//! In: two specs, or a generated client. Out: the classified changes
//! between two specs ([`diff`]), the crate's public surface ([`surface`]), the bump its public Rust API
//! needs ([`rust_api`], from rustdoc JSON),
//! and where its version stands against its last release, with the
//! changelog ([`version`]).

pub mod diff;
pub mod rust_api;
pub mod surface;
pub mod version;
