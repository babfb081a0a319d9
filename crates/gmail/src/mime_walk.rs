//! A Gmail message (`format=full`: headers, and the MIME tree Gmail already parsed, each
//! part's body transfer-decoded and sent as base64url) as the port's [`ProviderMessage`]. The
//! tree is walked depth first: the first `text/plain` and `text/html` parts that are not
//! attachments are the bodies (so `multipart/mixed` › `multipart/related` ›
//! `multipart/alternative` finds them), decoded from each part's `charset` with
//! `encoding_rs`; parts with a file name or an `attachmentId` are attachments, inline when
//! they say `Content-Disposition: inline` or carry a `Content-ID` without `attachment`, and
//! named by their `partId` (Gmail's `attachmentId` changes on every reading). A
//! message with an HTML body alone gets the HTML's text as its text
//! ([`MessageBody::new`]); the subject, addresses and date are the [`Envelope`]'s.

use std::cell::RefCell;

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use chrono::{DateTime, TimeZone, Utc};
use google_gmail1::api::{Message, MessagePart};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use switchboard_domain::mail::{AttachmentMeta, MessageBody, ProviderMessage};

use crate::headers::Envelope;

/// base64url with or without padding (Gmail sends both).
const LENIENT_URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes base64url with or without padding; standard base64 too (some clients send it).
///
/// ```
/// assert_eq!(switchboard_gmail::decode_base64url("aGkheA").as_deref(), Some(&b"hi!x"[..]));
/// assert_eq!(switchboard_gmail::decode_base64url("aGkheA==").as_deref(), Some(&b"hi!x"[..]));
/// assert_eq!(switchboard_gmail::decode_base64url("!!"), None);
/// ```
pub fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    LENIENT_URL
        .decode(text)
        .ok()
        .or_else(|| general_purpose::STANDARD_NO_PAD.decode(text.trim_end_matches('=')).ok())
}

/// The message's header `name` (case-insensitive), first occurrence.
pub(crate) fn header<'m>(part: &'m MessagePart, name: &str) -> Option<&'m str> {
    part.headers
        .iter()
        .flatten()
        .find(|h| h.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .and_then(|h| h.value.as_deref())
}

/// `message` as the port sees it; `full` keeps the bodies (a listing keeps the text only).
pub(crate) fn provider_message(message: &Message, full: bool) -> ProviderMessage {
    let empty = MessagePart::default();
    let root = message.payload.as_ref().unwrap_or(&empty);
    let labels = message.label_ids.clone().unwrap_or_default();
    let mut walk = Walk::default();
    walk.part(root);
    let envelope = Envelope::of(root);
    // Gmail's receipt time; without one, the sender's `Date`.
    let received_at = message
        .internal_date
        .and_then(|ms| Utc.timestamp_millis_opt(ms).single())
        .or(envelope.date)
        .unwrap_or(DateTime::UNIX_EPOCH);
    // A message with HTML alone is searched by the HTML's text, listed or read in full.
    let body = MessageBody::new(walk.text, walk.html);
    let body = MessageBody { html: body.html.filter(|_| full), ..body };
    ProviderMessage {
        id: message.id.clone().unwrap_or_default(),
        thread_id: message.thread_id.clone().unwrap_or_default(),
        unread: labels.iter().any(|l| l == "UNREAD"),
        folder_ids: labels,
        subject: envelope.subject,
        from: envelope.from,
        to: envelope.to,
        cc: envelope.cc,
        received_at,
        sent_at: envelope.date,
        has_attachments: walk.attachments.iter().any(|a| !a.inline),
        snippet: snippet(message.snippet.as_deref().unwrap_or_default()),
        internet_message_id: header(root, "Message-ID").map(str::to_owned),
        body: (body.text.is_some() || body.html.is_some()).then_some(body),
        attachments: if full { walk.attachments } else { Vec::new() },
    }
}

/// The part an attachment id names: its `partId` (the id [`provider_message`] gives; the
/// root's, empty, as [`ROOT_PART`]), or, for an id stored by an older version, its
/// `attachmentId`. Only a leaf part is named.
pub(crate) fn part<'m>(root: &'m MessagePart, id: &str) -> Option<&'m MessagePart> {
    let part_id = if id == ROOT_PART { "" } else { id };
    find(root, &|p| p.part_id.as_deref() == Some(part_id)).or_else(|| {
        find(root, &|p| p.body.as_ref().and_then(|b| b.attachment_id.as_deref()) == Some(id))
    })
}

/// The first leaf part under `part` (itself included), depth first, that `named` accepts.
fn find<'m>(
    part: &'m MessagePart,
    named: &impl Fn(&MessagePart) -> bool,
) -> Option<&'m MessagePart> {
    if !part.mime_type.as_deref().unwrap_or_default().starts_with("multipart/") && named(part) {
        return Some(part);
    }
    part.parts.iter().flatten().find_map(|child| find(child, named))
}

/// The id of the attachment that is a message's root part (a message that is one file and
/// nothing else), whose `partId` is empty. No `partId` is a word: Gmail numbers parts (`0`,
/// `1.2`).
const ROOT_PART: &str = "root";

/// An attachment's id: its `partId`, which names the same part for as long as the message
/// exists (a message's MIME structure never changes); the root part's, empty, as
/// [`ROOT_PART`]. Not its `attachmentId`: Gmail hands out a new one on every `messages.get`, so
/// an id stored from one reading would name nothing in the next. A part without a `partId`
/// (Gmail always gives one) keeps its `attachmentId`, the only name it has.
fn attachment_key(part: &MessagePart) -> &str {
    match part.part_id.as_deref() {
        Some("") => ROOT_PART,
        Some(part_id) => part_id,
        None => part.body.as_ref().and_then(|b| b.attachment_id.as_deref()).unwrap_or_default(),
    }
}

/// Gmail's `snippet` as text: Gmail sends it HTML-escaped (`Dave&#39;s`, `&gt; quoted`,
/// `&amp;`), so it is read as the HTML it is, every named and numeric character reference
/// decoded by html5ever's tokenizer alone. A snippet is escaped text, not a document: it needs
/// no tree and no layout (`html_as_text`), and keeps its spacing as Gmail cut it.
fn snippet(escaped: &str) -> String {
    if !escaped.contains('&') {
        return escaped.to_owned();
    }
    let tokenizer = Tokenizer::new(Characters::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(escaped));
    // Only a script tag could pause it (`Script`), and nothing here runs one.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.into_inner()
}

/// The character tokens of an HTML text, joined.
#[derive(Default)]
struct Characters(RefCell<String>);

impl TokenSink for Characters {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::CharacterTokens(text) = token {
            self.0.borrow_mut().push_str(&text);
        }
        TokenSinkResult::Continue
    }
}

/// A part's `Content-Disposition`, in lower case.
fn disposition(part: &MessagePart) -> String {
    header(part, "Content-Disposition").unwrap_or_default().to_ascii_lowercase()
}

/// Whether a part is an attachment: it has a file name or says it is one.
fn is_attachment(part: &MessagePart) -> bool {
    !part.filename.as_deref().unwrap_or_default().is_empty()
        || disposition(part).starts_with("attachment")
}

/// Whether the message's body is HTML alone (no plain part), which [`provider_message`] turns
/// into text: milliseconds for a newsletter, so the caller runs it off the async threads.
pub(crate) fn html_alone(message: &Message) -> bool {
    fn bodies(part: &MessagePart, plain: &mut bool, html: &mut bool) {
        let mime = part.mime_type.as_deref().unwrap_or_default().to_ascii_lowercase();
        if mime.starts_with("multipart/") {
            part.parts.iter().flatten().for_each(|child| bodies(child, plain, html));
        } else if !is_attachment(part) && part.body.as_ref().is_some_and(|b| b.data.is_some()) {
            *plain |= mime == "text/plain";
            *html |= mime == "text/html";
        }
    }
    let (mut plain, mut html) = (false, false);
    if let Some(root) = &message.payload {
        bodies(root, &mut plain, &mut html);
    }
    html && !plain
}

#[derive(Default)]
struct Walk {
    text: Option<String>,
    html: Option<String>,
    attachments: Vec<AttachmentMeta>,
}

impl Walk {
    fn part(&mut self, part: &MessagePart) {
        let mime = part.mime_type.as_deref().unwrap_or_default().to_ascii_lowercase();
        let body = part.body.as_ref();
        let filename = part.filename.as_deref().unwrap_or_default();
        let disposition = disposition(part);
        if mime.starts_with("multipart/") {
            part.parts.iter().flatten().for_each(|child| self.part(child));
            return;
        }
        if is_attachment(part) {
            let inline = disposition.starts_with("inline")
                || (header(part, "Content-ID").is_some() && !disposition.starts_with("attachment"));
            self.attachments.push(AttachmentMeta {
                id: attachment_key(part).to_owned(),
                name: filename.to_owned(),
                content_type: mime,
                size: body.and_then(|b| b.size).and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
                inline,
            });
            return;
        }
        let slot = match mime.as_str() {
            "text/plain" => &mut self.text,
            "text/html" => &mut self.html,
            _ => return,
        };
        if slot.is_none()
            && let Some(data) = body.and_then(|b| b.data.as_deref())
        {
            *slot = Some(decode_text(data, header(part, "Content-Type")));
        }
    }
}

/// `bytes` in the charset its `Content-Type` names (UTF-8 when none or unknown), with
/// U+FFFD for what does not decode.
pub(crate) fn decode_text(bytes: &[u8], content_type: Option<&str>) -> String {
    let encoding = content_type
        .and_then(charset)
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    encoding.decode(bytes).0.into_owned()
}

/// The `charset` parameter of a `Content-Type` value.
fn charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(mime: &str, filename: &str) -> MessagePart {
        MessagePart {
            mime_type: Some(mime.to_owned()),
            filename: Some(filename.to_owned()),
            body: Some(google_gmail1::api::MessagePartBody {
                data: Some(b"x".to_vec()),
                ..Default::default()
            }),
            ..MessagePart::default()
        }
    }

    fn message(parts: Vec<MessagePart>) -> Message {
        let root = MessagePart {
            mime_type: Some("multipart/mixed".to_owned()),
            parts: Some(parts),
            ..MessagePart::default()
        };
        Message { payload: Some(root), ..Message::default() }
    }

    #[test]
    fn html_alone_is_html_with_no_plain_part_beside_it() {
        assert!(html_alone(&message(vec![leaf("Text/HTML", "")])));
        assert!(!html_alone(&message(vec![leaf("text/plain", ""), leaf("text/html", "")])));
        assert!(!html_alone(&message(vec![leaf("text/plain", ""), leaf("text/html", "a.html")])));
        assert!(html_alone(&message(vec![leaf("text/html", ""), leaf("text/plain", "a.txt")])));
        assert!(!html_alone(&Message::default()));
    }

    #[test]
    fn snippets_are_unescaped() {
        assert_eq!(
            snippet(
                "Dave &gt; old text &amp; &quot;quotes&quot;, Dave&#39;s &#x2014; &eacute;t&eacute;"
            ),
            "Dave > old text & \"quotes\", Dave's — été"
        );
        assert_eq!(snippet("&lt;b&gt;not bold&lt;/b&gt; a&nbsp;b"), "<b>not bold</b> a\u{a0}b");
        assert_eq!(snippet("plain, as is"), "plain, as is");
        let listed = Message { snippet: Some("Tom &amp; Jerry".into()), ..message(vec![]) };
        assert_eq!(provider_message(&listed, false).snippet, "Tom & Jerry");
    }

    #[test]
    fn charsets_are_honoured() {
        assert_eq!(decode_text(b"caf\xe9", Some("text/plain; charset=\"ISO-8859-1\"")), "café");
        assert_eq!(decode_text(b"\x93hi\x94", Some("text/plain; charset=windows-1252")), "“hi”");
        assert_eq!(decode_text(b"\x82\xb1\x82\xf1", Some("text/plain; charset=Shift_JIS")), "こん");
        assert_eq!(decode_text("é".as_bytes(), Some("text/plain")), "é");
    }
}
