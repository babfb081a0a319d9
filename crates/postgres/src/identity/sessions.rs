//! Sessions and refresh tokens.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Bytea, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::identity::{Session, SessionId, User};
use switchboard_ports::{RefreshTokenState, Rotation, SessionStore, StoreError};

use super::rows::{SessionRow, UserRow};
use crate::PgTx;
use crate::error::store_error;
use crate::prepared::Prepared;
use crate::schema::{refresh_tokens, sessions, users};

/// A refresh token's state and whether its successor was used.
#[derive(QueryableByName)]
struct TokenStateRow {
    #[diesel(sql_type = Bool)]
    used: bool,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    used_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Bytea>)]
    successor_hash: Option<Vec<u8>>,
    #[diesel(sql_type = Nullable<Bytea>)]
    successor_masked: Option<Vec<u8>>,
    #[diesel(sql_type = Bool)]
    successor_used: bool,
}

impl From<TokenStateRow> for RefreshTokenState {
    fn from(r: TokenStateRow) -> Self {
        if !r.used {
            return RefreshTokenState::Unused;
        }
        let rotation = match (r.used_at, r.successor_hash, r.successor_masked) {
            (Some(at), Some(successor_hash), Some(successor_masked)) => Some(Rotation {
                at,
                successor_hash,
                successor_masked,
                successor_used: r.successor_used,
            }),
            _ => None,
        };
        RefreshTokenState::Used(rotation)
    }
}

impl SessionStore for PgTx {
    async fn insert_session(&mut self, session: &Session, hash: &[u8]) -> Result<(), StoreError> {
        // One statement (one round trip at every login): the session, then its first token.
        let row = SessionRow::from(session);
        let insert = diesel::sql_query(
            "WITH s AS (
               INSERT INTO sessions
                 (id, user_id, user_agent, ip, created_at, last_used_at, expires_at, revoked_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id)
             INSERT INTO refresh_tokens (token_hash, session_id) SELECT $9, id FROM s",
        )
        .bind::<SqlUuid, _>(row.id)
        .bind::<SqlUuid, _>(row.user_id)
        .bind::<Text, _>(&row.user_agent)
        .bind::<Text, _>(&row.ip)
        .bind::<Timestamptz, _>(row.created_at)
        .bind::<Timestamptz, _>(row.last_used_at)
        .bind::<Timestamptz, _>(row.expires_at)
        .bind::<Nullable<Timestamptz>, _>(row.revoked_at)
        .bind::<Bytea, _>(hash);
        Prepared(insert).execute(self.conn()).await.map_err(store_error)?;
        Ok(())
    }

    async fn session_by_refresh(
        &mut self,
        hash: &[u8],
    ) -> Result<Option<(Session, RefreshTokenState)>, StoreError> {
        // Locks the session row, then reads the token's state: concurrent refreshes of one
        // family run one after the other, so a token is never rotated twice, and the second
        // sees the rotation the first committed (READ COMMITTED: each statement sees it).
        let session_id: Option<uuid::Uuid> = refresh_tokens::table
            .find(hash)
            .select(refresh_tokens::session_id)
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        let Some(session_id) = session_id else { return Ok(None) };
        let row: SessionRow = sessions::table
            .find(session_id)
            .select(SessionRow::as_select())
            .for_update()
            .first(self.conn())
            .await
            .map_err(store_error)?;
        let state = diesel::sql_query(
            "SELECT t.used, t.used_at, t.successor_hash, t.successor_masked,
                    coalesce(s.used, false) AS successor_used
               FROM refresh_tokens t
               LEFT JOIN refresh_tokens s ON s.token_hash = t.successor_hash
              WHERE t.token_hash = $1",
        )
        .bind::<Bytea, _>(hash);
        let token: TokenStateRow =
            Prepared(state).get_result(self.conn()).await.map_err(store_error)?;
        Ok(Some((Session::from(row), token.into())))
    }

    async fn rotate_refresh(
        &mut self,
        session: SessionId,
        old_hash: &[u8],
        rotation: &Rotation,
    ) -> Result<(), StoreError> {
        // One statement: the old token used (with its successor), the successor added, the
        // session's use recorded.
        let rotate = diesel::sql_query(
            "WITH old AS (
               UPDATE refresh_tokens
                  SET used = true, used_at = $3, successor_hash = $4, successor_masked = $5
                WHERE token_hash = $2),
             new AS (INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($4, $1))
             UPDATE sessions SET last_used_at = $3 WHERE id = $1",
        )
        .bind::<SqlUuid, _>(session.as_uuid())
        .bind::<Bytea, _>(old_hash)
        .bind::<Timestamptz, _>(rotation.at)
        .bind::<Bytea, _>(&rotation.successor_hash)
        .bind::<Bytea, _>(&rotation.successor_masked);
        Prepared(rotate).execute(self.conn()).await.map_err(store_error)?;
        Ok(())
    }

    async fn session_of(
        &mut self,
        user: UserId,
        id: SessionId,
    ) -> Result<Option<Session>, StoreError> {
        let row: Option<SessionRow> = sessions::table
            .find(id.as_uuid())
            .filter(sessions::user_id.eq(user.as_uuid()))
            .select(SessionRow::as_select())
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        Ok(row.map(Session::from))
    }

    async fn session_with_user(
        &mut self,
        id: SessionId,
    ) -> Result<Option<(Session, User)>, StoreError> {
        let row: Option<(SessionRow, UserRow)> = sessions::table
            .inner_join(users::table)
            .filter(sessions::id.eq(id.as_uuid()))
            .select((SessionRow::as_select(), UserRow::as_select()))
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        row.map(|(s, u)| Ok((Session::from(s), User::try_from(u)?))).transpose()
    }

    async fn list_sessions(&mut self, user: UserId) -> Result<Vec<Session>, StoreError> {
        let rows: Vec<SessionRow> = sessions::table
            .filter(sessions::user_id.eq(user.as_uuid()).and(sessions::revoked_at.is_null()))
            .order((sessions::created_at.desc(), sessions::id.desc()))
            .select(SessionRow::as_select())
            .load(self.conn())
            .await
            .map_err(store_error)?;
        Ok(rows.into_iter().map(Session::from).collect())
    }

    async fn revoke_session(
        &mut self,
        user: UserId,
        id: SessionId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let changed = diesel::update(
            sessions::table
                .find(id.as_uuid())
                .filter(sessions::user_id.eq(user.as_uuid()).and(sessions::revoked_at.is_null())),
        )
        .set(sessions::revoked_at.eq(now))
        .execute(self.conn())
        .await
        .map_err(store_error)?;
        Ok(changed > 0)
    }

    async fn revoke_user_sessions(
        &mut self,
        user: UserId,
        except: Option<SessionId>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut target = sessions::table
            .filter(sessions::user_id.eq(user.as_uuid()).and(sessions::revoked_at.is_null()))
            .into_boxed();
        if let Some(except) = except {
            target = target.filter(sessions::id.ne(except.as_uuid()));
        }
        let ids: Vec<uuid::Uuid> =
            target.select(sessions::id).load(self.conn()).await.map_err(store_error)?;
        let changed = diesel::update(sessions::table.filter(sessions::id.eq_any(&ids)))
            .set(sessions::revoked_at.eq(now))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(changed as u64)
    }
}
