//! One computation per key (a channel, a mail account) at a time in this process: requests
//! that miss together wait for the first, then read what it stored, instead of each computing
//! the same statistics.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

type Lock = Arc<AsyncMutex<()>>;

/// The keys being computed.
#[derive(Debug)]
pub(super) struct Flights<K> {
    running: Mutex<HashMap<K, Lock>>,
}

impl<K> Default for Flights<K> {
    fn default() -> Self {
        Self { running: Mutex::new(HashMap::new()) }
    }
}

/// The right to compute one key; the next waiter gets it when this is dropped.
#[derive(Debug)]
pub(super) struct Flight<'a, K: Eq + Hash + Copy> {
    flights: &'a Flights<K>,
    key: K,
    lock: Lock,
    guard: Option<OwnedMutexGuard<()>>,
}

impl<K: Eq + Hash + Copy> Flights<K> {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<K, Lock>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until no other request of this process computes `key`.
    pub(super) async fn enter(&self, key: K) -> Flight<'_, K> {
        let lock = self.map().entry(key).or_default().clone();
        let guard = lock.clone().lock_owned().await;
        Flight { flights: self, key, lock, guard: Some(guard) }
    }
}

impl<K: Eq + Hash + Copy> Drop for Flight<'_, K> {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut map = self.flights.map();
        // The map's reference and ours: nobody waits, the entry can go.
        if Arc::strong_count(&self.lock) == 2 {
            map.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use switchboard_domain::chat_sources::ChannelId;

    use super::*;

    #[tokio::test]
    async fn a_second_flight_waits_for_the_first_and_entries_go_once_done() {
        let flights = Flights::<ChannelId>::default();
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
