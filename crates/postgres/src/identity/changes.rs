//! The feed of identity changes: PostgreSQL notifies `switchboard_identity` whenever a session
//! or a user is updated or removed (migration `20261214000000_identity_changes`), and one
//! connection per process listens.

use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::StreamExt;
use switchboard_domain::UserId;
use switchboard_domain::identity::SessionId;
use switchboard_ports::IdentityChange;

/// The channel the triggers notify.
pub const CHANNEL: &str = "switchboard_identity";

/// Reports to `report`, in commit order, every change to a session or a user of the database
/// at `url`, for as long as the future runs: [`IdentityChange::Listening`] once its connection
/// listens, [`IdentityChange::Lost`] when the connection is lost (it then connects again,
/// waiting longer after each failure, up to 10 s).
pub async fn watch_identity(url: String, report: impl Fn(IdentityChange) + Send) {
    let mut delay = Duration::from_millis(100);
    loop {
        let error = listen(&url, &report).await;
        report(IdentityChange::Lost);
        tracing::warn!(error = %error, "the identity feed lost its connection; reconnecting");
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(10));
    }
}

/// Listens until the connection fails.
async fn listen(url: &str, report: &impl Fn(IdentityChange)) -> diesel::result::Error {
    let mut conn = match AsyncPgConnection::establish(url).await {
        Ok(conn) => conn,
        Err(e) => return diesel::result::Error::QueryBuilderError(Box::new(e)),
    };
    if let Err(e) = diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(&mut conn).await {
        return e;
    }
    let mut stream = std::pin::pin!(conn.notifications_stream());
    // Listening is reported once a notice sent from another connection came back: through a
    // pooler in transaction mode, LISTEN succeeds but nothing ever arrives, and sessions must
    // then be read on every request rather than kept unchecked.
    let hello = format!("hello:{}", uuid::Uuid::now_v7());
    if let Err(e) = say(url, &hello).await {
        return e;
    }
    let mut waited = false;
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.next()).await {
            Ok(Some(Ok(notice))) if notice.payload == hello => break,
            // Changes before that: nothing is kept yet.
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(e))) => return e,
            Ok(None) => return diesel::result::Error::BrokenTransactionManager,
            Err(_) if !waited => {
                waited = true;
                tracing::warn!(
                    "identity notices do not come back (is database.listen_url a pooler in \
                     transaction mode?): every request reads its session"
                );
            }
            Err(_) => {}
        }
    }
    report(IdentityChange::Listening);
    loop {
        match stream.next().await {
            // A process checking that it hears: no change.
            Some(Ok(notice)) if notice.payload.starts_with("hello:") => {}
            Some(Ok(notice)) => match change(&notice.payload) {
                Some(change) => report(change),
                None => {
                    // Not ours to read: forget everything rather than miss a change.
                    tracing::warn!(payload = %notice.payload, "an unknown identity notice");
                    report(IdentityChange::Lost);
                    report(IdentityChange::Listening);
                }
            },
            Some(Err(e)) => return e,
            None => return diesel::result::Error::BrokenTransactionManager,
        }
    }
}

/// Notifies `payload` on the channel, from a connection of its own.
async fn say(url: &str, payload: &str) -> Result<(), diesel::result::Error> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(|e| diesel::result::Error::QueryBuilderError(Box::new(e)))?;
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<diesel::sql_types::Text, _>(CHANNEL)
        .bind::<diesel::sql_types::Text, _>(payload)
        .execute(&mut conn)
        .await
        .map(drop)
}

/// The change a notice's payload (`s:<session id>` or `u:<user id>`) names.
fn change(payload: &str) -> Option<IdentityChange> {
    let (kind, id) = payload.split_once(':')?;
    let id = id.parse().ok()?;
    match kind {
        "s" => Some(IdentityChange::Session(SessionId::from_uuid(id))),
        "u" => Some(IdentityChange::User(UserId::from_uuid(id))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_name_a_session_or_a_user() {
        let (s, u) = (SessionId::new(), UserId::new());
        assert_eq!(change(&format!("s:{s}")), Some(IdentityChange::Session(s)));
        assert_eq!(change(&format!("u:{u}")), Some(IdentityChange::User(u)));
        for other in ["", "s:", "x:1", "u:not-a-uuid", "s"] {
            assert_eq!(change(other), None, "{other}");
        }
    }
}
