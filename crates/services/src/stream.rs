//! The live stream of a user's events: replay from the log after the client's last event, then
//! live events from the process's fan-out ([`StreamHub`]), compared by position so that nothing
//! is missed or shown twice. Every user sees only the events of the objects they own (admins
//! too: the stream is a user's own feed, the events API is the place to watch everyone).

pub mod hub;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::Stream;
use switchboard_domain::{Event, EventPosition, UserId};
use switchboard_ports::identity::Clock;
use switchboard_ports::{
    EventQuery, EventReader, Ports, StoreError, StreamTicket, StreamTicketStore, UnitOfWork,
};

pub use hub::{NotStarted, StreamHub, Subscription};

use crate::identity::opaque;

/// Why the stream could not be opened or a ticket issued.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The ticket is unknown, already used or expired.
    #[error("invalid or expired stream ticket")]
    BadTicket,
    /// The process's fan-out has not started yet.
    #[error(transparent)]
    NotStarted(#[from] NotStarted),
    /// No randomness for a ticket.
    #[error("cannot generate a ticket: {0}")]
    Random(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A ticket as handed to its client (the only time it exists in clear).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedTicket {
    /// The ticket, for `GET /api/stream?ticket=`.
    pub ticket: String,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// The stream's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamPolicy {
    /// How long a ticket opens the stream.
    pub ticket_ttl: Duration,
    /// How often an idle connection gets a heartbeat, so proxies and clients see it alive.
    pub heartbeat: Duration,
}

/// The stream's use cases.
pub struct StreamService<P: Ports> {
    uow: P::Uow,
    clock: P::Clock,
    reader: P::Events,
    hub: StreamHub,
    policy: StreamPolicy,
}

impl<P: Ports> Clone for StreamService<P> {
    fn clone(&self) -> Self {
        Self {
            uow: self.uow.clone(),
            clock: self.clock.clone(),
            reader: self.reader.clone(),
            hub: self.hub.clone(),
            policy: self.policy,
        }
    }
}

impl<P: Ports> std::fmt::Debug for StreamService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamService").field("hub", &self.hub).finish_non_exhaustive()
    }
}

impl<P: Ports> StreamService<P> {
    /// The stream over `hub`, replaying through `reader`.
    pub fn new(
        uow: P::Uow,
        clock: P::Clock,
        reader: P::Events,
        hub: StreamHub,
        policy: StreamPolicy,
    ) -> Self {
        Self { uow, clock, reader, hub, policy }
    }

    /// The settings.
    pub fn policy(&self) -> StreamPolicy {
        self.policy
    }

    /// The process's fan-out.
    pub fn hub(&self) -> &StreamHub {
        &self.hub
    }

    /// A single-use ticket that opens `user`'s stream until it expires.
    ///
    /// # Errors
    /// [`StreamError::Random`], [`StreamError::Store`].
    pub async fn issue_ticket(&self, user: UserId) -> Result<IssuedTicket, StreamError> {
        let (ticket, ticket_hash) = opaque::refresh_token().map_err(StreamError::Random)?;
        let now = self.clock.now();
        let ttl =
            chrono::Duration::from_std(self.policy.ticket_ttl).unwrap_or(chrono::Duration::MAX);
        let expires_at = now.checked_add_signed(ttl).unwrap_or(DateTime::<Utc>::MAX_UTC);
        let stored = StreamTicket { ticket_hash, user_id: user, expires_at };
        self.uow
            .transact(move |tx| {
                Box::pin(async move { tx.insert_stream_ticket(&stored, now).await })
            })
            .await?;
        Ok(IssuedTicket { ticket, expires_at })
    }

    /// The user a ticket opens the stream of; the ticket is used up, whatever the answer.
    ///
    /// # Errors
    /// [`StreamError::BadTicket`] for an unknown, used or expired ticket;
    /// [`StreamError::Store`].
    pub async fn redeem_ticket(&self, ticket: &str) -> Result<UserId, StreamError> {
        let hash = opaque::hash(ticket);
        let taken = self
            .uow
            .transact(move |tx| Box::pin(async move { tx.take_stream_ticket(&hash).await }))
            .await?;
        match taken {
            Some(t) if t.expires_at > self.clock.now() => Ok(t.user_id),
            _ => Err(StreamError::BadTicket),
        }
    }

    /// `user`'s events after `after` (replayed from the log), then live ones; from now on when
    /// `after` is `None`. The stream ends when the hub cuts the connection off (it read too
    /// slowly) or the log cannot be read; the client then resumes from its last event.
    ///
    /// # Errors
    /// [`StreamError::NotStarted`] while the fan-out has not started.
    pub fn open(
        &self,
        user: UserId,
        after: Option<EventPosition>,
    ) -> Result<impl Stream<Item = Result<Arc<Event>, StreamError>> + 'static, StreamError> {
        // Subscribe first, then replay: every event is either in the replay (settled before
        // it ran) or dispatched after the subscription; duplicates are dropped by position.
        let live = self.hub.subscribe(user)?;
        let (position, replaying) = match after {
            Some(after) => (Some(after), true),
            None => (live.from, false),
        };
        let state = Cursor {
            reader: self.reader.clone(),
            user,
            position,
            replaying,
            pending: VecDeque::new(),
            live,
            failed: false,
        };
        Ok(futures_util::stream::unfold(state, Cursor::next))
    }
}

/// One connection's progress.
struct Cursor<R> {
    reader: R,
    user: UserId,
    /// The last event this connection has passed on (or its starting point).
    position: Option<EventPosition>,
    replaying: bool,
    pending: VecDeque<Arc<Event>>,
    live: Subscription,
    failed: bool,
}

impl<R: EventReader> Cursor<R> {
    async fn next(mut self) -> Option<(Result<Arc<Event>, StreamError>, Self)> {
        loop {
            if self.failed {
                return None;
            }
            if let Some(event) = self.pending.pop_front() {
                return Some((Ok(event), self));
            }
            if self.replaying {
                let query = EventQuery {
                    after: self.position,
                    limit: hub::BATCH,
                    owner: Some(self.user),
                    ..EventQuery::default()
                };
                match self.reader.read(query).await {
                    Ok(events) => {
                        self.replaying = events.len() == hub::BATCH;
                        if let Some(last) = events.last() {
                            self.position = Some(last.position);
                        }
                        self.pending.extend(events.into_iter().map(Arc::new));
                    }
                    Err(e) => {
                        self.failed = true;
                        return Some((Err(e.into()), self));
                    }
                }
                continue;
            }
            let event = self.live.events.recv().await?;
            if self.position.is_none_or(|p| event.position > p) {
                self.position = Some(event.position);
                return Some((Ok(event), self));
            }
        }
    }
}
