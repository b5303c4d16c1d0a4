//! Empty: cargo resolves a package's `[build-dependencies]` only when it has
//! a build script, and xtask's are there to give the host the features the
//! target builds with, so that each dependency is compiled once (see
//! `Cargo.toml`).

fn main() {
    // Nothing to redo when the sources change.
    println!("cargo::rerun-if-changed=build.rs");
}
