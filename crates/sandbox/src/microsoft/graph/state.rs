//! Delta query state: the rounds in progress (by skip token) and the delta tokens handed out.
//! Tokens are opaque to clients; here each one names a position in the mailbox's change log.

use std::collections::HashMap;
use std::sync::Arc;

use crate::data::Rng;

/// One entry of a delta page: a message to send in full, or a removal.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DeltaItem {
    Message(usize),
    Removed(usize, crate::data::mail::RemovedReason),
}

/// A round being paged through.
#[derive(Debug, Clone)]
pub(crate) struct Round {
    pub mailbox: usize,
    pub folder: usize,
    pub items: Arc<[DeltaItem]>,
    pub position: usize,
    /// The mailbox's sequence number when the round began: the next round starts after it.
    pub seq: u64,
    pub query: super::odata::Query,
}

/// Where a delta token points.
#[derive(Debug, Clone)]
pub(crate) struct Mark {
    pub mailbox: usize,
    pub folder: usize,
    pub seq: u64,
    pub query: super::odata::Query,
}

#[derive(Debug)]
pub(crate) struct GraphState {
    pub rounds: HashMap<String, Round>,
    pub marks: HashMap<String, Mark>,
    /// The next `.0` requests answer 503 with `Retry-After: .1`.
    pub unavailable: (u32, u64),
    rng: Rng,
}

impl GraphState {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            rounds: HashMap::new(),
            marks: HashMap::new(),
            unavailable: (0, 0),
            rng: Rng::unrepeatable(seed, 0xde17a),
        }
    }

    pub(crate) fn token(&mut self) -> String {
        self.rng.token(crate::data::rng::TOKEN_ALPHABET, 64)
    }

    /// Consumes one pending 503, if any: its `Retry-After`.
    pub(crate) fn take_unavailable(&mut self) -> Option<u64> {
        let (remaining, retry_after) = &mut self.unavailable;
        (*remaining > 0).then(|| {
            *remaining -= 1;
            *retry_after
        })
    }

    /// Forgets every round and token: the next use of any answers 410.
    pub(crate) fn forget(&mut self) -> usize {
        let count = self.rounds.len() + self.marks.len();
        self.rounds.clear();
        self.marks.clear();
        count
    }
}
