//! The vendor's pages in.
//!
//! In: a reference page (markdown, fetched with [`download`] or read from
//! a file), read by [`page`], and `openapi/` read once ([`folder`]). Out:
//! its documents planned against the stored ones and the manifest
//! ([`import`], [`manifest`]), written only when every stage after them
//! succeeds.

pub mod download;
pub mod folder;
pub mod import;
pub mod manifest;
pub mod page;
