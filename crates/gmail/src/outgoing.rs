//! An outgoing message as RFC 5322 bytes for `messages.send`, built with `mail-builder`
//! (encoded words, line folding and the MIME structure are its business). A reply carries
//! `In-Reply-To` and `References` from the original, which Gmail (with the `threadId`) uses to
//! keep it in the original's thread.

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use switchboard_domain::mail::{MailAddress, OutgoingMessage};
use switchboard_ports::mail::MailError;

/// What a reply takes from the message it answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ReplyContext {
    /// The original's `Message-ID`, angle brackets included.
    pub message_id: Option<String>,
    /// The original's `References`.
    pub references: Option<String>,
    /// The original's subject.
    pub subject: String,
    /// The original's sender, replied to when the reply names no recipient.
    pub from: Option<MailAddress>,
}

fn mailbox(a: &MailAddress) -> Address<'_> {
    Address::new_address(a.name.as_deref(), a.address.as_str())
}

/// `<id>` without its brackets, as mail-builder wants message ids.
fn bare(id: &str) -> String {
    id.trim().trim_start_matches('<').trim_end_matches('>').to_owned()
}

/// The RFC 5322 bytes of `message`, from `from`, replying as `reply` says.
pub(crate) fn rfc5322(
    from: &str,
    message: &OutgoingMessage,
    reply: Option<&ReplyContext>,
) -> Result<Vec<u8>, MailError> {
    let mut to: Vec<Address<'_>> = message.to.iter().map(mailbox).collect();
    if to.is_empty()
        && let Some(sender) = reply.and_then(|r| r.from.as_ref())
    {
        to.push(mailbox(sender));
    }
    let subject = match reply {
        Some(r) if message.subject.trim().is_empty() => {
            if r.subject.to_ascii_lowercase().starts_with("re:") {
                r.subject.clone()
            } else {
                format!("Re: {}", r.subject)
            }
        }
        _ => message.subject.clone(),
    };
    let mut builder = MessageBuilder::new()
        .from(Address::new_address(None::<&str>, from))
        .to(Address::new_list(to))
        .subject(subject)
        .text_body(message.body.as_str());
    if !message.cc.is_empty() {
        builder = builder.cc(Address::new_list(message.cc.iter().map(mailbox).collect()));
    }
    if let Some(original) = reply.and_then(|r| r.message_id.as_deref()) {
        let mut chain: Vec<String> = reply
            .and_then(|r| r.references.as_deref())
            .map(|refs| refs.split_whitespace().map(bare).collect())
            .unwrap_or_default();
        chain.push(bare(original));
        builder = builder.in_reply_to(bare(original)).references(chain);
    }
    builder
        .write_to_vec()
        .map_err(|e| MailError::InvalidResponse(format!("building the message: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_names_its_original_and_its_chain() {
        let message = OutgoingMessage {
            to: vec![],
            cc: vec![MailAddress { name: Some("Zoë".into()), address: "z@example.com".into() }],
            subject: String::new(),
            body: "Thanks!".into(),
            reply_to: Some("m1".into()),
        };
        let reply = ReplyContext {
            message_id: Some("<b@example.com>".into()),
            references: Some("<a@example.com>".into()),
            subject: "Plans".into(),
            from: Some(MailAddress { name: None, address: "ann@example.com".into() }),
        };
        let bytes = rfc5322("me@example.com", &message, Some(&reply)).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("In-Reply-To: <b@example.com>"), "{text}");
        assert!(text.contains("References: <a@example.com> <b@example.com>"), "{text}");
        assert!(text.contains("Subject: Re: Plans"), "{text}");
        assert!(text.contains("To: <ann@example.com>"), "{text}");
        assert!(text.contains("Thanks!"), "{text}");
    }
}
