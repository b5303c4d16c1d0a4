//! Every way the pipeline can fail, each message naming the file, the JSON
//! pointer, and what was expected, so a maintainer can act without a debugger.

use std::path::PathBuf;

/// A pipeline error. Messages are part of the interface: tests assert them.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}:{line}:{column}: malformed JSON: {message}")]
    MalformedJson {
        /// A file, or a page (a path or a URL) holding the JSON.
        path: String,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("{path}:{line}:{column}: malformed YAML: {message}")]
    MalformedYaml {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("{}: {message}", located(file, pointer))]
    Invalid {
        file: String,
        pointer: String,
        message: String,
    },

    /// `page` is what the maintainer named: a path, or a URL for `fetch`.
    #[error("{page}: {message}")]
    Import { page: String, message: String },

    #[error("fetching {url}: {message}")]
    Fetch { url: String, message: String },

    #[error("`{command}` failed: {message}")]
    Command { command: String, message: String },

    #[error(
        "component `{kind}/{name}` is defined differently in {first} and {second}; \
         a component name must mean one schema across all documents"
    )]
    ComponentConflict {
        kind: String,
        name: String,
        first: String,
        second: String,
    },

    #[error("operation {method} {path} is defined twice: in {first} and in {second}")]
    DuplicateOperation {
        method: String,
        path: String,
        first: String,
        second: String,
    },

    #[error("operationId `{id}` is used twice: in {first} and in {second}")]
    DuplicateOperationId {
        id: String,
        first: String,
        second: String,
    },

    #[error(
        "documents disagree on top-level `{field}`: {first} has {first_value}, \
         {second} has {second_value}; every document must carry the same `{field}`"
    )]
    Disagree {
        field: String,
        first: String,
        first_value: String,
        second: String,
        second_value: String,
    },

    #[error("{file}#/actions/{index}: {message} (action: \"{description}\")")]
    Overlay {
        file: String,
        index: usize,
        description: String,
        message: String,
    },

    #[error("no OpenAPI documents (*.json) found in {0}")]
    NoDocuments(PathBuf),

    #[error("code generation failed for operation `{operation}`: {message}")]
    Generate { operation: String, message: String },

    #[error(
        "the command line cannot serve {} operation(s), and nothing was written:\n  {}",
        refused.len(),
        refused.join("\n  ")
    )]
    CommandLine {
        /// Each operation refused: `operationId: why`.
        refused: Vec<String>,
    },

    #[error("generated code does not parse as Rust: {0}")]
    Unparsable(String),

    #[error(
        "progenitor's `Client::new` no longer calls `reqwest::ClientBuilder::new()`, \
         which the pipeline points at the crate's `{0}` (its TLS set-up): \
         update `generate::client_builder` for this progenitor version"
    )]
    ClientBuilderNotFound(&'static str),

    #[error(
        "progenitor's `Client::new` and `Client::new_with_client` no longer both take a \
         parameter `inner`, which the pipeline makes `{0}` (so that credentials alone build \
         a client): update `generate::client_builder` for this progenitor version"
    )]
    InnerParameterNotFound(&'static str),

    #[error(
        "the generated code uses the crate(s) {crates}, which {manifest} does not depend on: \
         the crate would not compile; add them to its [dependencies]"
    )]
    MissingDependencies { manifest: String, crates: String },

    #[error(
        "the generated code needs the dependency feature(s) {features}, which {manifest} \
         does not enable: the crate would not compile; enable them on the dependency \
         (e.g. `reqwest = {{ ..., features = [\"multipart\"] }}`)"
    )]
    MissingFeatures { manifest: String, features: String },

    #[error("{message}")]
    Collision { message: String },
}

/// `file#pointer`, or just `file` when the problem is the whole file.
fn located(file: &str, pointer: &str) -> String {
    if pointer.is_empty() {
        file.to_string()
    } else {
        format!("{file}#{pointer}")
    }
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn invalid(
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Invalid {
            file: file.into(),
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A problem the pipeline fixed or tolerated; reported, never fatal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub file: String,
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}: {}", self.file, self.pointer, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_file_problem_has_no_empty_pointer() {
        let e = Error::invalid("HEAD~1", "", "not a revision");
        assert_eq!(e.to_string(), "HEAD~1: not a revision");
        let e = Error::invalid("a.json", "/paths", "expected an object");
        assert_eq!(e.to_string(), "a.json#/paths: expected an object");
    }
}
