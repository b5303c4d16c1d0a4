//! The Kizen SDK pipeline, as a library so that tests drive the same code as
//! `cargo xtask`. Data flows one way, and so do the modules' imports (a test
//! checks it, `tests/modules.rs`):
//!
//! ```text
//! cmd/*                       one file per command; main.rs only parses and dispatches
//! pipeline                    load -> repair -> merge -> overlay -> drf -> names -> validate -> generate
//! download -> import          a vendor page (fetched or a file) -> planned documents
//! load repair merge overlay drf names validate generate    the stages
//! paginate errors multipart   generated beside progenitor's code: page streams, typed
//! features bounds templates   errors by status, multipart bodies, one cargo feature per
//!                             vendor page (area), string lengths as docs (not types),
//!                             each operation's path template (the runtime's span)
//! deps docs                   the crates the code needs; docs for the items progenitor
//!                             leaves bare
//! builders split              progenitor's builder module and input, as the rewrites see
//!                             them; a spec split into vendor pages (bench and tests)
//! mock                        the typed httpmock extension (`<crate>-httpmock`), after generate
//! version                     the crate's version against its last release; its changelog
//! diff surface                reports on a merged spec / a generated client
//! manifest page               openapi/manifest.json; the markdown page reader
//! walk layout files json error    leaves: the OpenAPI walk, the folder layout,
//!                             reading and atomic writing, JSON pointers, errors
//! ```

pub mod bounds;
pub mod builders;
pub mod cmd;
pub mod deps;
pub mod diff;
pub mod docs;
pub mod download;
pub mod drf;
pub mod error;
pub mod errors;
pub mod features;
pub mod files;
pub mod generate;
pub mod import;
pub mod json;
pub mod layout;
pub mod load;
pub mod manifest;
pub mod merge;
pub mod mock;
pub mod multipart;
pub mod names;
pub mod overlay;
pub mod page;
pub mod paginate;
pub mod pipeline;
pub mod repair;
pub mod split;
pub mod surface;
pub mod templates;
pub mod validate;
pub mod version;
pub mod walk;

pub use error::{Error, Result, Warning};
