//! How a page statement (a list or a search) is planned: the rows it asks for, written into
//! its SQL, its cursor, and the one plan PostgreSQL keeps for it.
//!
//! PostgreSQL plans a prepared statement's first five executions for their values, then keeps
//! its generic plan (made once, for any values) only if that looks no dearer than those. A
//! page statement's plan does not depend on the values, but three things made its generic
//! plan look dearer, so PostgreSQL planned every execution again: `LIMIT $n`, which it costs
//! as if a tenth of the rows were wanted; a cursor `(time, key) < ($1, $2)`, which it costs as
//! if a third of the rows were past it while the values say all of them are; and the scope
//! (`account_id = $1`), which a custom plan knows holds most of the table when one mailbox
//! does, so that the first rows of the index look cheaper to reach. Planning a list page takes
//! about 0.07 ms of its 0.15 ms (1.2 ms on a cold connection); a search page 0.7 ms of 1.5 ms
//! (the bench's channel). So the limit is a literal ([`page_rows`], [`LimitRows`]), and the
//! cursor and the scope are subqueries (`< (SELECT $1, $2)`, `= (SELECT id … WHERE id = $1
//! AND user_id = $2)`: the planner then knows as little of them in either plan), as are the
//! values a page filters by ([`Unplanned`]: a channel, a folder, a thread, an author or
//! sender, time bounds),
//! and a list page keeps its generic plan. A search also filters by values whose statistics
//! differ from the generic estimate (a sender, the words), so it runs with that plan forced
//! ([`begin_generic_plan`]): its steps are fixed by the statement whatever the values (see
//! `search_steps.rs`).

use std::marker::PhantomData;

use diesel::QueryResult;
use diesel::expression::is_aggregate::Never;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, TypedExpressionType, ValidGrouping,
};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, SqlType};
use diesel_async::{
    AnsiTransactionManager, AsyncPgConnection, SimpleAsyncConnection, TransactionManager,
};

/// The rows a page statement reads for a page of `limit`: the page plus one (to tell whether
/// another page follows), the page rounded up to a multiple of ten up to 100, to a power of
/// two above; the caller keeps the page.
///
/// The statement writes this count as a literal rather than a bind parameter (see the
/// module's documentation). Rounding bounds the statements a connection prepares to one per
/// size class per set of filters whatever page sizes callers ask for, while the usual pages
/// (10, 20, 25, 50, 100) read no more than they need: a search reading past its walk's
/// matches costs a period of the word index.
///
/// ```text
/// limit 1 → 11, 20 → 21, 25 → 31, 50 → 51, 100 → 101, 101 → 129
/// ```
pub(crate) fn page_rows(limit: u32) -> i64 {
    let limit = u64::from(limit);
    let page = if limit <= 100 { limit.div_ceil(10) * 10 } else { limit.next_power_of_two() };
    i64::try_from(page + 1).unwrap_or(i64::MAX)
}

/// `query` limited to `rows` ([`page_rows`]) written as a literal.
pub(crate) struct LimitRows<Q> {
    /// The query, ordered.
    pub(crate) query: Q,
    /// Rows to read.
    pub(crate) rows: i64,
}

impl<Q> QueryId for LimitRows<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for LimitRows<Q> {
    type SqlType = Q::SqlType;
}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for LimitRows<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(&format!(" LIMIT {}", self.rows));
        Ok(())
    }
}

/// A bound value no plan knows, written `(SELECT $n)` (an InitPlan): a filter on it, such as
/// `folder_id = (SELECT $3)`, costs the same in a custom plan as in the generic one, so
/// PostgreSQL keeps the generic plan of a page statement after its first five executions
/// instead of planning it again at every one (see the module's documentation). A bound
/// `folder_id = $3` kept a folder's page on custom plans, whose planning cost more than the
/// page: for a folder holding most of a mailbox, the custom plan knows it does.
pub(crate) struct Unplanned<ST, T> {
    value: T,
    sql_type: PhantomData<ST>,
}

/// `value` as an [`Unplanned`] expression of type `ST`.
pub(crate) fn unplanned<ST, T>(value: T) -> Unplanned<ST, T> {
    Unplanned { value, sql_type: PhantomData }
}

impl<ST: SqlType + TypedExpressionType, T> Expression for Unplanned<ST, T> {
    type SqlType = ST;
}

impl<ST, T, QS> AppearsOnTable<QS> for Unplanned<ST, T> where Self: Expression {}

impl<ST, T, QS> SelectableExpression<QS> for Unplanned<ST, T> where Self: Expression {}

impl<ST, T> ValidGrouping<()> for Unplanned<ST, T> {
    type IsAggregate = Never;
}

impl<ST, T> QueryId for Unplanned<ST, T> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST, T> QueryFragment<Pg> for Unplanned<ST, T>
where
    Pg: HasSqlType<ST>,
    T: ToSql<ST, Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("(SELECT ");
        out.push_bind_param::<ST, T>(&self.value)?;
        out.push_sql(")");
        Ok(())
    }
}

/// Opens a read-only transaction in which the next statements run with PostgreSQL's generic
/// plan of their prepared statement, made at their first execution on the connection and kept
/// (see the module's documentation); [`end_generic_plan`] ends it with the search's outcome.
/// Within a transaction it opens a savepoint instead, and the setting lasts until that
/// transaction ends. A request cancelled in between leaves the transaction open and the pool
/// discards the connection.
///
/// Two calls around the search rather than one taking it: a function generic over the
/// statement makes the stores' futures fail the lifetime bounds of their traits.
pub(crate) async fn begin_generic_plan(conn: &mut AsyncPgConnection) -> QueryResult<()> {
    const SET: &str = "SET LOCAL plan_cache_mode = force_generic_plan";
    let depth = AnsiTransactionManager::transaction_manager_status_mut(conn).transaction_depth()?;
    if depth.is_none() {
        // One round trip: a read's own transaction (the usual case).
        return AnsiTransactionManager::begin_transaction_sql(
            conn,
            &format!("BEGIN READ ONLY; {SET}"),
        )
        .await;
    }
    AnsiTransactionManager::begin_transaction(conn).await?;
    let set = conn.batch_execute(SET).await;
    if set.is_err() {
        return end_generic_plan(conn, set).await;
    }
    Ok(())
}

/// Ends what [`begin_generic_plan`] opened: committed when the search succeeded (it only
/// read), rolled back when it failed, whose error is then the one returned (a failed rollback
/// breaks the connection, which the pool then discards).
pub(crate) async fn end_generic_plan<R>(
    conn: &mut AsyncPgConnection,
    outcome: QueryResult<R>,
) -> QueryResult<R> {
    match outcome {
        Ok(rows) => AnsiTransactionManager::commit_transaction(conn).await.map(|()| rows),
        Err(e) => {
            let _ = AnsiTransactionManager::rollback_transaction(conn).await;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::page_rows;

    #[test]
    fn a_page_and_one_more_in_a_few_sizes() {
        let rows = |limits: &[u32]| limits.iter().map(|&l| page_rows(l)).collect::<Vec<_>>();
        assert_eq!(
            rows(&[0, 1, 10, 11, 20, 25, 50, 99, 100]),
            [1, 11, 11, 21, 21, 31, 51, 101, 101]
        );
        assert_eq!(rows(&[101, 128, 129, 500]), [129, 129, 257, 513]);
        assert_eq!(page_rows(u32::MAX), 1 << 32 | 1);
    }
}
