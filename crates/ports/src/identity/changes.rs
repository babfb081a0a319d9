//! What a process that keeps the sessions it checked must hear of: a session or a user changed
//! anywhere, and whether it can hear of it at all.

use switchboard_domain::UserId;
use switchboard_domain::identity::SessionId;

/// One report of an identity feed (PostgreSQL's, in the postgres adapter), in the order the
/// changes committed.
///
/// A keeper of checked sessions uses them only between [`IdentityChange::Listening`] and
/// [`IdentityChange::Lost`]: outside, a change could go unreported, so every request reads its
/// session.
///
/// ```
/// use switchboard_domain::identity::SessionId;
/// use switchboard_ports::IdentityChange;
///
/// let revoked = SessionId::new();
/// let reports = [IdentityChange::Listening, IdentityChange::Session(revoked)];
/// assert!(reports.contains(&IdentityChange::Session(revoked)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityChange {
    /// Every change from now on is reported.
    Listening,
    /// Changes may go unreported until the next [`IdentityChange::Listening`].
    Lost,
    /// This session was changed (signed out, revoked, refreshed) or removed.
    Session(SessionId),
    /// This user was changed (disabled, a new role or password) or removed.
    User(UserId),
}
