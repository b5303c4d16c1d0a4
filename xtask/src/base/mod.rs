//! The leaves every stage stands on; they import no stage.
//!
//! In: paths, JSON values, syntax. Out: errors with their file and JSON
//! pointer ([`error`]), reading and atomic writing ([`files`]), pointers and
//! pretty JSON ([`json`]), where things live in a project ([`layout`]), and
//! the one walk over an OpenAPI document ([`walk`]).

pub mod error;
pub mod files;
pub mod json;
pub mod layout;
pub mod walk;
