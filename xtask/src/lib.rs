//! The Kizen SDK pipeline, as a library so that tests drive the same code as
//! `cargo xtask`. Data flows one way:
//!
//! ```text
//! import (page -> openapi/*.json + manifest)
//! load -> repair -> merge -> overlay -> validate -> generate -> write
//! ```

pub mod bench;
pub mod diff;
pub mod error;
pub mod fetch;
pub mod generate;
pub mod import;
pub mod json;
pub mod load;
pub mod manifest;
pub mod merge;
pub mod overlay;
pub mod par;
pub mod pipeline;
pub mod repair;
pub mod surface;
pub mod validate;
pub mod write;

pub use error::{Error, Result, Warning};
