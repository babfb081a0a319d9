//! The message attachments integrations post: Slack's secondary attachments, which Mattermost
//! took over as its own (`props.attachments`, documented as Slack-compatible). An alert or a
//! build report often says everything in them and nothing in the message's own text, so their
//! words are part of the post's text, for reading, search and analytics alike.
//!
//! ```
//! use switchboard_domain::chat_attachments::{MessageAttachment, with_attachments};
//!
//! let alert: MessageAttachment = serde_json::from_value(serde_json::json!({
//!     "fallback": "Disk almost full on db-1",
//!     "title": "Disk almost full",
//!     "text": "db-1 is at 97 %",
//!     "fields": [{"title": "Priority", "value": "High", "short": true}, {"title": "Free", "value": 3}]
//! }))
//! .unwrap();
//! assert_eq!(
//!     with_attachments("", &[alert], str::to_owned),
//!     "Disk almost full\ndb-1 is at 97 %\nPriority: High\nFree: 3"
//! );
//! ```

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// One attachment, the parts of it that hold words. Every part may be missing, and Mattermost
/// writes a field's value as a number or a boolean as readily as a string: each is read as the
/// text it shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct MessageAttachment {
    /// A plain-text summary for clients that show no attachments.
    #[serde(deserialize_with = "shown")]
    pub fallback: String,
    /// The line above the attachment.
    #[serde(deserialize_with = "shown")]
    pub pretext: String,
    /// Who or what it is about (a small header).
    #[serde(deserialize_with = "shown")]
    pub author_name: String,
    /// Its title.
    #[serde(deserialize_with = "shown")]
    pub title: String,
    /// Its body.
    #[serde(deserialize_with = "shown")]
    pub text: String,
    /// Its table of fields.
    #[serde(deserialize_with = "fields")]
    pub fields: Vec<AttachmentField>,
    /// The small line below it.
    #[serde(deserialize_with = "shown")]
    pub footer: String,
}

/// A field of an attachment's table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AttachmentField {
    /// Its label.
    #[serde(deserialize_with = "shown")]
    pub title: String,
    /// Its value.
    #[serde(deserialize_with = "shown")]
    pub value: String,
}

impl MessageAttachment {
    /// The attachments of a message's `attachments` (Slack) or `props.attachments`
    /// (Mattermost): each one that reads as an attachment, the others skipped (an
    /// integration's malformed attachment costs its words, not the post). A link's preview
    /// (Slack's unfurl, with `from_url` or `original_url`: the linked page's title and
    /// description) is not the poster's words and is skipped too.
    pub fn all_of(value: &Value) -> Vec<Self> {
        let Value::Array(items) = value else { return Vec::new() };
        items
            .iter()
            .filter(|item| !is_link_preview(item))
            .filter_map(|item| Self::deserialize(item).ok())
            .collect()
    }

    /// Its words as lines: the pretext, the author, the title, the text, each field as
    /// `title: value` (or the one that is set), the footer; the fallback only when none of
    /// those is set, as it summarises them.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = [&self.pretext, &self.author_name, &self.title, &self.text]
            .into_iter()
            .filter(|part| !part.trim().is_empty())
            .cloned()
            .collect();
        for field in &self.fields {
            let (title, value) = (field.title.trim(), field.value.trim());
            match (title.is_empty(), value.is_empty()) {
                (false, false) => lines.push(format!("{title}: {value}")),
                (false, true) => lines.push(title.to_owned()),
                (true, false) => lines.push(value.to_owned()),
                (true, true) => {}
            }
        }
        if !self.footer.trim().is_empty() {
            lines.push(self.footer.clone());
        }
        if lines.is_empty() && !self.fallback.trim().is_empty() {
            lines.push(self.fallback.clone());
        }
        lines
    }
}

/// A post's text followed by its attachments' [`MessageAttachment::lines`], one line each,
/// every line through `decode` (the provider's markup to plain text); the text alone when
/// there are none.
pub fn with_attachments(
    text: &str,
    attachments: &[MessageAttachment],
    decode: impl Fn(&str) -> String,
) -> String {
    let mut out = text.to_owned();
    for line in attachments.iter().flat_map(MessageAttachment::lines) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&decode(&line));
    }
    out
}

/// `text`, or, when it has no words, the names of the files the post shares, one a line: a
/// file shared without a comment is otherwise a post without words (a comment, when there is
/// one, says what the file is better than its name).
///
/// ```
/// use switchboard_domain::chat_attachments::or_file_names;
///
/// assert_eq!(or_file_names(String::new(), ["Q3 budget.xlsx", " ", "notes.pdf"]), "Q3 budget.xlsx\nnotes.pdf");
/// assert_eq!(or_file_names("the forecast".into(), ["Q3 budget.xlsx"]), "the forecast");
/// ```
pub fn or_file_names<'a>(text: String, names: impl IntoIterator<Item = &'a str>) -> String {
    if !text.trim().is_empty() {
        return text;
    }
    let names: Vec<&str> = names.into_iter().map(str::trim).filter(|n| !n.is_empty()).collect();
    if names.is_empty() { text } else { names.join("\n") }
}

/// Whether an attachment is a preview of a link the message holds (Slack adds one to a
/// person's message for each link it unfurls).
fn is_link_preview(item: &Value) -> bool {
    ["from_url", "original_url"].iter().any(|key| item.get(key).is_some_and(|v| !v.is_null()))
}

/// A part as the text it shows: a string as it is, a number or a boolean as written, nothing
/// (null, an array, an object) as empty.
fn shown<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null | Value::Array(_) | Value::Object(_) => String::new(),
    })
}

/// The fields that read as fields; anything else as none.
fn fields<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<AttachmentField>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Array(items) => {
            items.iter().filter_map(|item| AttachmentField::deserialize(item).ok()).collect()
        }
        _ => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_fallback_only_stands_in_for_an_attachment_with_no_other_words() {
        let only_fallback = json!([{"fallback": "Build 42 failed", "color": "danger"}]);
        let full = json!([{"fallback": "Build 42 failed", "pretext": "CI", "text": "see the log"}]);
        let text = |v| with_attachments("", &MessageAttachment::all_of(&v), str::to_owned);
        assert_eq!(text(only_fallback), "Build 42 failed");
        assert_eq!(text(full), "CI\nsee the log");
    }

    #[test]
    fn malformed_attachments_and_fields_are_skipped_not_fatal() {
        let value = json!([
            "not an attachment",
            {"title": ["odd"], "text": "kept", "fields": "none"},
            {"fields": [{"title": "Env", "value": true}, 7, {"value": "only a value"}]}
        ]);
        let all = MessageAttachment::all_of(&value);
        assert_eq!(all.len(), 2);
        assert_eq!(
            with_attachments("alert", &all, str::to_owned),
            "alert\nkept\nEnv: true\nonly a value"
        );
        assert!(MessageAttachment::all_of(&json!({"title": "not a list"})).is_empty());
    }

    #[test]
    fn a_links_preview_is_not_the_posters_words() {
        let value = json!([
            {"from_url": "https://example.com/a", "title": "Example Domain", "text": "For use in examples"},
            {"original_url": "https://example.com/b", "service_name": "Example", "title": "B"},
            {"title": "Deploy", "text": "done"}
        ]);
        let all = MessageAttachment::all_of(&value);
        assert_eq!(
            with_attachments("see https://example.com/a", &all, str::to_owned),
            "see https://example.com/a\nDeploy\ndone"
        );
    }

    #[test]
    fn every_line_is_decoded() {
        let all = MessageAttachment::all_of(&json!([{"text": "a &amp; b"}]));
        assert_eq!(with_attachments("x", &all, |s| s.replace("&amp;", "&")), "x\na & b");
        assert_eq!(with_attachments("x", &[], |_| unreachable!()), "x");
        assert!(MessageAttachment::default().lines().is_empty());
    }
}
