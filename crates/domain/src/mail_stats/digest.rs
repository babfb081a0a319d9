//! The digest of a mailbox: what arrived in a window, in a few lines.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{TopSender, analysed_text, base_subject, top_senders};
use crate::analytics::{ChatMessage, Parallelism, TimeWindow, hot_topics, representative_messages};
use crate::chat_stats::StatsSettings;
use crate::mail::{MailMessageId, StoredMessage};

/// A message chosen as representative of a digest's window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestMessage {
    /// The message.
    pub message_id: MailMessageId,
    /// Its conversation.
    pub thread_key: String,
    /// Its sender's address (empty without sender).
    pub from_address: String,
    /// Its sender as shown (display name, else address).
    pub from: String,
    /// Its subject.
    pub subject: String,
    /// What its author wrote (quotes and signature removed).
    pub text: String,
    /// When it was received.
    pub received_at: DateTime<Utc>,
}

/// What arrived in a window: how much, the topics that stand out against the mail before it,
/// who sent the most, and the most representative messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailDigest {
    /// Messages received in the window.
    pub messages: u32,
    /// Phrases of the window's subjects and texts that stand out against the history.
    pub hot_topics: Vec<String>,
    /// Senders by message count, busiest first.
    pub top_senders: Vec<TopSender>,
    /// The most central messages, in time order.
    pub representative: Vec<DigestMessage>,
}

impl MailDigest {
    /// The digest of `window` over `messages` (the window's and, for hot topics, the
    /// history's before it; others are ignored), the parallel parts on `parallelism`.
    ///
    /// # Algorithm
    /// Each message is read as its subject without `Re:`/`Fwd:` prefixes followed by its
    /// [`analysed_text`]. Hot topics are [`hot_topics`] of those texts (TF-IDF of the window
    /// against slices of the history), top senders [`top_senders`] of the window, and the
    /// representative messages [`representative_messages`] (LexRank, then MMR), each mapped
    /// back to its message. Sizes come from `settings` (`hot_topics`, `most_active`,
    /// `lexrank.count`).
    ///
    /// ```
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # use switchboard_domain::analytics::{Sequential, TimeWindow};
    /// # use switchboard_domain::chat_stats::StatsSettings;
    /// # use switchboard_domain::mail::*;
    /// use switchboard_domain::mail_stats::MailDigest;
    /// # let now = Utc.with_ymd_and_hms(2024, 5, 8, 12, 0, 0).unwrap();
    /// # let message = |hours: i64, from: &str, subject: &str| StoredMessage {
    /// #     id: MailMessageId::new(), account_id: MailAccountId::new(), provider_id: format!("{hours}"),
    /// #     thread_key: "t".into(), folder_ids: vec![], subject: subject.into(),
    /// #     from: Some(MailAddress { name: None, address: from.into() }), to: vec![], cc: vec![],
    /// #     received_at: now - TimeDelta::hours(hours), sent_at: None, unread: false,
    /// #     has_attachments: false, snippet: subject.into(), internet_message_id: None,
    /// #     body: None, attachments: vec![] };
    /// let mail = [
    ///     message(2, "ops@example.com", "Database migration tonight"),
    ///     message(1, "ops@example.com", "Re: Database migration tonight"),
    ///     message(50, "hr@example.com", "Holiday calendar"),
    /// ];
    /// let window = TimeWindow::ending_at(now, TimeDelta::days(1));
    /// let digest = MailDigest::compute(&mail, window, &StatsSettings::default(), &Sequential);
    /// assert_eq!(digest.messages, 2);
    /// assert_eq!(digest.top_senders[0].address, "ops@example.com");
    /// assert!(digest.hot_topics.iter().any(|t| t.contains("database migration")));
    /// ```
    pub fn compute(
        messages: &[StoredMessage],
        window: TimeWindow,
        settings: &StatsSettings,
        parallelism: &dyn Parallelism,
    ) -> Self {
        let texts: Vec<String> = messages
            .iter()
            .map(|m| format!("{}\n{}", base_subject(&m.subject), analysed_text(m)))
            .collect();
        let views: Vec<ChatMessage<'_>> = messages
            .iter()
            .zip(&texts)
            .map(|(m, text)| {
                let author = m.from.as_ref().map_or("", |f| f.address.as_str());
                ChatMessage::new(author, text, m.received_at)
            })
            .collect();
        let inside: Vec<&StoredMessage> =
            messages.iter().filter(|m| window.contains(m.received_at)).collect();
        let senders = inside.iter().filter_map(|m| Some((m.from.as_ref()?, m.received_at)));
        let picked = representative_messages(&views, window, &settings.lexrank, parallelism);
        let representative = picked
            .iter()
            .filter_map(|r| {
                let i = texts.iter().position(|t| std::ptr::eq(t.as_str(), r.message))?;
                let m = &messages[i];
                let text = analysed_text(m);
                Some(DigestMessage {
                    message_id: m.id,
                    thread_key: m.thread_key.clone(),
                    from_address: m.from.as_ref().map(|f| f.address.clone()).unwrap_or_default(),
                    from: m.from.as_ref().map(|f| f.shown_name().to_owned()).unwrap_or_default(),
                    subject: m.subject.clone(),
                    text,
                    received_at: m.received_at,
                })
            })
            .collect();
        Self {
            messages: u32::try_from(inside.len()).unwrap_or(u32::MAX),
            hot_topics: hot_topics(&views, window, settings.hot_topics)
                .into_iter()
                .map(|t| t.phrase)
                .collect(),
            top_senders: top_senders(senders, settings.most_active),
            representative,
        }
    }
}
