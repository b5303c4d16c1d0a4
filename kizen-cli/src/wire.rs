//! `--dry-run` and `--verbose`: the requests as they would go on the wire,
//! seen through the client's tap, the API key never shown.

use kizen_api::credentials::API_KEY_HEADER;
use kizen_api::{Sending, Tap};

/// What the API key is shown as: the variable it comes from, so that a
/// printed `curl` command runs as it is, in a shell that has it.
const KEY_SHOWN_AS: &str = "$KIZEN_API_KEY";

/// Prints each attempt: as a `curl` command on stdout, not sent
/// (`dry_run`), or its request and answer heads on stderr (`verbose`).
#[derive(Debug, Clone, Copy)]
pub struct Wire {
    pub dry_run: bool,
    pub verbose: bool,
}

impl Tap for Wire {
    fn request(&self, request: &reqwest::Request, attempt: u32) -> Sending {
        if self.dry_run {
            println!("{}", curl(request));
            return Sending::Hold;
        }
        if self.verbose {
            let mut text = format!(
                "> {} {} (attempt {attempt})\n",
                request.method(),
                request.url()
            );
            for (name, value) in request.headers() {
                let shown = if name == API_KEY_HEADER {
                    "[redacted]".to_string()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                text.push_str(&format!("> {name}: {shown}\n"));
            }
            eprint!("{text}");
        }
        Sending::Send
    }

    fn response(&self, response: &reqwest::Response) {
        if self.verbose {
            let mut text = format!("< {:?} {}\n", response.version(), response.status());
            for (name, value) in response.headers() {
                text.push_str(&format!(
                    "< {name}: {}\n",
                    String::from_utf8_lossy(value.as_bytes())
                ));
            }
            eprint!("{text}");
        }
    }
}

/// `request` as a `curl` command, the API key as [`KEY_SHOWN_AS`].
pub fn curl(request: &reqwest::Request) -> String {
    let mut parts = vec![
        "curl".to_string(),
        "-X".to_string(),
        request.method().to_string(),
        quote(request.url().as_str()),
    ];
    for (name, value) in request.headers() {
        parts.push("-H".to_string());
        if name == API_KEY_HEADER {
            parts.push(format!("\"{name}: {KEY_SHOWN_AS}\""));
        } else {
            parts.push(quote(&format!(
                "{name}: {}",
                String::from_utf8_lossy(value.as_bytes())
            )));
        }
    }
    if let Some(body) = request.body() {
        match body.as_bytes() {
            Some(bytes) => {
                parts.push("--data-binary".to_string());
                parts.push(quote(&String::from_utf8_lossy(bytes)));
            }
            None => parts.push("# (a streamed body, not shown)".to_string()),
        }
    }
    parts.join(" ")
}

/// `text` in single quotes, for a POSIX shell.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_survive_the_shell() {
        assert_eq!(quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn the_key_is_never_printed() {
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            "https://app.go.kizen.com/api/s3/success"
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
        );
        request.headers_mut().insert(
            API_KEY_HEADER,
            "secret-key".parse().unwrap_or_else(|e| panic!("{e}")),
        );
        *request.body_mut() = Some("a=1".into());
        let text = curl(&request);
        assert!(!text.contains("secret-key"), "{text}");
        assert!(text.contains("\"x-api-key: $KIZEN_API_KEY\""), "{text}");
        assert!(text.ends_with("--data-binary 'a=1'"), "{text}");
    }
}
