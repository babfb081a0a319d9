//! How a search statement is planned: the rows it asks for, written into its SQL, and the
//! one plan PostgreSQL keeps for it.
//!
//! A search page (mail or chat) is one statement of several steps whose plan does not depend
//! on the values bound to it: each step's shape is fixed by the statement (a walk of the
//! newest rows, then the word index period by period, then the page by key). Planning it
//! takes 0.7 ms on the bench's channel, about as long as running it (0.8 ms for a word in 1 %
//! of a million posts), so it is planned once per connection: PostgreSQL's generic plan of
//! the prepared statement, which PostgreSQL would not choose by itself. With `LIMIT $n` it
//! costs the generic plan as if a tenth of every step's rows were wanted; with a cursor, as if
//! a third of the rows were past it while the values say all of them are; either way it
//! prefers to plan again for every execution.

use diesel::QueryResult;
use diesel_async::{
    AnsiTransactionManager, AsyncPgConnection, SimpleAsyncConnection, TransactionManager,
};

/// The rows a search statement reads for a page of `limit`: the page plus one (to tell whether
/// another page follows), the page rounded up to a multiple of ten up to 100, to a power of
/// two above; the caller keeps the page.
///
/// The statement writes this count, and its walk's length, as literals rather than bind
/// parameters (see the module's documentation). Rounding bounds the statements a connection
/// prepares to one per size class per set of filters whatever page sizes callers ask for,
/// while the usual pages (10, 20, 25, 50, 100) read no more than they need: reading past the
/// walk's matches costs a period of the word index.
///
/// ```text
/// limit 1 → 11, 20 → 21, 25 → 31, 50 → 51, 100 → 101, 101 → 129
/// ```
pub(crate) fn search_rows(limit: u32) -> i64 {
    let limit = u64::from(limit);
    let page = if limit <= 100 { limit.div_ceil(10) * 10 } else { limit.next_power_of_two() };
    i64::try_from(page + 1).unwrap_or(i64::MAX)
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
    use super::search_rows;

    #[test]
    fn a_page_and_one_more_in_a_few_sizes() {
        let rows = |limits: &[u32]| limits.iter().map(|&l| search_rows(l)).collect::<Vec<_>>();
        assert_eq!(
            rows(&[0, 1, 10, 11, 20, 25, 50, 99, 100]),
            [1, 11, 11, 21, 21, 31, 51, 101, 101]
        );
        assert_eq!(rows(&[101, 128, 129, 500]), [129, 129, 257, 513]);
        assert_eq!(search_rows(u32::MAX), 1 << 32 | 1);
    }
}
