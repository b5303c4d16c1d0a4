//! Request bodies and responses: their presence, statuses and media types.

use serde_json::Value;

use super::{Diff, Direction, rules};
use crate::base::{json, walk};

/// Where `value` is defined: the target of its `$ref`, or `pointer`.
fn target(value: &Value, pointer: &str) -> String {
    match value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(walk::ref_pointer)
    {
        Some(target) => target.into_owned(),
        None => pointer.to_string(),
    }
}

impl<'a> Diff<'a> {
    pub(super) fn request_body(
        &mut self,
        at: &str,
        pointer: &str,
        old: Option<&'a Value>,
        new: Option<&'a Value>,
    ) {
        match (old, new) {
            (None, None) => {}
            (Some(_), None) => self.push(
                rules::REQUEST_BODY_REMOVED,
                at,
                "request body removed".into(),
            ),
            (None, Some(_)) => {
                self.push(rules::REQUEST_BODY_ADDED, at, "request body added".into())
            }
            (Some(o), Some(n)) => {
                let pointer = target(n, pointer);
                let (o, n) = (self.resolve_old(o), self.resolve_new(n));
                self.content(at, &pointer, "request body", o, n, Direction::Request);
            }
        }
    }

    pub(super) fn responses(
        &mut self,
        at: &str,
        pointer: &str,
        old: Option<&'a Value>,
        new: Option<&'a Value>,
    ) {
        let new_responses = new.and_then(Value::as_object);
        for (status, response) in old.and_then(Value::as_object).into_iter().flatten() {
            let Some(new_response) = new_responses.and_then(|r| r.get(status)) else {
                self.push(
                    rules::RESPONSE_STATUS_REMOVED,
                    at,
                    format!("response {status} removed"),
                );
                continue;
            };
            let pointer = target(new_response, &json::join(pointer, status));
            let (o, n) = (self.resolve_old(response), self.resolve_new(new_response));
            let what = format!("response {status}");
            self.content(at, &pointer, &what, o, n, Direction::Response);
        }
        for status in new_responses.into_iter().flatten().map(|(s, _)| s) {
            if old.and_then(|o| o.get(status)).is_none() {
                // Every operation's errors are an enum by status (see
                // `codegen::errors`): an error status is a new variant.
                let error = status == "default"
                    || status.starts_with(['4', '5'])
                        && (status.len() == 3
                            || status.eq_ignore_ascii_case("4XX")
                            || status.eq_ignore_ascii_case("5XX"));
                self.push(
                    if error {
                        rules::RESPONSE_ERROR_STATUS_ADDED
                    } else {
                        rules::RESPONSE_STATUS_ADDED
                    },
                    at,
                    format!("response {status} added"),
                );
            }
        }
    }

    /// Compares the media types of a request body or response (`what`):
    /// one no longer offered is breaking; shared ones compare their schemas.
    fn content(
        &mut self,
        at: &str,
        pointer: &str,
        what: &str,
        old: &'a Value,
        new: &'a Value,
        direction: Direction,
    ) {
        let media_types = old
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten();
        for (media, media_type) in media_types {
            let Some(new_media) = new.get("content").and_then(|c| c.get(media)) else {
                let (rule, verb) = match direction {
                    Direction::Request => (rules::REQUEST_MEDIA_TYPE_REMOVED, "accepts"),
                    Direction::Response => (rules::RESPONSE_MEDIA_TYPE_REMOVED, "returns"),
                };
                self.push(rule, at, format!("{what} no longer {verb} {media}"));
                continue;
            };
            let where_ = match direction {
                Direction::Request => format!("{at} {what} ({media})"),
                Direction::Response => format!("{at} {what}"),
            };
            let schema = json::join(
                &json::join(&json::join(pointer, "content"), media),
                "schema",
            );
            self.schema(
                &where_,
                &schema,
                media_type.get("schema"),
                new_media.get("schema"),
                direction,
            );
        }
    }
}
