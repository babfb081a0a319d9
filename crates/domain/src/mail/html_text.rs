//! The text of an HTML body, for a message sent with no plain-text part (newsletters,
//! notifications, many mobile clients): what search and summaries read in its place.

use html2text::render::TrivialDecorator;

use super::MessageBody;

/// HTML read past this many bytes is not turned into text: a message's text is for search
/// and summaries, and a newsletter's tail (footers, tracking) adds nothing to either.
const READ_AT_MOST: usize = 128 * 1024;

/// Nesting past which the markup is flattened before it is read: html2text lays a document out
/// in time that grows with the square of its depth (50,000 nested list items took 15 s, nested
/// quotes 1.6 s), and a message is anyone's input. Mail nests tables a few dozen deep.
const DEEPEST: usize = 256;

/// Elements that never hold others (they have no end tag).
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose start or end breaks the line when the markup is flattened.
const BLOCKS: [&str; 20] = [
    "address",
    "article",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "p",
    "pre",
    "section",
    "td",
    "tr",
];

/// The text of `html` as a reader sees it: tags, comments, scripts and styles gone, entities
/// decoded, each block (paragraph, list item, table cell) on its own lines, links and
/// emphasis as their bare text. Layout tables, the usual shape of HTML mail, are read cell by
/// cell. Parsed with `html2text` (html5ever underneath), so malformed markup reads as a
/// browser would show it; markup nested deeper than mail ever is is flattened first (its
/// tags dropped, blocks kept as line breaks), so no message costs more than its length.
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
    let flat;
    let html = if deepest(html) > DEEPEST {
        flat = flattened(html);
        flat.as_str()
    } else {
        html
    };
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

/// A tag at the start of `markup` (just past its `<`): whether it closes, and its name in
/// lower case (empty for a comment, a declaration or a `<` that starts no tag).
fn tag_name(markup: &str) -> (bool, String) {
    let (closing, rest) = match markup.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, markup),
    };
    let name: String = rest
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let starts_tag = rest.starts_with(|c: char| c.is_ascii_alphabetic());
    (closing, if starts_tag { name } else { String::new() })
}

/// How deep the markup nests at most, counting start tags (not void, not self-closing)
/// against end tags in one pass. End tags a parser would imply (an unclosed `<li>` or `<p>`)
/// are not, so this may say deeper than the document is, never shallower.
///
/// Written by hand: it must not be the parse whose cost it bounds.
fn deepest(html: &str) -> usize {
    let (mut depth, mut most) = (0usize, 0usize);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let (closing, name) = tag_name(rest);
        if name.is_empty() {
            continue;
        }
        // Past the tag, so each byte is read once.
        let Some(tag_end) = rest.find('>') else {
            break;
        };
        let self_closing = rest[..tag_end].ends_with('/');
        rest = &rest[tag_end + 1..];
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing && !VOID.contains(&name.as_str()) {
            depth += 1;
            most = most.max(depth);
        }
    }
    most
}

/// Where the end tag `</name` starts in `markup`, whatever its case.
fn end_tag(markup: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = markup[from..].find("</") {
        let at = from + at;
        let after = &markup.as_bytes()[at + 2..];
        if after.get(..name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes())) {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// The markup without its tags, comments, scripts and styles: its text and entities, with a
/// `<br>` where a block starts or ends. Linear in its length, and nests nothing.
fn flattened(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = &rest[open + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        // A `<` that starts no tag or declaration (`a <3 b`) is text, as a browser shows it.
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?')) {
            out.push_str("&lt;");
            continue;
        }
        let Some(close) = rest.find('>') else {
            rest = "";
            break;
        };
        let (closing, name) = tag_name(rest);
        rest = &rest[close + 1..];
        if !closing && (name == "script" || name == "style") {
            rest = end_tag(rest, &name).map_or("", |at| {
                let after = &rest[at..];
                after.find('>').map_or("", |gt| &after[gt + 1..])
            });
        } else if BLOCKS.contains(&name.as_str()) {
            out.push_str("<br>");
        }
    }
    out.push_str(rest);
    out
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
    fn depth_counts_what_nests_and_may_only_overstate_it() {
        assert_eq!(deepest("<div><p>a<br>b<img src=x/></p><hr></div><!-- <x> -->"), 2);
        assert_eq!(deepest("<ul><li>one<li>two</ul>"), 3, "implied ends overstate");
        assert_eq!(deepest("a < b, <3 and <span/>"), 0);
        assert_eq!(deepest(&"<ul><li>".repeat(200)), 400);
        // A `<` that never closes ends the count, however long the rest.
        assert_eq!(deepest(&format!("<div>{}", "<a".repeat(10_000))), 1);
    }

    #[test]
    fn markup_nested_past_any_mail_is_flattened_and_still_read() {
        let flat = flattened(
            "<DIV>Hi &amp; <b>bye</b><Script>x<y</SCRIPT><style>.a{}</style></div><!--c-->\
             <li>last",
        );
        assert_eq!(flat, "<br>Hi &amp; bye<br><br>last");
        assert_eq!(flattened("a <3 b > c<!DOCTYPE html><?xml?>"), "a &lt;3 b > c");
        let deep = format!("{}Deep &amp; done{}", "<ul><li>".repeat(8_000), "</li></ul>");
        assert!(deepest(&deep) > DEEPEST);
        assert_eq!(html_as_text(&deep), "Deep & done");
        let quotes = format!("{}quoted{}", "<blockquote>".repeat(5_000), "</blockquote>");
        assert_eq!(html_as_text(&quotes), "quoted");
    }

    #[test]
    fn an_empty_html_body_gives_no_text() {
        assert_eq!(MessageBody::new(None, Some("<p> </p>".into())).text, None);
        assert_eq!(MessageBody::new(None, None), MessageBody::default());
    }
}
