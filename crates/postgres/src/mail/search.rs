//! What a mailbox's search pages read: the shared [`SearchSteps`] over its messages, week by
//! week ([`InWeek`], [`OlderThanEdge`]), then the found messages by key ([`InFound`]). Over
//! 100,000 messages the statement runs in about 0.3 ms for a word in most of them, 1 ms for one
//! in 1 % or in none (an empty week costs a few microseconds).

#[cfg(doc)]
use super::filters::{InFound, InWeek, OlderThanEdge};
#[cfg(doc)]
use crate::search_steps::SearchSteps;
use crate::search_steps::SearchTable;

/// Messages a search walks newest first, testing their words, before it reads the older
/// matches from the word index week by week. A word in a third of the mail fills a page
/// within it; rarer ones pay for the walk (about 0.3 ms on one core over messages stored in
/// no particular order), which is why it is no longer: 300 cost a fifth of the throughput of
/// a search for a word in 1 % of the messages.
pub(super) const SEARCH_WINDOW: i64 = 150;

/// Where a mail search reads: a mailbox's messages, week by week.
pub(super) static MESSAGES: SearchTable = SearchTable {
    table: "mail_messages",
    scope: "account_id",
    live: "",
    time: "received_at",
    key: "id",
    key_order: "",
    period_of: "mail_search_week",
};
