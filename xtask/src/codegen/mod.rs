//! The code generated beside progenitor's.
//!
//! In: the validated spec. Out: the client's `generated.rs` ([`generate`]:
//! progenitor's output completed with typed [`errors`], [`multipart`]
//! forms, [`paginate`] streams, [`bounds`] as docs, [`compat`] (forward compatibility), [`docs`] for what is
//! bare, path [`templates`], and one cargo feature per area, [`features`]),
//! the mocks' ([`mock`]), the command line's ([`cli`]), and the check that
//! the crate has every dependency the code needs ([`deps`]). [`builders`] is what the rewrites share and what the command line reads of the client.

pub mod bounds;
pub mod builders;
pub mod cli;
pub mod compat;
pub mod deps;
pub mod docs;
pub mod errors;
pub mod features;
pub mod generate;
pub mod mock;
pub mod multipart;
pub mod paginate;
pub mod templates;
