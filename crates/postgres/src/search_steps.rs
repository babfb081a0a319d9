//! The steps of a search page, shared by mail and chat: one statement whose cost follows the
//! page rather than the number of matches, for rare and common words alike.
//!
//! Neither plan PostgreSQL would choose from alone is safe. Reading every match from the word
//! index and sorting them costs a read per match: 1 ms for a word in 1 % of 100,000 messages,
//! 70 ms in 1 % of a million posts, 290 ms for a word in most of 100,000 messages ("the", a
//! colleague's name, "meeting"), where PostgreSQL then scans the whole table. Walking the time
//! index and testing each row's words finds a page of a common word in a few hundred rows, but
//! walks the whole scope for a word it does not hold (1.2 s over a million posts). The
//! planner's frequency estimates are the table's, not the mailbox's or the channel's, and a
//! prepared statement's generic plan has none. So the statement goes in steps:
//!
//! 1. `walk`: the newest `window` rows of the scope (`recent`), each with whether its words
//!    match, read only as far as the next steps ask. `depth`: how far to read it, from its
//!    first fifth (the `sample`): the whole window when the sample's matches promise about a
//!    page in it, else the sample alone. A rare word then costs the sample's rows, not the
//!    window's (testing a mail's words reads its stored vector: about 1.5 µs a row kept in
//!    the row, 4.5 µs out of line), and a common word is still found in the walk;
//! 2. `hits`: the matches of the walk's first `depth` rows, up to a page; `edge`: the last of
//!    those rows;
//! 3. only if that found less than a page and the scope holds more than was walked: the
//!    matches older than the edge, period by period (a week of a mailbox, a day of a channel)
//!    from the edge's back to the scope's oldest (`older`, one scan of the `(period, words)`
//!    word index per period, its matches sorted), stopping at a page's worth;
//! 4. `found`: the two, at most two pages by the planner's estimate too, which the page then
//!    reads by key (an estimate of every match of a common word made it hash-join the whole
//!    channel instead).
//!
//! Each step is a `MATERIALIZED` CTE, which PostgreSQL runs only as far as its rows are
//! asked for, and reads back in the order it produced them (the walk's order, which `depth`,
//! `hits` and `edge` count along). Written by hand for the same reason as the filter
//! fragments: the steps are fixed SQL around diesel boxed queries with bind parameters, so
//! the statement cache prepares each once per connection (diesel's `sql()` would mark it
//! unsafe to cache); the limits are literals (see [`page_rows`]).

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::Uuid;

#[cfg(doc)]
use crate::page_plan::page_rows;

/// Where a search reads: the table's columns the steps name, and its periods.
#[derive(Debug)]
pub(crate) struct SearchTable {
    /// The table (`mail_messages`).
    pub(crate) table: &'static str,
    /// Its column holding the scope's id (`account_id`).
    pub(crate) scope: &'static str,
    /// What else a row of the scope is (` AND NOT s.deleted`, `s` the table), or nothing.
    pub(crate) live: &'static str,
    /// The time rows are ordered by (`received_at`).
    pub(crate) time: &'static str,
    /// The key breaking ties between rows of one time (`id`).
    pub(crate) key: &'static str,
    /// How that key sorts as the time index has it (` COLLATE "C"`), or nothing.
    pub(crate) key_order: &'static str,
    /// The SQL function numbering a scope's periods newest highest,
    /// `(scope uuid, time) → bigint` (`mail_search_week`): the word index's first column.
    pub(crate) period_of: &'static str,
}

/// The steps of a search page up to `found`, written as the statement's `WITH` clause; the
/// caller's page follows, reading `found f` by key.
pub(crate) struct SearchSteps<R, O> {
    /// The table.
    pub(crate) table: &'static SearchTable,
    /// The scope's id.
    pub(crate) scope: uuid::Uuid,
    /// The scope's `(time, key, words match)` newest first; limited to `window` here.
    pub(crate) recent: R,
    /// The scope's matching `(time, key)` of the period `period.n`, older than the edge,
    /// newest first; limited to `fetch` here.
    pub(crate) older: O,
    /// Rows the walk may test.
    pub(crate) window: i64,
    /// Rows to find, from [`page_rows`].
    pub(crate) fetch: i64,
}

impl<R, O> SearchSteps<R, O> {
    /// The rows walked to decide whether to walk the whole window: its first fifth.
    fn sample(&self) -> i64 {
        (self.window / 5).max(1)
    }

    /// The matches the sample must hold for the whole window to be walked: three quarters of
    /// those of a sample whose rate would fill `fetch` in the window. Leaning to walking: a
    /// needless walk costs the window's rows, a wrong skip a period's matches of a common
    /// word.
    fn promising(&self) -> i64 {
        let (wanted, walked) = (self.fetch * self.sample() * 3, self.window * 4);
        ((wanted + walked - 1) / walked).clamp(1, self.sample())
    }
}

impl<R, O> QueryFragment<Pg> for SearchSteps<R, O>
where
    R: QueryFragment<Pg>,
    O: QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let SearchTable { table, scope, live, time, key, key_order, period_of } = self.table;
        let (window, sample, promising) = (self.window, self.sample(), self.promising());
        let fetch = self.fetch.to_string();
        out.push_sql(&format!("WITH walk({time}, {key}, hit) AS MATERIALIZED ("));
        self.recent.walk_ast(out.reborrow())?;
        // No edge (the walk saw the whole scope): the series is empty.
        out.push_sql(&format!(
            " LIMIT {window}), depth AS MATERIALIZED (SELECT CASE WHEN count(*) FILTER \
             (WHERE s.hit) >= {promising} THEN {window} ELSE {sample} END AS n \
             FROM (SELECT w.hit FROM walk w LIMIT {sample}) s), \
             hits AS MATERIALIZED (SELECT r.{time}, r.{key} FROM (SELECT w.{time}, w.{key}, \
             w.hit FROM walk w LIMIT (SELECT d.n FROM depth d)) r WHERE r.hit LIMIT {fetch}), \
             edge AS MATERIALIZED (SELECT w.{time}, w.{key} FROM walk w \
             OFFSET (SELECT d.n - 1 FROM depth d) LIMIT 1), \
             older AS MATERIALIZED (SELECT o.{time}, o.{key} \
             FROM generate_series((SELECT {period_of}("
        ));
        out.push_bind_param::<Uuid, _>(&self.scope)?;
        out.push_sql(&format!(", e.{time}) FROM edge e), (SELECT {period_of}("));
        out.push_bind_param::<Uuid, _>(&self.scope)?;
        out.push_sql(&format!(", min(s.{time})) FROM {table} s WHERE s.{scope} = "));
        out.push_bind_param::<Uuid, _>(&self.scope)?;
        out.push_sql(&format!("{live}), -1) AS period(n) CROSS JOIN LATERAL ("));
        self.older.walk_ast(out.reborrow())?;
        out.push_sql(&format!(
            " LIMIT {fetch}) AS o({time}, {key}) WHERE (SELECT count(*) FROM hits) < {fetch} \
             LIMIT {fetch}), found AS MATERIALIZED (SELECT h.{time}, h.{key} FROM hits h \
             UNION ALL (SELECT o.{time}, o.{key} FROM older o \
             ORDER BY o.{time} DESC, o.{key}{key_order} DESC LIMIT {fetch})) "
        ));
        Ok(())
    }
}

/// A search page: the [`SearchSteps`], then `page`, the store's statement reading `found f` by
/// key, newest first, limited to the steps' `fetch`.
pub(crate) struct SearchPage<R, O, P> {
    /// The steps.
    pub(crate) steps: SearchSteps<R, O>,
    /// The page read from `found`.
    pub(crate) page: P,
}

impl<R, O, P> QueryId for SearchPage<R, O, P> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<R, O, P: Query> Query for SearchPage<R, O, P> {
    type SqlType = P::SqlType;
}

impl<R, O, P> QueryFragment<Pg> for SearchPage<R, O, P>
where
    R: QueryFragment<Pg>,
    O: QueryFragment<Pg>,
    P: QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.steps.walk_ast(out.reborrow())?;
        self.page.walk_ast(out.reborrow())
    }
}

#[cfg(test)]
mod tests {
    use super::SearchSteps;

    fn steps(window: i64, fetch: i64) -> SearchSteps<(), ()> {
        SearchSteps {
            table: &super::SearchTable {
                table: "t",
                scope: "s",
                live: "",
                time: "at",
                key: "id",
                key_order: "",
                period_of: "p",
            },
            scope: uuid::Uuid::nil(),
            recent: (),
            older: (),
            window,
            fetch,
        }
    }

    #[test]
    fn the_whole_window_is_walked_when_the_sample_promises_most_of_a_page() {
        // Mail: 30 of 150; 8 matches in 30 (27 %) promise 40 of the 51 rows in 150.
        let mail = steps(150, 51);
        assert_eq!((mail.sample(), mail.promising()), (30, 8));
        // Chat: 100 of 500; 8 in 100 promise 40 in 500.
        let chat = steps(500, 51);
        assert_eq!((chat.sample(), chat.promising()), (100, 8));
        // Small pages need fewer; a tiny window samples a row, which decides.
        assert_eq!(steps(150, 11).promising(), 2);
        assert_eq!((steps(3, 11).sample(), steps(3, 11).promising()), (1, 1));
    }
}
