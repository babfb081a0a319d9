//! A notification's parameters, and the English templates that render its message.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::NotificationKind;

/// Which kind of connection a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionKind {
    /// A chat source (Slack, Mattermost); its events' `model_name` is `chat_source`.
    ChatSource,
    /// A linked mailbox; its events' `model_name` is `mail_account`.
    MailAccount,
}

impl ConnectionKind {
    /// The `model_name` of the connection's events.
    pub fn event_model(self) -> &'static str {
        match self {
            Self::ChatSource => "chat_source",
            Self::MailAccount => "mail_account",
        }
    }

    /// The connection kind whose events have this `model_name`.
    pub fn from_event_model(model: &str) -> Option<Self> {
        [Self::ChatSource, Self::MailAccount].into_iter().find(|k| k.event_model() == model)
    }

    fn noun(self) -> &'static str {
        match self {
            Self::ChatSource => "chat source",
            Self::MailAccount => "mail account",
        }
    }
}

/// A chat source or mail account, as a notification names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// Chat source or mail account.
    pub kind: ConnectionKind,
    /// Its id.
    pub id: String,
    /// What the user knows it by: a mailbox's address, a chat source's provider and team.
    pub name: String,
}

impl Connection {
    fn describe(&self) -> String {
        format!("{} {}", self.kind.noun(), self.name)
    }
}

/// A notification's kind with its parameters. Stored as the kind's name and the parameters'
/// JSON object ([`NotificationParams::to_json`], [`NotificationParams::from_json`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NotificationParams {
    /// [`NotificationKind::ReauthRequired`].
    ReauthRequired {
        /// The connection to connect again.
        connection: Connection,
    },
    /// [`NotificationKind::FirstSync`].
    FirstSync {
        /// The connection synced.
        connection: Connection,
    },
    /// [`NotificationKind::SyncFailed`].
    SyncFailed {
        /// The connection whose sync failed.
        connection: Connection,
        /// Why, as the connection's last error shows it to its user, when known.
        error: Option<String>,
    },
    /// [`NotificationKind::NewMail`].
    NewMail {
        /// The mail account.
        account_id: String,
        /// Its address.
        address: String,
        /// New unread messages in its inbox.
        count: u64,
    },
    /// [`NotificationKind::DailySummary`].
    DailySummary {
        /// The channel.
        channel_id: String,
        /// Its name.
        channel_name: String,
        /// The UTC day whose posts started the summary.
        day: NaiveDate,
    },
    /// [`NotificationKind::WebhookDisabled`].
    WebhookDisabled {
        /// The webhook.
        webhook_id: String,
    },
}

/// Parameters that are not those of their kind.
#[derive(Debug, thiserror::Error)]
#[error("invalid {kind} notification parameters: {source}")]
pub struct InvalidParams {
    kind: NotificationKind,
    source: serde_json::Error,
}

impl NotificationParams {
    /// Its kind.
    pub fn kind(&self) -> NotificationKind {
        match self {
            Self::ReauthRequired { .. } => NotificationKind::ReauthRequired,
            Self::FirstSync { .. } => NotificationKind::FirstSync,
            Self::SyncFailed { .. } => NotificationKind::SyncFailed,
            Self::NewMail { .. } => NotificationKind::NewMail,
            Self::DailySummary { .. } => NotificationKind::DailySummary,
            Self::WebhookDisabled { .. } => NotificationKind::WebhookDisabled,
        }
    }

    /// The message, from the kind's English template.
    ///
    /// ```
    /// use switchboard_domain::notifications::NotificationParams;
    ///
    /// let one = NotificationParams::NewMail {
    ///     account_id: "a".into(), address: "ada@example.com".into(), count: 1,
    /// };
    /// assert_eq!(one.render(), "1 new message in the inbox of ada@example.com.");
    /// ```
    pub fn render(&self) -> String {
        match self {
            Self::ReauthRequired { connection } => format!(
                "Your {} needs to be connected again: the provider refused its access.",
                connection.describe()
            ),
            Self::FirstSync { connection } => {
                format!("Your {} finished its first sync.", connection.describe())
            }
            Self::SyncFailed { connection, error: Some(error) } if !error.is_empty() => {
                format!("Syncing your {} failed: {error}", connection.describe())
            }
            Self::SyncFailed { connection, .. } => {
                format!("Syncing your {} failed.", connection.describe())
            }
            Self::NewMail { address, count: 1, .. } => {
                format!("1 new message in the inbox of {address}.")
            }
            Self::NewMail { address, count, .. } => {
                format!("{count} new messages in the inbox of {address}.")
            }
            Self::DailySummary { channel_name, day, .. } => {
                format!("The summary of #{channel_name} for {day} is ready.")
            }
            Self::WebhookDisabled { webhook_id } => format!(
                "Your webhook {webhook_id} was disabled; it receives no deliveries until you \
                 enable it again."
            ),
        }
    }

    /// The parameters alone, as a JSON object (the kind is stored beside them).
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.remove("kind");
        }
        value
    }

    /// The parameters of `kind` from their JSON object.
    ///
    /// # Errors
    /// [`InvalidParams`] when `params` is not an object of `kind`'s parameters.
    pub fn from_json(
        kind: NotificationKind,
        params: serde_json::Value,
    ) -> Result<Self, InvalidParams> {
        let mut params = params;
        if let Some(object) = params.as_object_mut() {
            object.insert("kind".to_owned(), kind.as_str().into());
        }
        serde_json::from_value(params).map_err(|source| InvalidParams { kind, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox() -> Connection {
        Connection {
            kind: ConnectionKind::MailAccount,
            id: "m1".into(),
            name: "ada@example.com".into(),
        }
    }

    fn every_kind() -> Vec<NotificationParams> {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        vec![
            NotificationParams::ReauthRequired { connection: mailbox() },
            NotificationParams::FirstSync {
                connection: Connection {
                    kind: ConnectionKind::ChatSource,
                    id: "s1".into(),
                    name: "Slack Acme".into(),
                },
            },
            NotificationParams::SyncFailed { connection: mailbox(), error: Some("x".into()) },
            NotificationParams::NewMail {
                account_id: "m1".into(),
                address: "ada@example.com".into(),
                count: 3,
            },
            NotificationParams::DailySummary {
                channel_id: "c1".into(),
                channel_name: "general".into(),
                day,
            },
            NotificationParams::WebhookDisabled { webhook_id: "w1".into() },
        ]
    }

    #[test]
    fn every_kind_renders_its_template() {
        let messages: Vec<String> = every_kind().iter().map(NotificationParams::render).collect();
        assert_eq!(
            messages,
            [
                "Your mail account ada@example.com needs to be connected again: the provider \
                 refused its access.",
                "Your chat source Slack Acme finished its first sync.",
                "Syncing your mail account ada@example.com failed: x",
                "3 new messages in the inbox of ada@example.com.",
                "The summary of #general for 2026-12-07 is ready.",
                "Your webhook w1 was disabled; it receives no deliveries until you enable it \
                 again.",
            ]
        );
        let quiet = NotificationParams::SyncFailed { connection: mailbox(), error: None };
        assert_eq!(quiet.render(), "Syncing your mail account ada@example.com failed.");
    }

    #[test]
    fn params_round_trip_through_their_json_without_the_kind() {
        for params in every_kind() {
            let json = params.to_json();
            assert!(json.get("kind").is_none(), "{json}");
            let back = NotificationParams::from_json(params.kind(), json);
            assert_eq!(back.ok(), Some(params));
        }
    }

    #[test]
    fn params_of_another_kind_are_refused() {
        let json = serde_json::json!({"webhook_id": "w1"});
        assert!(NotificationParams::from_json(NotificationKind::NewMail, json.clone()).is_err());
        assert!(NotificationParams::from_json(NotificationKind::WebhookDisabled, json).is_ok());
    }
}
