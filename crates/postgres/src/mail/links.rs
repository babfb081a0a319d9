//! Mailbox authorizations in flight, links waiting for the signed-in client, and sign-ins
//! through a provider account. States and pending links are taken with one
//! `DELETE … RETURNING`, so each is honoured at most once however many requests race for it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_ports::{MailLinkState, MailLinkStore, PendingMailLink, StoreError};

use crate::PgTx;
use crate::error::store_error;
use crate::schema::{external_logins, mail_link_states, mail_pending_links};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_link_states)]
struct StateRow {
    state_hash: Vec<u8>,
    user_id: uuid::Uuid,
    binding_hash: Vec<u8>,
    provider: String,
    login_hint: String,
    return_to: Option<String>,
    sealed_verifier: Vec<u8>,
    key_id: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl From<&MailLinkState> for StateRow {
    fn from(s: &MailLinkState) -> Self {
        Self {
            state_hash: s.state_hash.clone(),
            user_id: s.user_id.as_uuid(),
            binding_hash: s.binding_hash.clone(),
            provider: s.provider.as_str().to_owned(),
            login_hint: s.login_hint.clone(),
            return_to: s.return_to.clone(),
            sealed_verifier: s.sealed_verifier.clone(),
            key_id: s.key_id.clone(),
            created_at: s.created_at,
            expires_at: s.expires_at,
        }
    }
}

impl TryFrom<StateRow> for MailLinkState {
    type Error = StoreError;

    fn try_from(r: StateRow) -> Result<Self, StoreError> {
        Ok(MailLinkState {
            state_hash: r.state_hash,
            user_id: UserId::from_uuid(r.user_id),
            binding_hash: r.binding_hash,
            provider: r.provider.parse().map_err(|e| StoreError::Other(format!("{e}")))?,
            login_hint: r.login_hint,
            return_to: r.return_to,
            sealed_verifier: r.sealed_verifier,
            key_id: r.key_id,
            created_at: r.created_at,
            expires_at: r.expires_at,
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_pending_links)]
struct PendingRow {
    code_hash: Vec<u8>,
    user_id: uuid::Uuid,
    provider: String,
    sealed: Vec<u8>,
    key_id: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl From<&PendingMailLink> for PendingRow {
    fn from(l: &PendingMailLink) -> Self {
        Self {
            code_hash: l.code_hash.clone(),
            user_id: l.user_id.as_uuid(),
            provider: l.provider.as_str().to_owned(),
            sealed: l.sealed.clone(),
            key_id: l.key_id.clone(),
            created_at: l.created_at,
            expires_at: l.expires_at,
        }
    }
}

impl TryFrom<PendingRow> for PendingMailLink {
    type Error = StoreError;

    fn try_from(r: PendingRow) -> Result<Self, StoreError> {
        Ok(PendingMailLink {
            code_hash: r.code_hash,
            user_id: UserId::from_uuid(r.user_id),
            provider: r.provider.parse().map_err(|e| StoreError::Other(format!("{e}")))?,
            sealed: r.sealed,
            key_id: r.key_id,
            created_at: r.created_at,
            expires_at: r.expires_at,
        })
    }
}

impl MailLinkStore for PgTx {
    async fn insert_mail_link_state(
        &mut self,
        state: &MailLinkState,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        diesel::delete(mail_link_states::table.filter(mail_link_states::expires_at.lt(now)))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        diesel::insert_into(mail_link_states::table)
            .values(StateRow::from(state))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn take_mail_link_state(
        &mut self,
        state_hash: &[u8],
    ) -> Result<Option<MailLinkState>, StoreError> {
        let row: Option<StateRow> = diesel::delete(mail_link_states::table.find(state_hash))
            .returning(StateRow::as_returning())
            .get_result(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        row.map(MailLinkState::try_from).transpose()
    }

    async fn insert_pending_mail_link(
        &mut self,
        link: &PendingMailLink,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        diesel::delete(mail_pending_links::table.filter(mail_pending_links::expires_at.lt(now)))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        diesel::insert_into(mail_pending_links::table)
            .values(PendingRow::from(link))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn take_pending_mail_link(
        &mut self,
        code_hash: &[u8],
    ) -> Result<Option<PendingMailLink>, StoreError> {
        let row: Option<PendingRow> = diesel::delete(mail_pending_links::table.find(code_hash))
            .returning(PendingRow::as_returning())
            .get_result(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        row.map(PendingMailLink::try_from).transpose()
    }

    async fn external_login_user(
        &mut self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<UserId>, StoreError> {
        let user: Option<uuid::Uuid> = external_logins::table
            .find((issuer, subject))
            .select(external_logins::user_id)
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        Ok(user.map(UserId::from_uuid))
    }

    async fn insert_external_login(
        &mut self,
        issuer: &str,
        subject: &str,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // A subject already recorded fails on the primary key: `store_error` makes it a
        // Conflict.
        diesel::insert_into(external_logins::table)
            .values((
                external_logins::issuer.eq(issuer),
                external_logins::subject.eq(subject),
                external_logins::user_id.eq(user.as_uuid()),
                external_logins::created_at.eq(now),
            ))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }
}
