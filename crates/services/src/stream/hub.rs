//! The process's fan-out: one task reads the log once per wake-up and hands each new event to
//! the connections of its owner, through a bounded channel per connection. A connection whose
//! channel is full is cut off (its sender dropped: it ends after what it holds) rather than
//! buffered without limit; its client resumes from the last event it got.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use switchboard_domain::{Event, EventPosition, UserId};
use switchboard_ports::{EventFeed, EventQuery, EventReader, WorkWakeups};
use tokio::sync::{mpsc, watch};

/// How many events the fan-out reads per query.
pub const BATCH: usize = 500;

/// The fan-out's shared state. Clones share it; the reading task holds only a weak reference,
/// so it ends when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct StreamHub {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    capacity: usize,
    registry: Mutex<Registry>,
    cut_off: watch::Sender<u64>,
}

#[derive(Debug, Default)]
struct Registry {
    /// The last position handed out; `None` in `started` means an empty log.
    position: Option<EventPosition>,
    started: bool,
    next_id: u64,
    /// Each user's connections: their ids and senders.
    subscribers: HashMap<UserId, Vec<Subscriber>>,
}

/// One connection's id and the sender of its events.
type Subscriber = (u64, mpsc::Sender<Arc<Event>>);

/// One connection's live events, from the moment it subscribed. Unsubscribes when dropped.
#[derive(Debug)]
pub struct Subscription {
    /// The events, in log order; `None` once the hub cut this connection off (or stopped).
    pub events: mpsc::Receiver<Arc<Event>>,
    /// The hub's position when this subscription started: every later event arrives here.
    pub from: Option<EventPosition>,
    hub: Weak<Inner>,
    user: UserId,
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(inner) = self.hub.upgrade() {
            let mut registry = lock(&inner.registry);
            if let Some(list) = registry.subscribers.get_mut(&self.user) {
                list.retain(|(id, _)| *id != self.id);
                if list.is_empty() {
                    registry.subscribers.remove(&self.user);
                }
            }
        }
    }
}

/// The hub has not read the log's tail yet (the database was unreachable since start).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the live stream is starting")]
pub struct NotStarted;

fn lock(registry: &Mutex<Registry>) -> MutexGuard<'_, Registry> {
    // Nothing panics while holding it; a poisoned lock still holds a consistent registry.
    registry.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl StreamHub {
    /// A hub whose connections each buffer at most `capacity` events.
    pub fn new(capacity: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                capacity: capacity.max(1),
                registry: Mutex::default(),
                cut_off: watch::Sender::new(0),
            }),
        }
    }

    /// Subscribes a connection of `user` to the live events after the hub's current position.
    ///
    /// # Errors
    /// [`NotStarted`] before the hub has found where the log ends.
    pub fn subscribe(&self, user: UserId) -> Result<Subscription, NotStarted> {
        let (sender, events) = mpsc::channel(self.inner.capacity);
        let mut registry = lock(&self.inner.registry);
        if !registry.started {
            return Err(NotStarted);
        }
        registry.next_id += 1;
        let id = registry.next_id;
        registry.subscribers.entry(user).or_default().push((id, sender));
        Ok(Subscription {
            events,
            from: registry.position,
            hub: Arc::downgrade(&self.inner),
            user,
            id,
        })
    }

    /// How many connections are subscribed.
    pub fn connections(&self) -> usize {
        lock(&self.inner.registry).subscribers.values().map(Vec::len).sum()
    }

    /// The number of connections cut off so far, as it changes.
    pub fn cut_offs(&self) -> watch::Receiver<u64> {
        self.inner.cut_off.subscribe()
    }

    /// Starts from `tail` (the log's last settled position).
    fn start(&self, tail: Option<EventPosition>) {
        let mut registry = lock(&self.inner.registry);
        registry.position = tail;
        registry.started = true;
    }

    /// The last position the hub has read (and handed out).
    pub fn position(&self) -> Option<EventPosition> {
        lock(&self.inner.registry).position
    }

    /// Hands `events` (in log order) to their owners' connections; cuts off full ones.
    fn dispatch(&self, events: Vec<Event>) {
        let mut cut = 0;
        let mut registry = lock(&self.inner.registry);
        for event in events {
            registry.position = Some(event.position);
            let Some(owner) = event.owner_id else { continue };
            let Some(list) = registry.subscribers.get_mut(&owner) else { continue };
            let event = Arc::new(event);
            list.retain(|(_, sender)| match sender.try_send(event.clone()) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    cut += 1;
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            });
            if list.is_empty() {
                registry.subscribers.remove(&owner);
            }
        }
        drop(registry);
        if cut > 0 {
            tracing::info!(connections = cut, "cut off slow stream connections");
            self.inner.cut_off.send_modify(|n| *n += cut);
        }
    }

    /// The reading task: finds the log's tail, then on every wake-up of `feed` (or every
    /// `poll`, for events that became settled without a notification of their own) reads the
    /// settled events after its position, in log order, and dispatches them. Ends when every
    /// clone of the hub is gone. The caller spawns it, once per process.
    pub fn run<R: EventReader, F: EventFeed>(
        &self,
        reader: R,
        feed: F,
        poll: Duration,
    ) -> impl Future<Output = ()> + Send + 'static {
        let weak = Arc::downgrade(&self.inner);
        async move {
            let mut wakeups = feed.wakeups();
            loop {
                let Some(hub) = weak.upgrade().map(|inner| StreamHub { inner }) else { return };
                if !lock(&hub.inner.registry).started {
                    match feed.tail().await {
                        Ok(tail) => hub.start(tail),
                        Err(e) => tracing::warn!(error = %e, "the stream cannot read the log"),
                    }
                }
                if lock(&hub.inner.registry).started {
                    read_new(&hub, &reader).await;
                }
                drop(hub);
                wakeups.wait(poll).await;
            }
        }
    }
}

async fn read_new<R: EventReader>(hub: &StreamHub, reader: &R) {
    loop {
        let query = EventQuery { after: hub.position(), limit: BATCH, ..EventQuery::default() };
        match reader.read(query).await {
            Ok(events) => {
                let full = events.len() == BATCH;
                hub.dispatch(events);
                if !full {
                    return;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "the stream cannot read the log");
                return;
            }
        }
    }
}
