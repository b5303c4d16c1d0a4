//! The vendor's prose as Markdown reads it. drf-spectacular copies a
//! field's `help_text` (and a view's docstring) as the source wrote it,
//! often a triple-quoted Python string: a leading newline, then every line
//! indented as the source was. Markdown (rustdoc's, a spec renderer's)
//! reads such lines after a blank one as an indented code block, and
//! rustdoc then fails to compile the vendor's list as Rust
//! (`rustdoc::invalid_rust_codeblocks`). So each description is dedented as
//! Python's `inspect.cleandoc` does, once, on the spec: every doc comment,
//! setter doc, error and form doc generated from it reads right, and so
//! does `openapi.json`. What is still indented deeper than its neighbours
//! keeps its relative indentation; where Markdown would read it as code, it
//! becomes a fenced `text` block, which rustdoc shows as text and never
//! compiles.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
use serde_json::Value;

use crate::base::error::Warning;
use crate::base::walk;
use crate::spec::merge::Merged;

/// The keys whose string value is prose (CommonMark, per OpenAPI).
const PROSE: &[&str] = &["description", "summary"];

/// Tidies every description and summary of the spec; a note for each one
/// changed.
pub(super) fn descriptions(merged: &mut Merged, notes: &mut Vec<Warning>) {
    let mut changed = Vec::new();
    walk::objects(&merged.spec, &mut |pointer, object| {
        for key in PROSE {
            if let Some(text) = object.get(*key).and_then(Value::as_str)
                && let Some(tidy) = tidy(text)
            {
                changed.push((format!("{pointer}/{key}"), tidy));
            }
        }
    });
    for (pointer, tidy) in changed {
        let fenced = tidy.contains("```text") || tidy.contains("~~~text");
        if let Some(slot) = merged.spec.pointer_mut(&pointer) {
            *slot = Value::String(tidy);
        }
        let message = if fenced {
            "dedented (an indented Python string, as drf-spectacular copies help_text); \
             its code-like block is fenced as text"
        } else {
            "dedented (an indented Python string, as drf-spectacular copies help_text)"
        };
        super::note(merged, notes, &pointer, message.to_string());
    }
}

/// `text` dedented and its indented code blocks fenced, or `None` when it
/// reads right as it is: a text with no indented line (blank lines at its
/// ends aside, which Markdown ignores) is left as the vendor wrote it.
pub fn tidy(text: &str) -> Option<String> {
    let indented = text
        .split('\n')
        .any(|line| line.starts_with([' ', '\t']) && !line.trim().is_empty());
    if !indented {
        return None;
    }
    let tidy = fence_indented_code(&cleandoc(text));
    (tidy != text).then_some(tidy)
}

/// Python's `inspect.cleandoc`: leading tabs expanded, the first line's
/// indentation and the common indentation of the others removed, and blank
/// lines at either end dropped. A line of only whitespace becomes empty.
pub fn cleandoc(text: &str) -> String {
    let lines: Vec<String> = text.split('\n').map(expand_leading_tabs).collect();
    let blank = |line: &str| line.trim().is_empty();
    let margin = lines
        .iter()
        .skip(1)
        .filter(|l| !blank(l))
        .map(|l| indentation(l))
        .min()
        .unwrap_or(0);
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        out.push(if blank(line) {
            ""
        } else if i == 0 {
            line.trim_start()
        } else {
            &line[margin..]
        });
    }
    let start = out.iter().position(|l| !l.is_empty()).unwrap_or(out.len());
    let end = out
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |i| i + 1);
    out[start..end].join("\n")
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Tabs in a line's indentation as spaces to the next multiple of 8 (as
/// Python's `expandtabs`); the rest of the line as it is.
fn expand_leading_tabs(line: &str) -> String {
    let rest = line.trim_start_matches([' ', '\t']);
    let mut column = 0;
    for c in line[..line.len() - rest.len()].chars() {
        column = if c == '\t' {
            (column / 8 + 1) * 8
        } else {
            column + 1
        };
    }
    format!("{}{rest}", " ".repeat(column))
}

/// Every indented code block of `text` (as CommonMark reads it) as a fenced
/// `text` block at the same place: inside a list item, at the item's
/// content indentation. A block inside a block quote is left as it is.
pub fn fence_indented_code(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let starts: Vec<usize> = lines
        .iter()
        .scan(0, |at, line| {
            let start = *at;
            *at += line.len() + 1;
            Some(start)
        })
        .collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);

    // (first line, last line, the container's content indentation).
    let mut blocks = Vec::new();
    let mut items: Vec<usize> = Vec::new();
    let mut quotes = 0;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Item) => items.push(item_content(lines[line_of(range.start)])),
            Event::End(pulldown_cmark::TagEnd::Item) => {
                items.pop();
            }
            Event::Start(Tag::BlockQuote(_)) => quotes += 1,
            Event::End(pulldown_cmark::TagEnd::BlockQuote(_)) => quotes -= 1,
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) if quotes == 0 => {
                let first = line_of(range.start);
                let mut last = line_of(range.end.saturating_sub(1).max(range.start));
                while last > first && lines[last].trim().is_empty() {
                    last -= 1;
                }
                blocks.push((first, last, items.last().copied().unwrap_or(0)));
            }
            _ => {}
        }
    }
    if blocks.is_empty() {
        return text.to_string();
    }

    let mut out: Vec<String> = Vec::with_capacity(lines.len() + 2 * blocks.len());
    let mut next = 0;
    for (first, last, content) in blocks {
        out.extend(lines[next..first].iter().map(ToString::to_string));
        let code = &lines[first..=last];
        let pad = " ".repeat(content);
        let fence = fence_for(code);
        out.push(format!("{pad}{fence}text"));
        for line in code {
            if line.trim().is_empty() {
                out.push(String::new());
            } else {
                let cut = indentation(line).min(content + 4);
                out.push(format!("{pad}{}", &line[cut..]));
            }
        }
        out.push(format!("{pad}{fence}"));
        next = last + 1;
    }
    out.extend(lines[next..].iter().map(ToString::to_string));
    out.join("\n")
}

/// Where a list item's content starts, from its first line: the marker
/// (`-`, `*`, `+`, `1.` or `1)`) and the spaces after it (one when there
/// are more than four, as CommonMark counts them).
fn item_content(line: &str) -> usize {
    let indent = indentation(line);
    let rest = &line[indent..];
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let marker = if digits > 0 { digits + 1 } else { 1 };
    let after = &rest[marker.min(rest.len())..];
    let spaces = indentation(after);
    let spaces = if (1..=4).contains(&spaces) { spaces } else { 1 };
    indent + marker + spaces
}

/// A fence longer than any run of backticks the code starts a line with.
fn fence_for(code: &[&str]) -> String {
    let longest = code
        .iter()
        .map(|l| l.trim_start().chars().take_while(|&c| c == '`').count())
        .max()
        .unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// drf-spectacular's rendering of a triple-quoted `help_text`.
    const HELP_TEXT: &str = "\n        The array of questions included in the survey.\n\n        Basic (open-ended question)\n        - `type`: `open`\n        - `question`: The text of the question.\n          Shown as written.\n\n        Example:\n\n            {\"type\": \"open\", \"question\": \"Why?\"}\n    ";

    #[test]
    fn cleandoc_removes_the_common_indentation_and_the_blank_ends() {
        assert_eq!(
            cleandoc(HELP_TEXT),
            "The array of questions included in the survey.\n\nBasic (open-ended question)\n\
             - `type`: `open`\n- `question`: The text of the question.\n  Shown as written.\n\n\
             Example:\n\n    {\"type\": \"open\", \"question\": \"Why?\"}"
        );
    }

    #[test]
    fn cleandoc_is_pythons() {
        // Expected values from Python 3.11's `inspect.cleandoc`.
        assert_eq!(
            cleandoc("  first\n    second\n      third"),
            "first\nsecond\n  third"
        );
        assert_eq!(cleandoc("\n\n  a\n\n  b\n\n"), "a\n\nb");
        assert_eq!(cleandoc("\tx\n\ty\n\t\tz"), "x\ny\n        z");
        assert_eq!(cleandoc("one line"), "one line");
        assert_eq!(cleandoc("   "), "");
        assert_eq!(cleandoc(""), "");
    }

    #[test]
    fn a_deeper_block_becomes_fenced_text_and_a_list_stays_a_list() {
        let tidy = tidy(HELP_TEXT).unwrap_or_default();
        assert_eq!(
            tidy,
            "The array of questions included in the survey.\n\nBasic (open-ended question)\n\
             - `type`: `open`\n- `question`: The text of the question.\n  Shown as written.\n\n\
             Example:\n\n```text\n{\"type\": \"open\", \"question\": \"Why?\"}\n```"
        );
        // Markdown sees no indented code block any more.
        let indented = Parser::new(&tidy)
            .any(|e| matches!(e, Event::Start(Tag::CodeBlock(CodeBlockKind::Indented))));
        assert!(!indented, "{tidy}");
    }

    #[test]
    fn code_inside_a_list_item_is_fenced_inside_it() {
        let text = "- a step:\n\n      run it\n        twice\n\n- next";
        assert_eq!(
            fence_indented_code(text),
            "- a step:\n\n  ```text\n  run it\n    twice\n  ```\n\n- next"
        );
        let text = "1.  numbered\n\n        code";
        assert_eq!(
            fence_indented_code(text),
            "1.  numbered\n\n    ```text\n    code\n    ```"
        );
    }

    #[test]
    fn backticks_in_the_code_get_a_longer_fence() {
        let text = "Shell:\n\n    ```\n    echo\n    ```";
        assert_eq!(
            fence_indented_code(text),
            "Shell:\n\n````text\n```\necho\n```\n````"
        );
    }

    #[test]
    fn prose_that_reads_right_is_untouched() {
        for text in [
            "Plain.",
            "Two\nlines.",
            "A list:\n- one\n  - nested\n- two",
            "Fenced:\n\n```json\n{}\n```",
            "Blank lines at the ends, which Markdown ignores.\n\n",
        ] {
            assert_eq!(tidy(text), None, "{text}");
        }
        // A docstring's continuation lines lose their common indentation,
        // as Python's would.
        assert_eq!(
            tidy("A paragraph\n    continued").as_deref(),
            Some("A paragraph\ncontinued")
        );
    }
}
