//! A search page of a mailbox in one statement whose cost follows the page rather than the
//! number of matches, for rare and common words alike.
//!
//! Written by hand for the same reason as `filters.rs`: the steps are fixed SQL around diesel
//! boxed queries with bind parameters, so the statement cache prepares each once per
//! connection (diesel's `sql()` would mark it unsafe to cache).

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::Uuid;

#[cfg(doc)]
use super::filters::{InFound, InWeek, OlderThanEdge};
#[cfg(doc)]
use crate::search_plan::search_rows;

/// Messages a search walks newest first, testing their words, before it reads the older
/// matches from the word index week by week. A word in a third of the mail fills a page
/// within it; rarer ones pay for the walk (about 0.3 ms on one core over messages stored in
/// no particular order), which is why it is no longer: 300 cost a fifth of the throughput of
/// a search for a word in 1 % of the messages.
pub(super) const SEARCH_WINDOW: i64 = 150;

/// A page of a search, newest first.
///
/// Neither plan PostgreSQL would choose from alone is safe. Reading every match from the word
/// index and sorting them costs a read per match: 1 ms for a word in 1 % of 100,000 messages,
/// 290 ms for one in most of them ("the", a colleague's name, "meeting"), where PostgreSQL
/// then scans the whole table. Walking the time index and testing each message's words finds a
/// page of a common word in a hundred rows, but walks the whole mailbox for a word it does not
/// hold; the planner's frequency estimates are the table's, not the mailbox's, and a prepared
/// statement's generic plan has none. So the statement goes in steps:
///
/// 1. `hits`: walk the newest [`SEARCH_WINDOW`] messages of the scope (`recent`, ordered and
///    limited), keeping those whose words match, and stop at a page's worth;
/// 2. only if that found less than a page and the scope holds more than the window: the
///    matches older than the walk's last message (`edge`), week by week from the edge's week
///    back to the mailbox's oldest (`older`, one scan of the `(search_week, search)` word
///    index per week, its matches sorted), stopping at a page's worth.
///
/// `page` then reads the found messages by key ([`InFound`]). Each step is a `MATERIALIZED`
/// CTE, which PostgreSQL runs only when a row of it is asked for. The cost follows the page,
/// not the matches: over 100,000 messages about 0.3 ms for a word in most of them, 1 ms for
/// one in 1 % or in none (an empty week costs a few microseconds).
pub(super) struct SearchPage<R, E, O, P> {
    /// The mailbox.
    pub(super) account: uuid::Uuid,
    /// The scope's `(received_at, id, words match)` newest first (the statement limits it to
    /// the window).
    pub(super) recent: R,
    /// The scope's `(received_at, id)` newest first (the statement takes the one at the
    /// window's last position).
    pub(super) edge: E,
    /// The scope's matching `(received_at, id)` of the week `w.week`, older than the edge
    /// ([`OlderThanEdge`], [`InWeek`]), newest first (the statement takes a page of them).
    pub(super) older: O,
    /// The page's columns, filtered by [`InFound`] and ordered newest first (the statement
    /// limits them to `fetch`).
    pub(super) page: P,
    /// Rows to fetch, from [`search_rows`]: written as literals, as is [`SEARCH_WINDOW`], so
    /// the prepared statement keeps one plan.
    pub(super) fetch: i64,
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
        let fetch = self.fetch.to_string();
        out.push_sql("WITH hits AS MATERIALIZED (SELECT r.received_at, r.id FROM (");
        self.recent.walk_ast(out.reborrow())?;
        out.push_sql(" LIMIT ");
        out.push_sql(&SEARCH_WINDOW.to_string());
        out.push_sql(") AS r(received_at, id, hit) WHERE r.hit LIMIT ");
        out.push_sql(&fetch);
        out.push_sql("), edge AS MATERIALIZED (");
        self.edge.walk_ast(out.reborrow())?;
        out.push_sql(" OFFSET ");
        out.push_sql(&(SEARCH_WINDOW - 1).to_string());
        // No edge (the walk saw the whole scope): the series is empty.
        out.push_sql(
            " LIMIT 1), older AS MATERIALIZED (SELECT o.received_at, o.id FROM generate_series(\
             (SELECT mail_search_week(",
        );
        out.push_bind_param::<Uuid, _>(&self.account)?;
        out.push_sql(", e.received_at) FROM edge e), (SELECT mail_search_week(");
        out.push_bind_param::<Uuid, _>(&self.account)?;
        out.push_sql(", min(m.received_at)) FROM mail_messages m WHERE m.account_id = ");
        out.push_bind_param::<Uuid, _>(&self.account)?;
        out.push_sql(") , -1) AS w(week) CROSS JOIN LATERAL (");
        self.older.walk_ast(out.reborrow())?;
        out.push_sql(" LIMIT ");
        out.push_sql(&fetch);
        out.push_sql(") AS o(received_at, id) WHERE (SELECT count(*) FROM hits) < ");
        out.push_sql(&fetch);
        out.push_sql(" LIMIT ");
        out.push_sql(&fetch);
        // `found` is at most two pages by the planner's estimate too, and the page is read by
        // key.
        out.push_sql(
            "), found AS MATERIALIZED (SELECT h.received_at, h.id FROM hits h \
             UNION ALL (SELECT o.received_at, o.id FROM older o \
             ORDER BY o.received_at DESC, o.id DESC LIMIT ",
        );
        out.push_sql(&fetch);
        out.push_sql(")) ");
        self.page.walk_ast(out.reborrow())?;
        out.push_sql(" LIMIT ");
        out.push_sql(&fetch);
        Ok(())
    }
}
