//! Reads a vendor reference page: markdown, one API area per page, each
//! endpoint a heading followed by a fenced ```json OpenAPI document.
//!
//! The page is parsed as CommonMark (pulldown-cmark), so a `#` line inside a
//! code block is not a heading, `~~~` fences are fences, and a fence marker
//! inside a JSON string does not end the block.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// One ```json block of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The nearest heading above the block, as written (without its `#`
    /// marks or setext underline): it is recorded in the manifest.
    pub heading: String,
    /// 1-based line of the first JSON line in the page.
    pub line: usize,
    pub text: String,
}

/// The ```json blocks of a markdown page, in page order. Other code blocks
/// (prose examples, shell snippets) are not documents.
pub fn blocks(page: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut heading = String::new();
    let mut open: Option<Block> = None;
    // Lines are counted from the previous block on, not from the start of
    // the page each time (a page of 200 documents is megabytes long).
    let (mut counted_to, mut lines_before) = (0, 0);
    for (event, range) in Parser::new(page).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = heading_text(&page[range]),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_json(&info) => {
                // The fence is on the block's first line; the JSON starts below.
                lines_before += page[counted_to..range.start].matches('\n').count();
                counted_to = range.start;
                let fence_line = lines_before + 1;
                open = Some(Block {
                    heading: heading.clone(),
                    line: fence_line + 1,
                    text: String::new(),
                });
            }
            Event::Text(text) => {
                if let Some(block) = &mut open {
                    block.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(mut block) = open.take() {
                    if block.text.ends_with('\n') {
                        block.text.pop();
                    }
                    blocks.push(block);
                }
            }
            _ => {}
        }
    }
    blocks
}

/// A heading's source without its markup: `## Title ##` or `Title\n---`.
fn heading_text(source: &str) -> String {
    let lines: Vec<&str> = source.trim_end().lines().collect();
    match lines.as_slice() {
        [atx] => atx
            .trim()
            .trim_start_matches('#')
            .trim_end_matches('#')
            .trim()
            .to_string(),
        [text @ .., _underline] => text.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" "),
        [] => String::new(),
    }
}

/// An info string naming JSON (`json`, `JSON`, `json title=x`).
fn is_json(info: &str) -> bool {
    info.split_whitespace()
        .next()
        .is_some_and(|lang| lang.eq_ignore_ascii_case("json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(heading: &str, line: usize, text: &str) -> Block {
        Block {
            heading: heading.into(),
            line,
            text: text.into(),
        }
    }

    #[test]
    fn finds_json_blocks_under_their_headings_and_skips_other_fences() {
        let page = "# Area\n\n## First\n\n```json\n{\"a\": 1}\n```\n\n```\nGET x\n```\n\n## Second\n```json\n{\n\"b\": 2\n}\n```\n";
        assert_eq!(
            blocks(page),
            [
                block("First", 6, "{\"a\": 1}"),
                block("Second", 15, "{\n\"b\": 2\n}")
            ]
        );
    }

    #[test]
    fn a_heading_inside_a_code_block_is_not_a_heading() {
        let page = "## Real\n\n```text\n# not a heading\n```\n\n```json\n{}\n```\n";
        assert_eq!(blocks(page), [block("Real", 8, "{}")]);
    }

    #[test]
    fn tilde_fences_are_fences() {
        let page = "## A\n\n~~~json\n{\"x\": 1}\n~~~\n\n~~~\n```json\n{\"no\": 1}\n```\n~~~\n";
        assert_eq!(blocks(page), [block("A", 4, "{\"x\": 1}")]);
    }

    #[test]
    fn a_fence_inside_a_json_string_does_not_end_the_block() {
        let json = "{\"description\": \"run\\n```sh\\nmake\\n```\"}";
        let page = format!("## Doc\n\n```json\n{json}\n```\n");
        assert_eq!(blocks(&page), [block("Doc", 4, json)]);
        // And in a document pretty-printed over several lines.
        let json = "{\n\"d\": \"x\",\n\"e\": \"```\"\n}";
        let page = format!("## Doc\n\n```json\n{json}\n```\n");
        assert_eq!(blocks(&page), [block("Doc", 4, json)]);
    }

    #[test]
    fn heading_styles_are_read_as_written() {
        let page = "## GET /api/custom-objects\n```json\n{}\n```\n\
                    List values for record field\n---\n```json\n{}\n```\n\
                    ## Entity&#x20;heading `code`\n```json\n{}\n```\n";
        let headings: Vec<String> = blocks(page).into_iter().map(|b| b.heading).collect();
        assert_eq!(
            headings,
            [
                "GET /api/custom-objects",
                "List values for record field",
                "Entity&#x20;heading `code`"
            ]
        );
    }
}
