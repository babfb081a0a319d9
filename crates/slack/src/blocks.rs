//! Block Kit blocks (<https://api.slack.com/reference/block-kit/blocks>) as text, for a message
//! an app posted with blocks and no `text` of its own. (A message with text keeps it: Slack
//! asks apps to make it the blocks' summary, and a person's message carries its words twice,
//! as text and as a `rich_text` block.)
//!
//! Each text object (`plain_text`, `mrkdwn`: a section's text and fields, a header, a
//! context's elements) is a line; each run of rich text (`rich_text_section`, `_preformatted`,
//! `_quote`, a list's items) is a line of its elements: words as written, a link by its label
//! else its URL, mentions as the control sequences message text writes them (`<@U123>`,
//! `<#C123>`, `<!here>`), emoji by `:name:`. Buttons, menus and inputs (an `actions` or
//! `input` block, a section's `accessory`) are controls, not words, and are left out.

use serde_json::{Map, Value};

use crate::text;

/// The words of `blocks` (a message's `blocks` array), one line per text object or rich-text
/// run; empty for anything else.
pub(crate) fn text(blocks: &Value) -> String {
    let mut lines = Vec::new();
    walk(blocks, &mut lines);
    lines.join("\n")
}

fn walk(value: &Value, lines: &mut Vec<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| walk(item, lines)),
        Value::Object(object) => object_lines(object, lines),
        _ => {}
    }
}

/// The keys of a block that hold its words, in the order they are shown.
const SHOWN_FIRST: [&str; 3] = ["text", "fields", "elements"];

fn object_lines(object: &Map<String, Value>, lines: &mut Vec<String>) {
    let words = |key: &str| object.get(key).and_then(Value::as_str).unwrap_or_default();
    let mut push = |line: String| {
        if !line.trim().is_empty() {
            lines.push(line);
        }
    };
    match object.get("type").and_then(Value::as_str).unwrap_or_default() {
        "plain_text" => push(words("text").to_owned()),
        // Escaped as message text is.
        "mrkdwn" => push(text::plain(words("text"))),
        "rich_text_section" | "rich_text_preformatted" | "rich_text_quote" => {
            let elements = object.get("elements").and_then(Value::as_array);
            push(elements.into_iter().flatten().map(inline).collect());
        }
        "actions" | "input" | "button" | "static_select" | "overflow" | "datepicker" => {}
        // A block or a container: its own text, then its fields and elements, in the order
        // shown (a JSON object's keys have none of their own), then anything else.
        _ => {
            for key in SHOWN_FIRST {
                if let Some(value) = object.get(key) {
                    walk(value, lines);
                }
            }
            object
                .iter()
                .filter(|(key, _)| {
                    !SHOWN_FIRST.contains(&key.as_str()) && key.as_str() != "accessory"
                })
                .for_each(|(_, value)| walk(value, lines));
        }
    }
}

/// A rich-text element as the text it shows.
fn inline(element: &Value) -> String {
    let field = |key: &str| element.get(key).and_then(Value::as_str).unwrap_or_default();
    match field("type") {
        "text" => field("text").to_owned(),
        "link" => Some(field("text")).filter(|t| !t.is_empty()).unwrap_or(field("url")).to_owned(),
        "user" => format!("<@{}>", field("user_id")),
        "channel" => format!("<#{}>", field("channel_id")),
        "usergroup" => format!("<!subteam^{}>", field("usergroup_id")),
        "broadcast" => format!("<!{}>", field("range")),
        "emoji" => format!(":{}:", field("name")),
        "date" => field("fallback").to_owned(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::text;

    #[test]
    fn text_objects_and_rich_text_runs_are_lines_and_controls_are_left_out() {
        let blocks = json!([
            {"type": "header", "text": {"type": "plain_text", "text": "Deploy finished"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*api* v2 &amp; workers"},
             "fields": [{"type": "mrkdwn", "text": "*Env:* prod"}],
             "accessory": {"type": "button", "text": {"type": "plain_text", "text": "Open"}}},
            {"type": "actions", "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Roll back"}}]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "by <@U1>"}]},
            {"type": "rich_text", "elements": [
                {"type": "rich_text_section", "elements": [
                    {"type": "text", "text": "see "},
                    {"type": "link", "url": "https://ci.example/42"},
                    {"type": "text", "text": " cc "},
                    {"type": "user", "user_id": "U2"},
                    {"type": "emoji", "name": "rocket"}]},
                {"type": "rich_text_list", "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]}]}]},
            {"type": "divider"}
        ]);
        assert_eq!(
            text(&blocks),
            "Deploy finished\n*api* v2 & workers\n*Env:* prod\nby <@U1>\n\
             see https://ci.example/42 cc <@U2>:rocket:\none"
        );
        assert_eq!(text(&json!(null)), "");
        assert_eq!(text(&json!("not blocks")), "");
    }
}
