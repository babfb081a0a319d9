//! Top senders: who wrote the most messages received in a window.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::mail::MailAddress;

/// A sender and how many messages of theirs were received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopSender {
    /// The address, lowercase (the same sender under two casings counts once).
    pub address: String,
    /// Their display name on their latest message that gave one; empty when none did.
    pub name: String,
    /// How many messages they sent.
    pub messages: u64,
}

/// The `limit` senders with the most messages among `senders` (each message's sender and
/// receipt time), busiest first, ties by address.
///
/// # Algorithm
/// One pass counts messages per lowercased address in a hash map and keeps the display name
/// of each sender's latest message that has a non-blank one; then a sort by
/// `(count descending, address ascending)`, truncated to `limit`. The PostgreSQL store answers
/// the same with one `GROUP BY lower(from_address)`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use switchboard_domain::mail::MailAddress;
/// use switchboard_domain::mail_stats::top_senders;
///
/// let t = |h| Utc.with_ymd_and_hms(2024, 5, 1, h, 0, 0).unwrap();
/// let grace = MailAddress { name: Some("Grace Hopper".into()), address: "Grace@navy.example".into() };
/// let alan = MailAddress { name: None, address: "alan@bletchley.example".into() };
/// let top = top_senders([(&grace, t(9)), (&alan, t(10)), (&grace, t(11))], 10);
/// assert_eq!(top[0].address, "grace@navy.example");
/// assert_eq!((top[0].name.as_str(), top[0].messages), ("Grace Hopper", 2));
/// assert_eq!((top[1].name.as_str(), top[1].messages), ("", 1));
/// ```
pub fn top_senders<'a>(
    senders: impl IntoIterator<Item = (&'a MailAddress, DateTime<Utc>)>,
    limit: usize,
) -> Vec<TopSender> {
    struct Seen<'a> {
        messages: u64,
        name: Option<(DateTime<Utc>, &'a str)>,
    }
    let mut by_address: HashMap<String, Seen<'a>> = HashMap::new();
    for (from, at) in senders {
        let seen = by_address
            .entry(from.address.trim().to_lowercase())
            .or_insert(Seen { messages: 0, name: None });
        seen.messages += 1;
        let named = from.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if let Some(name) = named
            && seen.name.is_none_or(|(latest, _)| latest <= at)
        {
            seen.name = Some((at, name));
        }
    }
    let mut top: Vec<TopSender> = by_address
        .into_iter()
        .map(|(address, seen)| TopSender {
            address,
            name: seen.name.map(|(_, n)| n.to_owned()).unwrap_or_default(),
            messages: seen.messages,
        })
        .collect();
    top.sort_unstable_by(|a, b| {
        b.messages.cmp(&a.messages).then_with(|| a.address.cmp(&b.address))
    });
    top.truncate(limit);
    top
}
