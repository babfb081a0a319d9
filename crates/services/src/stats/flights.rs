//! One computation per channel at a time in this process: requests that miss together wait
//! for the first, then read what it stored, instead of each computing the same statistics.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use switchboard_domain::chat_sources::ChannelId;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

type Lock = Arc<AsyncMutex<()>>;

/// The channels being computed.
#[derive(Debug, Default)]
pub(super) struct Flights {
    running: Mutex<HashMap<ChannelId, Lock>>,
}

/// The right to compute one channel; the next waiter gets it when this is dropped.
#[derive(Debug)]
pub(super) struct Flight<'a> {
    flights: &'a Flights,
    channel: ChannelId,
    lock: Lock,
    guard: Option<OwnedMutexGuard<()>>,
}

impl Flights {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<ChannelId, Lock>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until no other request of this process computes `channel`.
    pub(super) async fn enter(&self, channel: ChannelId) -> Flight<'_> {
        let lock = self.map().entry(channel).or_default().clone();
        let guard = lock.clone().lock_owned().await;
        Flight { flights: self, channel, lock, guard: Some(guard) }
    }
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut map = self.flights.map();
        // The map's reference and ours: nobody waits, the entry can go.
        if Arc::strong_count(&self.lock) == 2 {
            map.remove(&self.channel);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_flight_waits_for_the_first_and_entries_go_once_done() {
        let flights = Flights::default();
        let channel = ChannelId::new();
        let first = flights.enter(channel).await;
        let waiting = tokio::time::timeout(std::time::Duration::ZERO, flights.enter(channel));
        assert!(waiting.await.is_err(), "the second waits");
        drop(first);
        let second = flights.enter(channel).await;
        drop(second);
        assert!(flights.map().is_empty());
    }
}
