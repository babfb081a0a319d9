//! A search page of a mailbox in one statement whose cost follows the page rather than the
//! number of matches, for rare and common words alike.
//!
//! Written by hand for the same reason as `filters.rs`: the steps are fixed SQL around diesel
//! boxed queries with bind parameters, so the statement cache prepares each once per
//! connection (diesel's `sql()` would mark it unsafe to cache).

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::BigInt;

#[cfg(doc)]
use super::filters::{InFound, OlderThanEdge};

/// Messages a search walks newest first, testing their words, before it reads the older
/// matches from the word index instead: about 0.7 ms of walking on one core over messages
/// stored in no particular order (a word in a sixth of them fills a page within it).
pub(super) const SEARCH_WINDOW: i64 = 300;

/// A page of a search, newest first.
///
/// Neither plan PostgreSQL would choose from alone is safe. Reading the matches from the GIN
/// index and sorting them reads every match: 1 ms for a word in 1 % of 100,000 messages, but
/// 290 ms for one in most of them ("the", a colleague's name, "meeting"), where PostgreSQL
/// then scans the whole table. Walking the time index and testing each message's words finds a
/// page of a common word in a hundred rows, but walks the whole mailbox for a word it does not
/// hold; the planner's frequency estimates are the table's, not the mailbox's, and a prepared
/// statement's generic plan has none. So the statement does both, in order:
///
/// 1. `hits`: walk the newest [`SEARCH_WINDOW`] messages of the scope (`recent`, ordered and
///    limited), keeping those whose words match, and stop at a page's worth;
/// 2. only if that found less than a page and the scope holds more than the window: the
///    matches older than the walk's last message (`edge`), read from the GIN index (`older`,
///    which has no ordering for the planner to walk), of which the newest page is kept.
///
/// `page` then reads the found messages by key ([`InFound`]). Each step is a `MATERIALIZED`
/// CTE, which PostgreSQL runs only when a row of it is asked for. The cost is the window's
/// walk plus, for words rarer than a page per window, their matches: over 100,000 messages
/// 0.6 ms for a word in most of them, 0.8 ms for one in none, 2 ms for one in 1 %.
pub(super) struct SearchPage<R, E, O, P> {
    /// The scope's `(received_at, id, words match)` newest first, limited to the window.
    pub(super) recent: R,
    /// The scope's `(received_at, id)` at the window's last position.
    pub(super) edge: E,
    /// The scope's matching `(received_at, id)` older than the edge ([`OlderThanEdge`]).
    pub(super) older: O,
    /// The page's columns, filtered by [`InFound`] and ordered newest first.
    pub(super) page: P,
    /// Rows to fetch: the page's limit plus one.
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
        out.push_sql("WITH hits AS MATERIALIZED (SELECT r.received_at, r.id FROM (");
        self.recent.walk_ast(out.reborrow())?;
        out.push_sql(") AS r(received_at, id, hit) WHERE r.hit LIMIT ");
        out.push_bind_param::<BigInt, _>(&self.fetch)?;
        out.push_sql("), edge AS MATERIALIZED (");
        self.edge.walk_ast(out.reborrow())?;
        out.push_sql("), older AS MATERIALIZED (SELECT o.received_at, o.id FROM (");
        self.older.walk_ast(out.reborrow())?;
        out.push_sql(
            ") AS o(received_at, id) \
             WHERE EXISTS (SELECT 1 FROM edge) AND (SELECT count(*) FROM hits) < ",
        );
        out.push_bind_param::<BigInt, _>(&self.fetch)?;
        // The newest page of the older matches, sorted here, so `found` is at most two pages
        // by the planner's estimate too and the page is read by key.
        out.push_sql(
            "), found AS MATERIALIZED (SELECT h.received_at, h.id FROM hits h \
             UNION ALL (SELECT o.received_at, o.id FROM older o \
             ORDER BY o.received_at DESC, o.id DESC LIMIT ",
        );
        out.push_bind_param::<BigInt, _>(&self.fetch)?;
        out.push_sql(")) ");
        self.page.walk_ast(out.reborrow())
    }
}
