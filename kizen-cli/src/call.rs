//! What every generated command shares: reading its flags and body, and
//! printing its answer with the exit code it calls for. It knows the client
//! only through progenitor's types (so that a command line generated for
//! another vendor's client builds on it as well).

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use futures_util::{Stream, StreamExt};
use progenitor_client::{Error, ResponseValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How a call prints its answer.
#[derive(Debug, Clone, Copy)]
pub struct Call {
    /// Pretty JSON (on a terminal) or one compact line (in a pipe).
    pub pretty: bool,
    /// How the client's error for a request its tap held (`--dry-run`)
    /// begins: that call ended as asked.
    pub held: &'static str,
}

/// An answer's body (or an error answer's) as JSON: the printer of every
/// type that serializes (the generated commands name their own for the
/// client's error enums, which do not).
#[allow(dead_code)] // as `Call::body`: unused when no area is built
pub fn json<T: Serialize>(body: T) -> serde_json::Value {
    serde_json::to_value(body).unwrap_or_default()
}

/// A call that ended as the user asked.
#[derive(Debug)]
pub enum Outcome {
    /// The answer's body went to stdout.
    Printed,
    /// A success with no body; what was said went to stderr.
    NoContent,
    /// `--dry-run`: the request was printed, not sent.
    NotSent,
}

/// A call that did not succeed; [`CallError::exit_code`] says how to exit.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The API answered with an error status (its body is on stderr).
    #[error("the API answered {status}")]
    Status { status: u16 },
    /// The user's input cannot make a request: nothing was sent.
    #[error("{0}")]
    Usage(String),
    /// The request could not be sent or answered (network, TLS, timeout),
    /// or the answer could not be read.
    #[error("{0}")]
    Transport(String),
    /// No such command (cannot happen with the generated tree).
    #[error("no command `{0}`")]
    Unknown(String),
}

impl CallError {
    /// Says what went wrong on stderr (an error answer's status and body
    /// are already there), and the exit code it calls for.
    pub fn report(&self) -> ExitCode {
        if !matches!(self, CallError::Status { .. }) {
            eprintln!("error: {self}");
        }
        self.exit_code()
    }

    /// 4 for a 4xx answer, 5 for a 5xx, 2 for a usage error, 1 otherwise.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            CallError::Status { status } if (400..500).contains(status) => 4,
            CallError::Status { status } if *status >= 500 => 5,
            CallError::Usage(_) | CallError::Unknown(_) => 2,
            CallError::Status { .. } | CallError::Transport(_) => 1,
        })
    }
}

impl Call {
    /// The printing of an answer on this process's stdout.
    pub fn for_stdout(held: &'static str) -> Self {
        Call {
            pretty: std::io::stdout().is_terminal(),
            held,
        }
    }

    /// The flag `id` as `T`, the type the builder's setter takes, when it
    /// is given: each value as a JSON string (text, an enum, a date, a
    /// UUID), or else as the JSON it reads as (a number, a boolean); a
    /// `list` flag's values as an array.
    // Called by the generated commands: by none when no area is built.
    #[allow(dead_code)]
    pub fn param<T: DeserializeOwned>(
        &self,
        matches: &clap::ArgMatches,
        id: &str,
        list: bool,
    ) -> Result<Option<T>, CallError> {
        let Some(raw) = matches.get_raw(id) else {
            return Ok(None);
        };
        let mut texts = Vec::new();
        for value in raw {
            let text = value
                .to_str()
                .ok_or_else(|| CallError::Usage(format!("--{id}: not UTF-8")))?;
            texts.push(text.to_string());
        }
        let as_text = |t: &String| serde_json::Value::String(t.clone());
        let as_json = |t: &String| serde_json::from_str(t).unwrap_or_else(|_| as_text(t));
        let shape = |values: Vec<serde_json::Value>| match (list, values.as_slice()) {
            (false, [one]) => one.clone(),
            _ => serde_json::Value::Array(values),
        };
        let first = serde_json::from_value(shape(texts.iter().map(as_text).collect()));
        first
            .or_else(|_| serde_json::from_value(shape(texts.iter().map(as_json).collect())))
            .map(Some)
            .map_err(|e| CallError::Usage(format!("--{id} {}: {e}", texts.join(" "))))
    }

    /// The part `key` of a form's JSON object, as `T`; a usage error when
    /// it is missing.
    #[allow(dead_code)] // as `param`: the generated multipart commands call it
    pub fn take<T: DeserializeOwned>(
        &self,
        form: &mut serde_json::Map<String, serde_json::Value>,
        key: &str,
    ) -> Result<T, CallError> {
        self.take_optional(form, key)?.ok_or_else(|| {
            CallError::Usage(format!(
                "the form needs the part `{key}` (in --json-body, or its flag)"
            ))
        })
    }

    /// The part `key` of a form's JSON object, as `T`, when it is there.
    #[allow(dead_code)] // as `take`
    pub fn take_optional<T: DeserializeOwned>(
        &self,
        form: &mut serde_json::Map<String, serde_json::Value>,
        key: &str,
    ) -> Result<Option<T>, CallError> {
        match form.remove(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(value) => serde_json::from_value(value)
                .map(Some)
                .map_err(|e| CallError::Usage(format!("the form's part `{key}`: {e}"))),
        }
    }

    /// A usage error when the form's JSON object has a key that is none of
    /// its `parts` (a misspelt part would otherwise not be sent).
    #[allow(dead_code)] // as `take`
    pub fn only(
        &self,
        form: &serde_json::Map<String, serde_json::Value>,
        parts: &[&str],
    ) -> Result<(), CallError> {
        match form.keys().find(|k| !parts.contains(&k.as_str())) {
            Some(key) => Err(CallError::Usage(format!(
                "the form has no part `{key}`; its parts: {}",
                parts.join(", ")
            ))),
            None => Ok(()),
        }
    }

    /// The body of `--json-body` (a file, or `-` for stdin) with `fields`
    /// (from the field flags) set over it, as `T`; `None` when neither is
    /// given and the body is not `required`.
    // Called by the generated commands: by none when no area is built.
    #[allow(dead_code)]
    pub fn body<T: DeserializeOwned>(
        &self,
        matches: &clap::ArgMatches,
        fields: serde_json::Map<String, serde_json::Value>,
        required: bool,
    ) -> Result<Option<T>, CallError> {
        let source = matches.get_one::<String>("json-body");
        let name = match source.map(String::as_str) {
            Some("-") => "stdin".to_string(),
            Some(path) => path.to_string(),
            None => "the field flags".to_string(),
        };
        let mut body = match source {
            None if fields.is_empty() && !required => return Ok(None),
            None if fields.is_empty() => {
                return Err(CallError::Usage(
                    "this operation needs a body: --json-body FILE (or -), or its field flags"
                        .into(),
                ));
            }
            None => serde_json::Value::Object(serde_json::Map::new()),
            Some(source) => {
                let text = if source == "-" {
                    let mut text = String::new();
                    std::io::stdin().read_to_string(&mut text).map_err(|e| {
                        CallError::Usage(format!("--json-body -: cannot read stdin: {e}"))
                    })?;
                    text
                } else {
                    std::fs::read_to_string(source)
                        .map_err(|e| CallError::Usage(format!("--json-body {source}: {e}")))?
                };
                serde_json::from_str(&text)
                    .map_err(|e| CallError::Usage(format!("--json-body {name}: not JSON: {e}")))?
            }
        };
        if !fields.is_empty() {
            let Some(object) = body.as_object_mut() else {
                return Err(CallError::Usage(format!(
                    "--json-body {name} is not a JSON object, so the field flags cannot set its fields"
                )));
            };
            object.extend(fields);
        }
        serde_json::from_value(body).map(Some).map_err(|e| {
            CallError::Usage(format!("{name}: not the body this operation takes: {e}"))
        })
    }

    /// Prints the answer of a call: its JSON on stdout, or, for an error
    /// answer, its status and body (as `error` makes it JSON) on stderr.
    #[allow(dead_code)] // as `body`
    pub async fn answer<T: Serialize, E: std::fmt::Debug>(
        &self,
        result: Result<ResponseValue<T>, Error<E>>,
        error: fn(E) -> serde_json::Value,
    ) -> Result<Outcome, CallError> {
        match result {
            Ok(value) => {
                let status = value.status();
                let body = serde_json::to_value(value.into_inner())
                    .map_err(|e| CallError::Transport(format!("cannot print the answer: {e}")))?;
                if body.is_null() {
                    eprintln!("{status}: succeeded, with no content");
                    return Ok(Outcome::NoContent);
                }
                self.print(&body)?;
                Ok(Outcome::Printed)
            }
            Err(Error::ErrorResponse(value)) => {
                let status = value.status();
                let body = error(value.into_inner());
                eprintln!("error: the API answered {status}");
                if !body.is_null() {
                    eprintln!("{}", self.render(&body));
                }
                Err(CallError::Status {
                    status: status.as_u16(),
                })
            }
            Err(Error::UnexpectedResponse(response)) => {
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                eprintln!("error: the API answered {status}");
                if !text.is_empty() {
                    eprintln!("{text}");
                }
                Err(CallError::Status {
                    status: status.as_u16(),
                })
            }
            Err(Error::Custom(message)) if message.starts_with(self.held) => Ok(Outcome::NotSent),
            Err(Error::InvalidRequest(message)) => Err(CallError::Usage(message)),
            Err(other) => Err(CallError::Transport(chain(&other))),
        }
    }

    /// Prints every item of a list's pages (`--all`) as one JSON line each
    /// (NDJSON), as they come; an error answer ends it as [`Call::answer`]
    /// reports one.
    #[allow(dead_code)] // as `body`: the generated list commands call it
    pub async fn each<I: Serialize, E: std::fmt::Debug>(
        &self,
        items: impl Stream<Item = Result<I, Error<E>>>,
        error: fn(E) -> serde_json::Value,
    ) -> Result<Outcome, CallError> {
        let mut items = std::pin::pin!(items);
        while let Some(item) = items.next().await {
            match item {
                Ok(item) => {
                    let line = serde_json::to_string(&item)
                        .map_err(|e| CallError::Transport(format!("cannot print an item: {e}")))?;
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "{line}")
                        .and_then(|()| out.flush())
                        .map_err(|e| CallError::Transport(format!("cannot write an item: {e}")))?;
                }
                Err(e) => return self.answer::<(), E>(Err(e), error).await,
            }
        }
        Ok(Outcome::Printed)
    }

    fn render(&self, body: &serde_json::Value) -> String {
        let text = if self.pretty {
            serde_json::to_string_pretty(body)
        } else {
            serde_json::to_string(body)
        };
        text.unwrap_or_default()
    }

    /// Prints `body` on stdout, as [`Call::answer`] prints an answer.
    pub fn print(&self, body: &serde_json::Value) -> Result<(), CallError> {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", self.render(body))
            .and_then(|()| out.flush())
            .map_err(|e| CallError::Transport(format!("cannot write the answer: {e}")))
    }
}

/// An error and its sources, on one line.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let next = e.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn matches(args: &[&str]) -> clap::ArgMatches {
        clap::Command::new("t")
            .arg(clap::Arg::new("one").long("one"))
            .arg(
                clap::Arg::new("many")
                    .long("many")
                    .action(clap::ArgAction::Append),
            )
            .try_get_matches_from(std::iter::once("t").chain(args.iter().copied()))
            .unwrap()
    }

    const CALL: Call = Call {
        pretty: false,
        held: "held",
    };

    #[test]
    fn a_flag_is_read_as_the_type_its_setter_takes() {
        let m = matches(&["--one", "42", "--many", "1", "--many", "2"]);
        assert_eq!(
            CALL.param::<String>(&m, "one", false).unwrap(),
            Some("42".into())
        );
        assert_eq!(CALL.param::<i64>(&m, "one", false).unwrap(), Some(42));
        assert_eq!(
            CALL.param::<Vec<u8>>(&m, "many", true).unwrap(),
            Some(vec![1, 2])
        );
        assert_eq!(
            CALL.param::<Vec<String>>(&m, "many", true).unwrap(),
            Some(vec!["1".into(), "2".into()])
        );
        let m = matches(&["--many", "7"]);
        assert_eq!(
            CALL.param::<Vec<i64>>(&m, "many", true).unwrap(),
            Some(vec![7])
        );
        assert_eq!(CALL.param::<i64>(&m, "one", false).unwrap(), None);
        let m = matches(&["--one", "2026-12-03T01:02:03Z"]);
        let date = CALL.param::<chrono::DateTime<chrono::Utc>>(&m, "one", false);
        assert_eq!(date.unwrap().map(|d| d.timestamp()), Some(1_796_259_723));
    }

    #[test]
    fn a_flag_that_is_not_its_type_is_a_usage_error() {
        let m = matches(&["--one", "not-a-uuid"]);
        let error = CALL.param::<uuid::Uuid>(&m, "one", false).unwrap_err();
        assert!(matches!(error, CallError::Usage(_)), "{error}");
        assert!(
            error.to_string().starts_with("--one not-a-uuid: "),
            "{error}"
        );
    }

    #[test]
    fn a_form_takes_its_parts_and_refuses_any_other() {
        let mut form = serde_json::json!({"file": "a.pdf", "count": 2})
            .as_object()
            .cloned()
            .unwrap();
        assert!(CALL.only(&form, &["file", "count"]).is_ok());
        let error = CALL.only(&form, &["file"]).unwrap_err().to_string();
        assert_eq!(error, "the form has no part `count`; its parts: file");
        assert_eq!(CALL.take::<u32>(&mut form, "count").unwrap(), 2);
        assert_eq!(CALL.take_optional::<u32>(&mut form, "count").unwrap(), None);
        let error = CALL
            .take::<String>(&mut form, "name")
            .unwrap_err()
            .to_string();
        assert!(error.contains("needs the part `name`"), "{error}");
        let error = CALL.take::<u32>(&mut form, "file").unwrap_err().to_string();
        assert!(error.starts_with("the form's part `file`: "), "{error}");
    }
}
