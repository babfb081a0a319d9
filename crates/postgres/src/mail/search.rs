//! A search page of a mailbox: the shared [`SearchSteps`] over its messages, week by week,
//! and the page read by key.

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};

#[cfg(doc)]
use super::filters::{InFound, InWeek, OlderThanEdge};
use crate::search_steps::{SearchSteps, SearchTable};

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

/// A page of a search of a mailbox, newest first: the [`SearchSteps`] over [`MESSAGES`]
/// (their `older` filtered by [`OlderThanEdge`] and [`InWeek`]), then `page` reads the found
/// messages by key ([`InFound`]). Over 100,000 messages, about 0.3 ms for a word in most of
/// them, 1 ms for one in 1 % or in none (an empty week costs a few microseconds).
pub(super) struct SearchPage<R, E, O, P> {
    /// The steps, over [`MESSAGES`] with a window of [`SEARCH_WINDOW`].
    pub(super) steps: SearchSteps<R, E, O>,
    /// The page's columns, filtered by [`InFound`] and ordered newest first; limited to the
    /// steps' `fetch` here.
    pub(super) page: P,
}

impl<R, E, O, P> QueryId for SearchPage<R, E, O, P> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<R, E, O, P: Query> Query for SearchPage<R, E, O, P> {
    type SqlType = P::SqlType;
}

impl<R, E, O, P> QueryFragment<Pg> for SearchPage<R, E, O, P>
where
    R: QueryFragment<Pg>,
    E: QueryFragment<Pg>,
    O: QueryFragment<Pg>,
    P: QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.steps.walk_ast(out.reborrow())?;
        self.page.walk_ast(out.reborrow())?;
        out.push_sql(&format!(" LIMIT {}", self.steps.fetch));
        Ok(())
    }
}
