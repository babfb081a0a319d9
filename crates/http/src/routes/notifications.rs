//! The caller's notifications.

pub mod cursor;
pub mod delete;
pub mod list;
pub mod mark_read;

use switchboard_domain::notifications::{Notification, NotificationParams};

use crate::proto::v1;
use crate::routes::convert;

/// A notification as the API shows it.
pub fn notification(n: &Notification) -> v1::Notification {
    v1::Notification {
        id: n.id.to_string(),
        kind: n.kind().as_str().to_owned(),
        params: Some(params(&n.params)),
        message: n.message.clone(),
        created_at: convert::time(n.created_at),
        read: n.read_at.is_some(),
        read_at: n.read_at.map(convert::time).unwrap_or_default(),
    }
}

fn params(p: &NotificationParams) -> v1::NotificationParams {
    let mut out = v1::NotificationParams::default();
    match p {
        NotificationParams::ReauthRequired { connection }
        | NotificationParams::FirstSync { connection } => {
            out.connection_kind = Some(connection.kind.event_model().to_owned());
            out.connection_id = Some(connection.id.clone());
            out.connection_name = Some(connection.name.clone());
        }
        NotificationParams::SyncFailed { connection, error } => {
            out.connection_kind = Some(connection.kind.event_model().to_owned());
            out.connection_id = Some(connection.id.clone());
            out.connection_name = Some(connection.name.clone());
            out.error.clone_from(error);
        }
        NotificationParams::NewMail { account_id, address, count } => {
            out.account_id = Some(account_id.clone());
            out.address = Some(address.clone());
            out.count = Some(*count);
        }
        NotificationParams::DailySummary { channel_id, channel_name, day } => {
            out.channel_id = Some(channel_id.clone());
            out.channel_name = Some(channel_name.clone());
            out.day = Some(day.to_string());
        }
        NotificationParams::WebhookDisabled { webhook_id } => {
            out.webhook_id = Some(webhook_id.clone());
        }
    }
    out
}
