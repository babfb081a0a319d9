//! [`MemoryTx`] as the store of OAuth authorizations in flight.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use switchboard_ports::{OAuthState, OAuthStateStore, StoreError};

use crate::MemoryTx;

/// Authorizations in flight by state hash.
pub type OAuthStates = HashMap<Vec<u8>, OAuthState>;

impl OAuthStateStore for MemoryTx {
    async fn insert_oauth_state(
        &mut self,
        state: &OAuthState,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let states = &mut self.state.oauth_states;
        states.retain(|_, s| s.expires_at >= now);
        if states.contains_key(&state.state_hash) {
            return Err(StoreError::Conflict("chat_oauth_states_pkey".to_owned()));
        }
        states.insert(state.state_hash.clone(), state.clone());
        Ok(())
    }

    async fn take_oauth_state(&mut self, hash: &[u8]) -> Result<Option<OAuthState>, StoreError> {
        Ok(self.state.oauth_states.remove(hash))
    }
}
