//! A database that cannot be reached reads as `StoreError::Unavailable`, whichever way the
//! connection is lost: terminated under a pooled connection, refused at connect, or no server
//! at all. Services and the HTTP shell turn that kind, and only that one, into a 503.

#![expect(clippy::unwrap_used, reason = "tests")]

use diesel_async::RunQueryDsl;
use switchboard_ports::StoreError;
use switchboard_postgres::error::{pool_error, store_error};
use switchboard_test_support::TestDb;

#[tokio::test(flavor = "multi_thread")]
async fn a_terminated_connection_and_a_refused_one_are_unavailable() {
    let db = TestDb::migrated().await;
    let pool = db.pool();
    let mut conn = pool.get().await.unwrap();
    diesel::sql_query("SELECT 1").execute(&mut *conn).await.unwrap();
    assert!(db.take_down().await > 0, "the pooled connection is terminated");

    let lost = diesel::sql_query("SELECT 1").execute(&mut *conn).await.unwrap_err();
    let lost = store_error(lost);
    assert!(matches!(lost, StoreError::Unavailable(_)), "a lost connection: {lost:?}");
    drop(conn);
    let refused = pool_error(pool.get().await.err().unwrap());
    assert!(matches!(refused, StoreError::Unavailable(_)), "a refused connection: {refused:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_server_at_all_is_unavailable() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let pool =
        switchboard_postgres::connect(&format!("postgres://nobody@127.0.0.1:{port}/x"), 2).unwrap();
    let error = pool_error(pool.get().await.err().unwrap());
    assert!(matches!(error, StoreError::Unavailable(_)), "{error:?}");
}
