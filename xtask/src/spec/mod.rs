//! One spec out of the stored documents.
//!
//! In: the documents of `openapi/` (and of pages being imported) and the
//! overlay. Out: one merged, repaired, overlaid and validated spec, in
//! stage order: [`load`] -> [`repair`] -> [`merge`] -> [`overlay`] ->
//! [`drf`] -> [`names`] -> [`validate`]. [`split`] goes the other way: a
//! spec into one document per operation, as the vendor publishes.

pub mod drf;
pub mod load;
pub mod merge;
pub mod names;
pub mod overlay;
pub mod repair;
pub mod split;
pub mod validate;
