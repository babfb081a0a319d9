//! The text of an HTML body, for a message sent with no plain-text part (newsletters,
//! notifications, many mobile clients): what search and summaries read in its place.

use html2text::render::TrivialDecorator;

use super::MessageBody;

/// HTML read past this many bytes is not turned into text: a message's text is for search
/// and summaries, and a newsletter's tail (footers, tracking) adds nothing to either.
const READ_AT_MOST: usize = 256 * 1024;

/// The text of `html` as a reader sees it: tags, comments, scripts and styles gone, entities
/// decoded, each block (paragraph, list item, table cell) on its own lines, links and
/// emphasis as their bare text. Layout tables, the usual shape of HTML mail, are read cell by cell. Parsed with
/// `html2text` (html5ever underneath), so malformed markup reads as a browser would show it.
///
/// ```
/// use switchboard_domain::mail::html_as_text;
///
/// let text = html_as_text(
///     "<html><head><style>p{color:red}</style></head><body>\
///      <table><tr><td><p>Caf&eacute; at <b>9</b></p></td><td>Room&nbsp;2</td></tr></table>\
///      <script>track()</script></body></html>",
/// );
/// assert!(text.contains("Café at 9") && text.contains("Room\u{a0}2"));
/// assert!(!text.contains("color") && !text.contains("track"));
/// ```
pub fn html_as_text(html: &str) -> String {
    let end = if html.len() <= READ_AT_MOST {
        html.len()
    } else {
        (0..=READ_AT_MOST).rev().find(|&i| html.is_char_boundary(i)).unwrap_or(0)
    };
    let html = &html[..end];
    html2text::config::with_decorator(TrivialDecorator::new())
        .raw_mode(true)
        .allow_width_overflow()
        .string_from_read(html.as_bytes(), 1000)
        .unwrap_or_default()
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

impl MessageBody {
    /// A message's bodies as the provider gave them; a message with HTML alone gets the
    /// HTML's text ([`html_as_text`]) as its text, so it is searched and summarised like any
    /// other.
    ///
    /// ```
    /// use switchboard_domain::mail::MessageBody;
    ///
    /// let only_html = MessageBody::new(None, Some("<p>Lunch at <i>noon</i></p>".into()));
    /// assert_eq!(only_html.text.as_deref(), Some("Lunch at noon"));
    /// let both = MessageBody::new(Some("plain".into()), Some("<p>rich</p>".into()));
    /// assert_eq!(both.text.as_deref(), Some("plain"));
    /// ```
    pub fn new(text: Option<String>, html: Option<String>) -> Self {
        let text =
            text.or_else(|| html.as_deref().map(html_as_text).filter(|t| !t.trim().is_empty()));
        Self { text, html }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_lines_and_nothing_hidden_is_read() {
        let text = html_as_text(
            "<div>Hello&nbsp;Ana,</div><!-- tracking --><p>The <a href=\"https://x.test/a\">report</a> \
             is ready.</p><ul><li>one</li><li>two</li></ul><style>.x{}</style>",
        );
        assert_eq!(text, "Hello\u{a0}Ana,\nThe report is ready.\none\ntwo");
    }

    #[test]
    fn broken_markup_and_huge_bodies_are_read_without_panic() {
        assert_eq!(html_as_text("<p>open <b>bold <i>both"), "open bold both");
        assert_eq!(html_as_text(""), "");
        let huge = format!("<p>start</p>{}", "é".repeat(READ_AT_MOST));
        let text = html_as_text(&huge);
        assert!(text.starts_with("start\né"));
        assert!(text.chars().filter(|&c| c == 'é').count() < READ_AT_MOST / 2);
    }

    #[test]
    fn an_empty_html_body_gives_no_text() {
        assert_eq!(MessageBody::new(None, Some("<p> </p>".into())).text, None);
        assert_eq!(MessageBody::new(None, None), MessageBody::default());
    }
}
