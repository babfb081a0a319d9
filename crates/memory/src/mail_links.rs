//! [`MemoryTx`] as the store of mailbox authorizations in flight, links waiting for the
//! signed-in client, and sign-ins through a provider account.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_ports::{MailLinkState, MailLinkStore, PendingMailLink, StoreError};

use crate::MemoryTx;

/// What the link flows keep between their steps.
#[derive(Debug, Clone, Default)]
pub struct MailLinks {
    /// Authorizations in flight, by state hash.
    pub states: HashMap<Vec<u8>, MailLinkState>,
    /// Links waiting for completion, by code hash.
    pub pending: HashMap<Vec<u8>, PendingMailLink>,
    /// The user each `(issuer, subject)` signs in as.
    pub logins: HashMap<(String, String), UserId>,
}

/// Inserts `value` under `key` after sweeping expired entries; a key already there is the
/// conflict PostgreSQL's primary key `constraint` reports.
fn insert_fresh<V: Clone>(
    map: &mut HashMap<Vec<u8>, V>,
    key: &[u8],
    value: &V,
    expires_at: impl Fn(&V) -> DateTime<Utc>,
    now: DateTime<Utc>,
    constraint: &str,
) -> Result<(), StoreError> {
    map.retain(|_, v| expires_at(v) >= now);
    if map.contains_key(key) {
        return Err(StoreError::Conflict(constraint.to_owned()));
    }
    map.insert(key.to_vec(), value.clone());
    Ok(())
}

impl MailLinkStore for MemoryTx {
    async fn insert_mail_link_state(
        &mut self,
        state: &MailLinkState,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let states = &mut self.state.mail.links.states;
        insert_fresh(
            states,
            &state.state_hash,
            state,
            |s| s.expires_at,
            now,
            "mail_link_states_pkey",
        )
    }

    async fn take_mail_link_state(
        &mut self,
        state_hash: &[u8],
    ) -> Result<Option<MailLinkState>, StoreError> {
        Ok(self.state.mail.links.states.remove(state_hash))
    }

    async fn insert_pending_mail_link(
        &mut self,
        link: &PendingMailLink,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let pending = &mut self.state.mail.links.pending;
        insert_fresh(
            pending,
            &link.code_hash,
            link,
            |l| l.expires_at,
            now,
            "mail_pending_links_pkey",
        )
    }

    async fn take_pending_mail_link(
        &mut self,
        code_hash: &[u8],
    ) -> Result<Option<PendingMailLink>, StoreError> {
        Ok(self.state.mail.links.pending.remove(code_hash))
    }

    async fn external_login_user(
        &mut self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<UserId>, StoreError> {
        let key = (issuer.to_owned(), subject.to_owned());
        Ok(self.state.mail.links.logins.get(&key).copied())
    }

    async fn insert_external_login(
        &mut self,
        issuer: &str,
        subject: &str,
        user: UserId,
        _now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let logins = &mut self.state.mail.links.logins;
        let key = (issuer.to_owned(), subject.to_owned());
        if logins.contains_key(&key) {
            return Err(StoreError::Conflict("external_logins_pkey".to_owned()));
        }
        logins.insert(key, user);
        Ok(())
    }
}
