//! An account's threads summarised from its stored messages, as PostgreSQL's grouping query
//! does: newest activity first, each with its latest message's subject and distinct senders.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use switchboard_domain::mail::{
    MailAddress, StoredMessage, ThreadPage, ThreadQuery, ThreadSummary,
};

/// Senders a summary lists at most.
const SENDERS: usize = 10;

/// The page of threads `query` asks for among `messages` (all of one account).
pub(crate) fn threads<'a>(
    messages: impl Iterator<Item = &'a StoredMessage>,
    query: &ThreadQuery,
) -> ThreadPage {
    let mut by_key: BTreeMap<&str, Vec<&StoredMessage>> = BTreeMap::new();
    for message in messages {
        by_key.entry(message.thread_key.as_str()).or_default().push(message);
    }
    let mut found: Vec<ThreadSummary> = by_key
        .into_values()
        .filter(|thread| {
            query.folder.is_none_or(|f| thread.iter().any(|m| m.folder_ids.contains(&f)))
        })
        .filter_map(summary)
        .filter(|t| query.unread.is_none_or(|u| u == (t.unread > 0)))
        .filter(|t| {
            query.after.as_ref().is_none_or(|c| {
                (t.latest_at, t.thread_key.as_str()) < (c.latest_at, c.thread_key.as_str())
            })
        })
        .collect();
    found.sort_by(|a, b| (b.latest_at, &b.thread_key).cmp(&(a.latest_at, &a.thread_key)));
    found.truncate(usize::try_from(query.limit).unwrap_or(usize::MAX).saturating_add(1));
    ThreadPage::from_fetched(found, query.limit)
}

/// One thread's summary; `None` for no message.
fn summary(mut thread: Vec<&StoredMessage>) -> Option<ThreadSummary> {
    thread.sort_by_key(|m| Reverse((m.received_at, m.id)));
    let latest = thread.first()?;
    let mut senders: Vec<MailAddress> = Vec::new();
    for from in thread.iter().filter_map(|m| m.from.as_ref()) {
        let known = senders.iter().any(|s| s.address.to_lowercase() == from.address.to_lowercase());
        if !known && senders.len() < SENDERS {
            senders.push(from.clone());
        }
    }
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Some(ThreadSummary {
        account_id: latest.account_id,
        thread_key: latest.thread_key.clone(),
        subject: latest.subject.clone(),
        snippet: latest.snippet.clone(),
        latest_at: latest.received_at,
        messages: count(thread.len()),
        unread: count(thread.iter().filter(|m| m.unread).count()),
        senders,
    })
}
