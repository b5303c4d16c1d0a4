//! The Kizen SDK pipeline, as a library so that tests drive the same code as
//! `cargo xtask`. Data flows one way, and so do the modules' imports (a test
//! checks it, `tests/modules.rs`):
//!
//! ```text
//! main.rs, cmd/   one file per command; main.rs only parses and dispatches
//! pipeline        the stages in order, behind one entry: reads, runs, returns what to write
//! reports/        diff (two specs, classified), surface (a client's API), version (changelog)
//! codegen/        the client, its mocks and its command line: progenitor's code completed
//!                 (errors, forms, page streams, bounds as docs, docs, path templates, one
//!                 feature per area)
//! pages/          the vendor's pages in: download, page (markdown), import, manifest
//! spec/           one spec out: load -> repair -> merge -> overlay -> drf -> names -> validate
//! base/           the leaves: errors, files, JSON pointers, the project's layout, the walk
//! ```
//!
//! Each folder imports only folders below it in this list.

pub mod base;
pub mod cmd;
pub mod codegen;
pub mod pages;
pub mod pipeline;
pub mod reports;
pub mod spec;

pub use base::error::{Error, Result, Warning};
