//! A notification's row.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use switchboard_domain::UserId;
use switchboard_domain::notifications::{
    Notification, NotificationId, NotificationKind, NotificationParams,
};
use switchboard_ports::StoreError;

use crate::schema::notifications;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub(super) struct Row {
    id: uuid::Uuid,
    user_id: uuid::Uuid,
    kind: String,
    params: serde_json::Value,
    message: String,
    dedupe_key: String,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

impl Row {
    pub(super) fn from_domain(n: &Notification) -> Self {
        Self {
            id: n.id.as_uuid(),
            user_id: n.user_id.as_uuid(),
            kind: n.kind().as_str().to_owned(),
            params: n.params.to_json(),
            message: n.message.clone(),
            dedupe_key: n.dedupe_key.clone(),
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }

    pub(super) fn into_domain(self) -> Result<Notification, StoreError> {
        let kind: NotificationKind =
            self.kind.parse().map_err(|e: switchboard_domain::notifications::UnknownKind| {
                StoreError::Other(format!("notifications.kind: {e}"))
            })?;
        let params = NotificationParams::from_json(kind, self.params)
            .map_err(|e| StoreError::Other(format!("notifications.params: {e}")))?;
        Ok(Notification {
            id: NotificationId::from_uuid(self.id),
            user_id: UserId::from_uuid(self.user_id),
            params,
            message: self.message,
            dedupe_key: self.dedupe_key,
            created_at: self.created_at,
            read_at: self.read_at,
        })
    }
}
