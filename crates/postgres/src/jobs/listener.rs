//! One `LISTEN` connection per process, turning notifications into a version counter workers
//! wait on. A counter, not a one-shot signal: a worker that looked for work at version `v` and
//! found none waits for any version after `v`, so a notification between its look and its
//! wait is never lost.

use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::StreamExt;
use tokio::sync::watch;

/// Keeps listening until the sender has no receiver left; reconnects after failures.
pub(crate) async fn listen(url: String, channel: &'static str, versions: watch::Sender<u64>) {
    let mut delay = Duration::from_millis(100);
    while !versions.is_closed() {
        match listen_once(&url, channel, &versions).await {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(error = %e, channel, "listener lost its connection; reconnecting");
                // What was written while we were away is found by the readers' polling.
                versions.send_modify(|v| *v += 1);
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
        }
    }
}

async fn listen_once(
    url: &str,
    channel: &str,
    versions: &watch::Sender<u64>,
) -> Result<(), diesel::result::Error> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(|e| diesel::result::Error::QueryBuilderError(Box::new(e)))?;
    diesel::sql_query(format!("LISTEN {channel}")).execute(&mut conn).await?;
    // Notifications sent before this connection listened are lost: readers look once more.
    versions.send_modify(|v| *v += 1);
    let mut stream = std::pin::pin!(conn.notifications_stream());
    loop {
        tokio::select! {
            () = versions.closed() => return Ok(()),
            next = stream.next() => match next {
                Some(Ok(_)) => { versions.send_modify(|v| *v += 1); }
                Some(Err(e)) => return Err(e),
                None => return Err(diesel::result::Error::BrokenTransactionManager),
            },
        }
    }
}
