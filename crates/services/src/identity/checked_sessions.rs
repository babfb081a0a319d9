//! The sessions (with their users) that requests checked lately, kept while nothing of them
//! changed.
//!
//! Every request with an access token needs its session and user: revoked, expired or
//! disabled, the token is refused. Reading them is one indexed query, but a round trip to
//! PostgreSQL, and on a busy server about half of what an answer served from memory costs. So
//! a process keeps what it read, and forgets it when told the session or its user changed
//! ([`IdentityChange`], from PostgreSQL's notifications in a server): a sign-out, a revocation,
//! a refresh, a new role or password, a disabled or removed user.
//!
//! Kept sessions are used only while the feed listens: until it reports
//! [`IdentityChange::Listening`], and from [`IdentityChange::Lost`] until it listens again,
//! every request reads its session, so no change can be missed. What a request read is kept
//! only if no change was reported since it began reading (a generation counter): a read racing
//! a revocation is never kept after the revocation was heard. The process that makes a change
//! forgets at once too, without waiting for the notification; other processes forget when it
//! arrives, a few milliseconds after the commit.
//!
//! Hand-written: a map under a lock, with no eviction policy beyond starting again when full,
//! is all this needs, and the removal of every session of one user is not something the
//! caching crates offer.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use switchboard_domain::UserId;
use switchboard_domain::identity::{Session, SessionId, User};
use switchboard_ports::IdentityChange;

#[derive(Debug, Default)]
struct State {
    listening: bool,
    /// Raised by every change reported, and whenever listening starts or stops.
    generation: u64,
    kept: HashMap<SessionId, (Session, User)>,
}

/// The sessions checked lately, shared by every clone (one per process).
#[derive(Debug, Clone)]
pub struct CheckedSessions {
    state: Arc<RwLock<State>>,
    capacity: usize,
}

impl CheckedSessions {
    /// Keeps up to `capacity` sessions (0: none), once a feed reports it listens.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self { state: Arc::default(), capacity }
    }

    /// Applies a report of the identity feed.
    pub fn apply(&self, change: IdentityChange) {
        let mut state = self.state.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        state.generation += 1;
        match change {
            IdentityChange::Listening | IdentityChange::Lost => {
                state.listening = change == IdentityChange::Listening;
                state.kept.clear();
            }
            IdentityChange::Session(id) => {
                state.kept.remove(&id);
            }
            IdentityChange::User(id) => state.kept.retain(|_, (_, user)| user.id != id),
        }
    }

    /// Whether kept sessions are used: a feed reports changes and some may be kept.
    #[must_use]
    pub fn is_listening(&self) -> bool {
        self.capacity > 0 && self.read().listening
    }

    /// The session `id` and its user, when kept and the feed listens.
    pub(crate) fn get(&self, id: SessionId) -> Option<(Session, User)> {
        let state = self.read();
        if !state.listening {
            return None;
        }
        state.kept.get(&id).cloned()
    }

    /// The generation to hand back to [`Self::keep`], taken before reading a session.
    pub(crate) fn generation(&self) -> u64 {
        self.read().generation
    }

    /// Keeps a session read after [`Self::generation`] gave `generation`, unless a change
    /// was reported since (or the feed does not listen).
    pub(crate) fn keep(&self, generation: u64, session: Session, user: User) {
        if self.capacity == 0 {
            return;
        }
        let mut state = self.state.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !state.listening || state.generation != generation {
            return;
        }
        if state.kept.len() >= self.capacity {
            state.kept.clear();
        }
        state.kept.insert(session.id, (session, user));
    }

    /// Forgets session `id` in this process at once, after a change committed (the feed
    /// reports it to every process).
    pub(crate) fn forget_session(&self, id: SessionId) {
        self.apply(IdentityChange::Session(id));
    }

    /// Forgets `user`'s sessions in this process at once, after a change committed.
    pub(crate) fn forget_user(&self, user: UserId) {
        self.apply(IdentityChange::User(user));
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Default for CheckedSessions {
    /// Up to 10,000 sessions.
    fn default() -> Self {
        Self::new(10_000)
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::expect_used, reason = "tests")]

    use chrono::DateTime;
    use switchboard_domain::identity::{EmailAddress, Role};

    use super::*;

    fn session_of(user: &User) -> Session {
        let at = DateTime::from_timestamp(1_700_000_000, 0).expect("a time");
        Session {
            id: SessionId::new(),
            user_id: user.id,
            created_at: at,
            last_used_at: at,
            expires_at: at,
            revoked_at: None,
            ip: String::new(),
            user_agent: String::new(),
        }
    }

    fn user() -> User {
        User {
            id: UserId::new(),
            email: EmailAddress::parse("ada@example.org").expect("an address"),
            display_name: "Ada".into(),
            role: Role::Member,
            disabled: false,
            password_hash: "hash".into(),
            created_at: DateTime::UNIX_EPOCH,
        }
    }

    fn kept(sessions: &CheckedSessions, user: &User) -> Session {
        let session = session_of(user);
        sessions.keep(sessions.generation(), session.clone(), user.clone());
        session
    }

    #[test]
    fn nothing_is_kept_or_served_until_the_feed_listens_nor_after_it_is_lost() {
        let sessions = CheckedSessions::new(16);
        let ada = user();
        let early = kept(&sessions, &ada);
        assert_eq!(sessions.get(early.id), None, "not listening yet");

        sessions.apply(IdentityChange::Listening);
        assert!(sessions.is_listening());
        let session = kept(&sessions, &ada);
        assert_eq!(sessions.get(session.id).map(|(s, _)| s.id), Some(session.id));

        sessions.apply(IdentityChange::Lost);
        assert_eq!(sessions.get(session.id), None, "changes may be missed now");
        sessions.apply(IdentityChange::Listening);
        assert_eq!(sessions.get(session.id), None, "forgotten, not served again");
    }

    #[test]
    fn a_change_forgets_the_session_or_every_session_of_the_user() {
        let sessions = CheckedSessions::new(16);
        sessions.apply(IdentityChange::Listening);
        let (ada, grace) = (user(), user());
        let (first, second, other) =
            (kept(&sessions, &ada), kept(&sessions, &ada), kept(&sessions, &grace));

        sessions.forget_session(first.id);
        assert_eq!(sessions.get(first.id), None);
        assert!(sessions.get(second.id).is_some());

        sessions.forget_user(ada.id);
        assert_eq!(sessions.get(second.id), None);
        assert!(sessions.get(other.id).is_some(), "another user's session stays");
    }

    #[test]
    fn a_read_that_raced_a_change_is_not_kept() {
        let sessions = CheckedSessions::new(16);
        sessions.apply(IdentityChange::Listening);
        let ada = user();
        let session = session_of(&ada);
        let before = sessions.generation();
        // The session is revoked while the request reads it (the row it read is still valid).
        sessions.apply(IdentityChange::Session(session.id));
        sessions.keep(before, session.clone(), ada);
        assert_eq!(sessions.get(session.id), None);
    }

    #[test]
    fn the_capacity_holds_and_zero_keeps_nothing() {
        let sessions = CheckedSessions::new(2);
        sessions.apply(IdentityChange::Listening);
        let ada = user();
        let all: Vec<Session> = (0..5).map(|_| kept(&sessions, &ada)).collect();
        let held = all.iter().filter(|s| sessions.get(s.id).is_some()).count();
        assert!((1..=2).contains(&held), "{held}");

        let none = CheckedSessions::new(0);
        none.apply(IdentityChange::Listening);
        assert!(!none.is_listening());
        let session = kept(&none, &ada);
        assert_eq!(none.get(session.id), None);
    }
}
