//! Changes to a linked account that every use case shares: its status (with the event that
//! records it) and the events of its creation and deletion.

use switchboard_domain::NewEvent;
use switchboard_domain::mail::{MailAccount, MailAccountStatus};
use switchboard_ports::{MailStore, StoreError, Transaction};

/// The event log's name for mail accounts.
pub(super) const ACCOUNT_MODEL: &str = "mail_account";

/// Sets `account`'s status and last error, saves it, and records a `changed` event when the
/// status changed.
///
/// # Errors
/// [`StoreError`] from the store.
pub(super) async fn set_status<T: MailStore + Transaction>(
    tx: &mut T,
    account: &mut MailAccount,
    status: MailAccountStatus,
    error: Option<String>,
) -> Result<(), StoreError> {
    let old = account.status;
    account.status = status;
    account.last_error = error;
    tx.save_mail_account(account).await?;
    if old != status {
        let event = NewEvent::changed(
            ACCOUNT_MODEL,
            account.id.to_string(),
            "status",
            old.as_str(),
            status.as_str(),
        )
        .owned_by(Some(account.user_id));
        tx.append_events(vec![event]).await?;
    }
    Ok(())
}

/// The account as an event snapshot.
pub(super) fn snapshot(account: &MailAccount) -> serde_json::Value {
    serde_json::to_value(account).unwrap_or_default()
}
