//! A stored mailbox for the test binaries that look at the mail store's statements: a user
//! with a linked account, and the messages of a mailbox.

use chrono::{TimeZone, Utc};
use switchboard_domain::UserId;
use switchboard_domain::identity::{EmailAddress, Role, User};
use switchboard_domain::mail::{
    MailAccount, MailAccountId, MailAccountStatus, MailAddress, MailMessageId, MailProvider,
    MessageBody, StoredMessage, SyncProgress,
};
use switchboard_ports::{MailStore, UnitOfWork, UserStore};
use switchboard_postgres::PgUnitOfWork;

/// A user of `email` with one linked account, stored; the account's id and its owner's.
pub async fn linked_account(uow: &PgUnitOfWork, email: &str) -> (MailAccountId, UserId) {
    let created = Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).single().unwrap();
    let owner = User {
        id: UserId::new(),
        email: EmailAddress::parse(email).unwrap(),
        display_name: String::new(),
        role: Role::Member,
        disabled: false,
        password_hash: "$argon2id$x".into(),
        created_at: created,
    };
    let account = MailAccount {
        id: MailAccountId::new(),
        user_id: owner.id,
        provider: MailProvider::Microsoft,
        provider_account_id: "oid".into(),
        address: email.into(),
        display_name: "Ada".into(),
        status: MailAccountStatus::Active,
        progress: SyncProgress::default(),
        last_sync_at: None,
        last_error: None,
        created_at: created,
    };
    let (id, owner_id) = (account.id, owner.id);
    uow.transact(move |tx| {
        Box::pin(async move {
            tx.insert_user(&owner).await?;
            tx.save_mail_account(&account).await
        })
    })
    .await
    .unwrap();

    (id, owner_id)
}

/// The `i`th of a mailbox's messages, a minute apart, `kestrel` in one of a hundred.
pub fn message(account: MailAccountId, i: i64) -> StoredMessage {
    let received_at = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().unwrap()
        + chrono::Duration::minutes(i * 7_919 % 10_007);
    let word = if i % 100 == 7 { "kestrel" } else { "weekly" };
    // A body as long as a short mail's, so the table is as many pages as a mailbox's.
    let text = format!("the {word} report: {}", "figures of the week, ".repeat(30));
    StoredMessage {
        id: MailMessageId::new(),
        account_id: account,
        provider_id: format!("m{i}"),
        thread_key: format!("t{}", i / 3),
        folder_ids: Vec::new(),
        subject: format!("report {i}"),
        from: Some(MailAddress { name: None, address: "grace@example.org".into() }),
        to: Vec::new(),
        cc: Vec::new(),
        received_at,
        sent_at: None,
        unread: false,
        has_attachments: false,
        snippet: text.chars().take(120).collect(),
        internet_message_id: None,
        body: Some(MessageBody { text: Some(text), html: None }),
        attachments: Vec::new(),
    }
}
