//! Mail analytics: top senders, a thread's extractive summary and the digest of what arrived
//! since a time, over stored messages of any provider. Every text analytic reads a message's
//! [`fresh_text`] (quotes and signatures removed) and reuses the chat
//! analytics ([`crate::analytics`]): LexRank for summaries and representative messages,
//! TF-IDF against the history for hot topics.

mod digest;
mod senders;
mod thread;

pub use digest::{DigestMessage, MailDigest};
pub use senders::{TopSender, top_senders};
pub use thread::{SummarizedThread, ThreadSentence, thread_fingerprint};

use crate::mail::{StoredMessage, fresh_text};

/// The text a message contributes to the analytics: what its author wrote in the plain-text
/// body (the snippet when no body is stored yet).
///
/// ```
/// use switchboard_domain::mail_stats::analysed_text;
/// # use switchboard_domain::mail::*;
/// # let mut m = StoredMessage {
/// #     id: MailMessageId::new(), account_id: MailAccountId::new(), provider_id: "m".into(),
/// #     thread_key: "t".into(), folder_ids: vec![], subject: "Hi".into(), from: None,
/// #     to: vec![], cc: vec![], received_at: chrono::Utc::now(), sent_at: None, unread: false,
/// #     has_attachments: false, snippet: "Ship it".into(), internet_message_id: None,
/// #     body: None, attachments: vec![] };
/// assert_eq!(analysed_text(&m), "Ship it");
/// m.body = Some(MessageBody { text: Some("Ship it today.\n> old".into()), html: None });
/// assert_eq!(analysed_text(&m), "Ship it today.");
/// ```
pub fn analysed_text(message: &StoredMessage) -> String {
    match message.body.as_ref().and_then(|b| b.text.as_deref()) {
        Some(text) => fresh_text(text),
        None => fresh_text(&message.snippet),
    }
}

/// The subject without its reply and forward prefixes (`Re:`, `Fwd:`, `TR:`, `AW:`, …,
/// repeated), so a conversation's replies share their original's words.
///
/// ```
/// use switchboard_domain::mail_stats::base_subject;
///
/// assert_eq!(base_subject("RE: Fwd: Quarterly budget"), "Quarterly budget");
/// assert_eq!(base_subject("Budget"), "Budget");
/// ```
pub fn base_subject(subject: &str) -> &str {
    const PREFIXES: &[&str] = &["re", "fw", "fwd", "tr", "aw", "wg", "réf", "ref"];
    let mut rest = subject.trim();
    loop {
        let Some((head, tail)) = rest.split_once(':') else { return rest };
        let head = head.trim().to_lowercase();
        if !PREFIXES.contains(&head.as_str()) {
            return rest;
        }
        rest = tail.trim_start();
    }
}

#[cfg(test)]
mod tests;
