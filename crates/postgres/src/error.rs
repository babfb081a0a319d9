//! Errors of the PostgreSQL adapter.
//!
//! Messages never contain the connection string: it may carry a password.

use switchboard_ports::StoreError;

/// What can go wrong talking to PostgreSQL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PostgresError {
    /// The pool could not be built (bad configuration).
    #[error("cannot build the connection pool: {0}")]
    PoolBuild(String),
    /// No connection could be had from the pool (database down, pool exhausted).
    #[error("no database connection available: {0}")]
    Pool(String),
    /// A connection could not be opened.
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    /// A query failed.
    #[error("query failed: {0}")]
    Query(#[from] diesel::result::Error),
    /// Running or reverting migrations failed.
    #[error("migration failed: {0}")]
    Migration(String),
}

impl From<PostgresError> for StoreError {
    fn from(error: PostgresError) -> Self {
        match error {
            PostgresError::Pool(e) => StoreError::Unavailable(e),
            PostgresError::Connect(e) => StoreError::Unavailable(e.to_string()),
            PostgresError::Query(e) => store_error(e),
            other => StoreError::Other(other.to_string()),
        }
    }
}

/// What a statement that writes one row by its key answers: done when it touched a row,
/// [`StoreError::NotFound`] when there was none.
pub(crate) fn one_row(touched: usize) -> Result<(), StoreError> {
    if touched == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Maps a query error to the ports' error: unique violations are conflicts; a connection that
/// is lost or refused (see [`is_connection_failure`]) is unavailability, which clients are told to
/// retry; anything else is a failure of ours.
pub fn store_error(error: diesel::result::Error) -> StoreError {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::NotFound => StoreError::NotFound,
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            StoreError::Conflict(info.constraint_name().unwrap_or("unique constraint").to_owned())
        }
        Error::DatabaseError(kind, info) if is_connection_failure(&kind, info.message()) => {
            StoreError::Unavailable(info.message().to_owned())
        }
        other => StoreError::Other(other.to_string()),
    }
}

/// Whether a query failed because the connection is gone or cannot be had, rather than because
/// of the query.
///
/// diesel-async hands SQLSTATE codes over only as a kind (`Unknown` for all but a few) and the
/// server's message, so the server's fatal errors are recognised by their messages (PostgreSQL's
/// English texts; a server with translated `lc_messages` makes these 500s again):
/// `57P01` admin shutdown, `57P02` crash shutdown, `57P05` idle-session timeout and `25P03`
/// idle-in-transaction timeout all begin "terminating connection"; `57P03` cannot-connect-now
/// ("the database system is starting up", "… shutting down", "… in recovery mode"); `53300`
/// too many connections. Failures with no SQLSTATE (a reset or closed socket, a timeout) come
/// as `UnableToSendCommand` with tokio-postgres's own fixed texts, or diesel-async's when the
/// connection's task ended ("channel closed"); that kind also covers errors of the query itself
/// (an unencodable message), which stay failures of ours.
pub fn is_connection_failure(kind: &diesel::result::DatabaseErrorKind, message: &str) -> bool {
    use diesel::result::DatabaseErrorKind;
    const SERVER: [&str; 5] = [
        "terminating connection",
        "the database system is",
        "sorry, too many clients",
        "too many connections for",
        "remaining connection slots are reserved",
    ];
    const CLIENT: [&str; 6] = [
        "connection closed",
        "error communicating with the server",
        "timeout waiting for server",
        "error connecting to server",
        "error performing TLS handshake",
        "channel closed",
    ];
    match kind {
        DatabaseErrorKind::ClosedConnection => true,
        DatabaseErrorKind::UnableToSendCommand => {
            CLIENT.iter().any(|prefix| message.starts_with(prefix))
        }
        _ => SERVER.iter().any(|prefix| message.starts_with(prefix)),
    }
}

/// Maps a pool error to the ports' error: no connection to be had (the database refuses or
/// cannot be reached, the pool is closed or timed out) is unavailability; a misconfigured pool
/// is a failure of ours.
pub fn pool_error(error: diesel_async::pooled_connection::deadpool::PoolError) -> StoreError {
    use diesel::ConnectionError;
    use diesel_async::pooled_connection::PoolError as Backend;
    use diesel_async::pooled_connection::deadpool::PoolError;
    match error {
        PoolError::Backend(Backend::QueryError(e)) => store_error(e),
        PoolError::Backend(Backend::ConnectionError(
            e @ (ConnectionError::InvalidCString(_) | ConnectionError::InvalidConnectionUrl(_)),
        )) => StoreError::Other(e.to_string()),
        e @ (PoolError::Backend(_) | PoolError::Timeout(_) | PoolError::Closed) => {
            StoreError::Unavailable(e.to_string())
        }
        other => StoreError::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error};

    use super::*;

    fn db_error(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_owned()))
    }

    #[test]
    fn the_servers_fatal_errors_are_unavailability() {
        for message in [
            "terminating connection due to administrator command",
            "terminating connection because of crash of another server process",
            "the database system is starting up",
            "the database system is shutting down",
            "sorry, too many clients already",
            "too many connections for role \"switchboard\"",
        ] {
            let error = store_error(db_error(DatabaseErrorKind::Unknown, message));
            assert!(matches!(error, StoreError::Unavailable(_)), "{message}: {error:?}");
        }
    }

    #[test]
    fn a_lost_socket_is_unavailability_but_a_bad_message_is_not() {
        for message in
            ["connection closed", "error communicating with the server", "channel closed"]
        {
            let error = store_error(db_error(DatabaseErrorKind::UnableToSendCommand, message));
            assert!(matches!(error, StoreError::Unavailable(_)), "{message}: {error:?}");
        }
        let encode = db_error(DatabaseErrorKind::UnableToSendCommand, "error encoding message");
        assert!(matches!(store_error(encode), StoreError::Other(_)));
        let closed = db_error(DatabaseErrorKind::ClosedConnection, "server closed the connection");
        assert!(matches!(store_error(closed), StoreError::Unavailable(_)));
    }

    #[test]
    fn errors_of_the_query_itself_are_not_unavailability() {
        let nul = db_error(DatabaseErrorKind::Unknown, "invalid byte sequence for encoding");
        assert!(matches!(store_error(nul), StoreError::Other(_)));
        let unique = db_error(DatabaseErrorKind::UniqueViolation, "duplicate key");
        assert!(matches!(store_error(unique), StoreError::Conflict(_)));
    }
}
