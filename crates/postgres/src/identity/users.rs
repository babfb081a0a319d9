//! Users.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::identity::{EmailAddress, User};
use switchboard_ports::{StoreError, UserPage, UserQuery, UserStore};

use super::rows::UserRow;
use crate::PgTx;
use crate::error::{one_row, store_error};
use crate::schema::users;

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

impl UserStore for PgTx {
    async fn insert_user(&mut self, user: &User) -> Result<(), StoreError> {
        diesel::insert_into(users::table)
            .values(UserRow::from(user))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn user_by_id(&mut self, id: UserId) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = users::table
            .find(id.as_uuid())
            .select(UserRow::as_select())
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        row.map(User::try_from).transpose()
    }

    async fn user_by_email(&mut self, email: &EmailAddress) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = users::table
            .filter(users::email.eq(email.as_str()))
            .select(UserRow::as_select())
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        row.map(User::try_from).transpose()
    }

    async fn update_user(&mut self, user: &User) -> Result<(), StoreError> {
        let row = UserRow::from(user);
        let changed = diesel::update(users::table.find(row.id))
            .set((
                users::display_name.eq(&row.display_name),
                users::role.eq(&row.role),
                users::disabled.eq(row.disabled),
                users::password_hash.eq(&row.password_hash),
            ))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        one_row(changed)
    }

    async fn list_users(&mut self, query: &UserQuery) -> Result<UserPage, StoreError> {
        let filtered = || {
            let mut q = users::table.into_boxed();
            if let Some(needle) = &query.email_contains {
                q = q.filter(
                    users::email.like(format!("%{}%", escape_like(&needle.to_lowercase()))),
                );
            }
            q
        };
        let total: i64 = filtered().count().get_result(self.conn()).await.map_err(store_error)?;
        let rows: Vec<UserRow> = filtered()
            .order((users::created_at.asc(), users::id.asc()))
            .offset(i64::try_from(query.offset).unwrap_or(i64::MAX))
            .limit(i64::from(query.limit))
            .select(UserRow::as_select())
            .load(self.conn())
            .await
            .map_err(store_error)?;
        let users = rows.into_iter().map(User::try_from).collect::<Result<_, _>>()?;
        Ok(UserPage { users, total: u64::try_from(total).unwrap_or_default() })
    }

    async fn count_active_superadmins(&mut self) -> Result<u64, StoreError> {
        let ids: Vec<uuid::Uuid> = users::table
            .filter(users::role.eq("superadmin").and(users::disabled.eq(false)))
            .select(users::id)
            .for_update()
            .load(self.conn())
            .await
            .map_err(store_error)?;
        Ok(ids.len() as u64)
    }
}
