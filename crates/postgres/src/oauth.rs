//! OAuth authorizations in flight: [`crate::PgTx`] as their store. A callback takes its row
//! with one `DELETE … RETURNING`, so a state is honoured at most once however many callbacks
//! race for it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::chat::ChatProvider;
use switchboard_ports::{OAuthState, OAuthStateStore, StoreError};

use crate::PgTx;
use crate::error::store_error;
use crate::schema::chat_oauth_states;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = chat_oauth_states)]
struct StateRow {
    state_hash: Vec<u8>,
    user_id: uuid::Uuid,
    provider: String,
    redirect_uri: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    binding_hash: Vec<u8>,
}

impl TryFrom<StateRow> for OAuthState {
    type Error = StoreError;

    fn try_from(r: StateRow) -> Result<Self, StoreError> {
        Ok(OAuthState {
            state_hash: r.state_hash,
            user_id: UserId::from_uuid(r.user_id),
            binding_hash: r.binding_hash,
            provider: match r.provider.as_str() {
                "slack" => ChatProvider::Slack,
                "mattermost" => ChatProvider::Mattermost,
                other => return Err(StoreError::Other(format!("OAuth state provider {other}"))),
            },
            redirect_uri: r.redirect_uri,
            created_at: r.created_at,
            expires_at: r.expires_at,
        })
    }
}

impl OAuthStateStore for PgTx {
    async fn insert_oauth_state(
        &mut self,
        state: &OAuthState,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        diesel::delete(chat_oauth_states::table.filter(chat_oauth_states::expires_at.lt(now)))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        let row = StateRow {
            state_hash: state.state_hash.clone(),
            user_id: state.user_id.as_uuid(),
            binding_hash: state.binding_hash.clone(),
            provider: state.provider.to_string(),
            redirect_uri: state.redirect_uri.clone(),
            created_at: state.created_at,
            expires_at: state.expires_at,
        };
        diesel::insert_into(chat_oauth_states::table)
            .values(row)
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn take_oauth_state(&mut self, hash: &[u8]) -> Result<Option<OAuthState>, StoreError> {
        let row: Option<StateRow> = diesel::delete(chat_oauth_states::table.find(hash))
            .returning(StateRow::as_returning())
            .get_result(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        row.map(OAuthState::try_from).transpose()
    }
}
