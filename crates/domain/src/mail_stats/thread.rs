//! A thread's extractive summary: the most central sentences its authors wrote.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::analysed_text;
use crate::analytics::{ChatMessage, LexRankOptions, Parallelism, TimeWindow, summary};
use crate::mail::{MailMessageId, StoredMessage};

/// One sentence of a thread's summary and the message it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadSentence {
    /// The sentence, as its author wrote it.
    pub text: String,
    /// The message it comes from.
    pub message_id: MailMessageId,
    /// That message's sender as shown (display name, else address; empty without sender).
    pub from: String,
    /// When that message was received.
    pub received_at: DateTime<Utc>,
}

/// A thread's summary, with the fingerprint of the messages it was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummarizedThread {
    /// [`thread_fingerprint`] of the messages summarised: while it is unchanged, so is the
    /// summary.
    pub fingerprint: u64,
    /// How many messages were summarised.
    pub messages: u32,
    /// The chosen sentences, in time order.
    pub sentences: Vec<ThreadSentence>,
}

impl SummarizedThread {
    /// The summary of a thread's `messages` in `options.count` sentences.
    ///
    /// # Algorithm
    /// Each message contributes its [`analysed_text`] (quoted replies, forwarded headers and
    /// signatures removed), so a reply quoting the whole thread adds only its new words. The
    /// texts then go through [`summary`]: sentence split, LexRank over sparse TF-IDF vectors,
    /// maximal marginal relevance, time order. Every message counts, whatever its time.
    ///
    /// ```
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # use switchboard_domain::analytics::{LexRankOptions, Sequential};
    /// # use switchboard_domain::mail::*;
    /// use switchboard_domain::mail_stats::SummarizedThread;
    /// # let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
    /// # let message = |i: i64, text: &str| StoredMessage {
    /// #     id: MailMessageId::new(), account_id: MailAccountId::new(), provider_id: format!("m{i}"),
    /// #     thread_key: "t".into(), folder_ids: vec![], subject: "Budget".into(), from: None,
    /// #     to: vec![], cc: vec![], received_at: t + TimeDelta::hours(i), sent_at: None,
    /// #     unread: false, has_attachments: false, snippet: String::new(), internet_message_id: None,
    /// #     body: Some(MessageBody { text: Some(text.into()), html: None }), attachments: vec![] };
    /// let thread = [
    ///     message(0, "The budget review moves to Thursday. Lunch is at noon."),
    ///     message(1, "Thursday works for the budget review.\n\nOn Wed, Ada wrote:\n> The budget review moves to Thursday."),
    /// ];
    /// let options = LexRankOptions { count: 1, ..LexRankOptions::default() };
    /// let s = SummarizedThread::compute(&thread, &options, &Sequential);
    /// assert_eq!(s.sentences.len(), 1);
    /// assert!(s.sentences[0].text.contains("budget review"));
    /// ```
    pub fn compute(
        messages: &[StoredMessage],
        options: &LexRankOptions,
        parallelism: &dyn Parallelism,
    ) -> Self {
        let texts: Vec<String> = messages.iter().map(analysed_text).collect();
        let fingerprint = fingerprint_of(messages, &texts);
        let count = u32::try_from(messages.len()).unwrap_or(u32::MAX);
        let (Some(first), Some(last)) = (
            messages.iter().map(|m| m.received_at).min(),
            messages.iter().map(|m| m.received_at).max(),
        ) else {
            return Self { fingerprint, messages: count, sentences: Vec::new() };
        };
        let views: Vec<ChatMessage<'_>> = messages
            .iter()
            .zip(&texts)
            .map(|(m, text)| ChatMessage::new("", text, m.received_at))
            .collect();
        let window = TimeWindow::new(first, last + TimeDelta::seconds(1));
        let chosen = summary(&views, window, options, parallelism);
        let sentences = chosen
            .sentences
            .iter()
            .filter_map(|s| {
                let i = texts.iter().position(|t| contains(t, s.text))?;
                let m = &messages[i];
                Some(ThreadSentence {
                    text: s.text.to_owned(),
                    message_id: m.id,
                    from: m.from.as_ref().map(|f| f.shown_name().to_owned()).unwrap_or_default(),
                    received_at: m.received_at,
                })
            })
            .collect();
        Self { fingerprint, messages: count, sentences }
    }

    /// The sentences joined by single spaces.
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.sentences.iter().map(|s| s.text.as_str()).collect();
        parts.join(" ")
    }
}

/// Whether `part` is a slice of `whole` (the summary's sentences borrow from the texts).
fn contains(whole: &str, part: &str) -> bool {
    let (start, end) = (whole.as_ptr() as usize, whole.as_ptr() as usize + whole.len());
    let at = part.as_ptr() as usize;
    start <= at && at + part.len() <= end && !whole.is_empty()
}

/// A fingerprint of what a summary of `messages` reads: their ids, receipt times and analysed
/// texts, in order. Equal fingerprints mean an equal summary, so a stored one is served again.
///
/// # Algorithm
/// 64-bit FNV-1a over those fields, separated: stable across processes and versions, unlike
/// the standard library's randomly seeded hashers.
///
/// ```
/// # use switchboard_domain::mail::*;
/// use switchboard_domain::mail_stats::thread_fingerprint;
/// # let m = StoredMessage {
/// #     id: MailMessageId::new(), account_id: MailAccountId::new(), provider_id: "m".into(),
/// #     thread_key: "t".into(), folder_ids: vec![], subject: "Hi".into(), from: None,
/// #     to: vec![], cc: vec![], received_at: chrono::Utc::now(), sent_at: None, unread: false,
/// #     has_attachments: false, snippet: "Ship it".into(), internet_message_id: None,
/// #     body: None, attachments: vec![] };
/// let before = thread_fingerprint(std::slice::from_ref(&m));
/// let mut read = m.clone();
/// read.unread = true;
/// assert_eq!(thread_fingerprint(&[read]), before, "reading it changes nothing summarised");
/// let edited = StoredMessage { snippet: "Hold it".into(), ..m };
/// assert_ne!(thread_fingerprint(&[edited]), before);
/// ```
pub fn thread_fingerprint(messages: &[StoredMessage]) -> u64 {
    let texts: Vec<String> = messages.iter().map(analysed_text).collect();
    fingerprint_of(messages, &texts)
}

fn fingerprint_of(messages: &[StoredMessage], texts: &[String]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes.iter().chain(&[0xff]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(PRIME);
        }
    };
    for (m, text) in messages.iter().zip(texts) {
        feed(m.id.as_uuid().as_bytes());
        feed(&m.received_at.timestamp_micros().to_le_bytes());
        feed(m.from.as_ref().map_or("", |f| f.shown_name()).as_bytes());
        feed(text.as_bytes());
    }
    hash
}
