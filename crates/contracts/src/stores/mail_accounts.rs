//! The mail store's accounts and folders: deletion with everything the account holds, the
//! accounts due for a sync, folder trees, sync cursors and folders the provider dropped.

use switchboard_domain::UserId;
use switchboard_domain::mail::{
    MailAccount, MailAccountId, MailAccountStatus, MailFolder, MailFolderId,
};
use switchboard_ports::{
    MailStore, SealedSecret, SealedSecretStore, StoreError, UnitOfWork, UserStore,
};

use super::mail::{account, folder, linked, message, upsert};
use super::{StoreHarness, at, user};

fn sealed(id: uuid::Uuid, purpose: &str) -> SealedSecret {
    SealedSecret {
        id,
        owner_id: None,
        purpose: purpose.into(),
        key_id: "k1".into(),
        ciphertext: vec![7, 7, 7],
    }
}

async fn delete<H: StoreHarness>(store: &H, user: UserId, account: MailAccountId) -> bool {
    let deleted = store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.delete_mail_account(user, account).await }))
        .await;
    deleted.unwrap()
}

/// Deleting an account removes its folders, messages and sealed tokens, and only when its
/// owner asks; another user's attempt changes nothing, and other accounts keep theirs.
pub async fn deleting_an_account_removes_its_folders_messages_and_tokens<H: StoreHarness>(
    store: &H,
) {
    let ada = linked(store, "ada@example.org").await;
    let bob = linked(store, "bob@example.org").await;
    let (acc, bobs) = (ada.account.id, bob.account.id);
    upsert(store, vec![message(acc, "m1", 1, &[ada.inbox]), message(acc, "m2", 2, &[])]).await;
    upsert(store, vec![message(bobs, "m1", 1, &[bob.inbox])]).await;
    let other_secret = uuid::Uuid::now_v7();
    let secrets = [
        sealed(acc.as_uuid(), "mail_tokens"),
        sealed(bobs.as_uuid(), "mail_tokens"),
        sealed(other_secret, "chat_token"),
    ];
    store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                for secret in &secrets {
                    tx.put_sealed(secret).await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
    assert!(!delete(store, bob.owner.id, acc).await, "not bob's to delete");
    let ada_id = ada.owner.id;
    let kept = store
        .uow()
        .read(move |tx| Box::pin(async move { tx.mail_account(ada_id, acc).await }))
        .await
        .unwrap();
    assert!(kept.is_some(), "bob's attempt deleted nothing");

    assert!(delete(store, ada.owner.id, acc).await);
    assert!(!delete(store, ada.owner.id, acc).await, "already gone");
    let (account, folders, count, secret, bobs_count, bobs_secret, other) = store
        .uow()
        .read(move |tx| {
            Box::pin(async move {
                Ok::<_, StoreError>((
                    tx.mail_account_by_id(acc).await?,
                    tx.mail_folders(acc).await?,
                    tx.count_mail_messages(acc).await?,
                    tx.sealed(acc.as_uuid()).await?,
                    tx.count_mail_messages(bobs).await?,
                    tx.sealed(bobs.as_uuid()).await?,
                    tx.sealed(other_secret).await?,
                ))
            })
        })
        .await
        .unwrap();
    assert_eq!((account, folders, count, secret), (None, Vec::new(), 0, None));
    assert_eq!(bobs_count, 1, "another account keeps its messages");
    assert!(bobs_secret.is_some() && other.is_some(), "other secrets are kept");
}

/// Accounts due for a sync skip dead grants, never-synced ones first, then the oldest sync;
/// one account is found by id alone, and locked, for jobs.
pub async fn accounts_to_sync_skip_dead_grants_oldest_sync_first<H: StoreHarness>(store: &H) {
    let owner = user("ada@example.org");
    let at_minute = |key: &str, minutes: Option<i64>, status: MailAccountStatus| MailAccount {
        status,
        last_sync_at: minutes.map(at),
        ..account(&owner, key)
    };
    let recent = at_minute("recent", Some(5), MailAccountStatus::Active);
    let dead = at_minute("dead", None, MailAccountStatus::ReauthRequired);
    let old = at_minute("old", Some(1), MailAccountStatus::Error);
    let never = at_minute("never", None, MailAccountStatus::Syncing);
    let accounts = vec![recent.clone(), dead, old.clone(), never.clone()];
    let o = owner.clone();
    store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                tx.insert_user(&o).await?;
                for a in &accounts {
                    tx.save_mail_account(a).await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
    let (all, two, by_id, locked, unknown) = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                Ok::<_, StoreError>((
                    tx.mail_accounts_to_sync(10).await?,
                    tx.mail_accounts_to_sync(2).await?,
                    tx.mail_account_by_id(old.id).await?,
                    tx.lock_mail_account(old.id).await?,
                    tx.lock_mail_account(MailAccountId::new()).await?,
                ))
            })
        })
        .await
        .unwrap();
    assert_eq!(all, [never.id, old.id, recent.id]);
    assert_eq!(two, [never.id, old.id]);
    assert_eq!(by_id.map(|a| a.provider_account_id), Some("old".to_owned()));
    assert_eq!(locked.map(|a| a.status), Some(MailAccountStatus::Error));
    assert_eq!(unknown, None);
}

/// Folders list as a tree (parents before children, siblings by name); a sync cursor is kept
/// and cleared; folders the provider no longer lists go, with their links, and only this
/// account's.
pub async fn folders_list_as_a_tree_keep_cursors_and_retain_what_is_listed<H: StoreHarness>(
    store: &H,
) {
    let ada = linked(store, "ada@example.org").await;
    let bob = linked(store, "bob@example.org").await;
    let acc = ada.account.id;
    let under = |provider_id: &str, parent: MailFolderId| MailFolder {
        parent_id: Some(parent),
        ..folder(acc, provider_id, None)
    };
    let zz = under("zz", ada.inbox);
    let aa = under("aa", ada.inbox);
    let deep = under("deep", aa.id);
    let children = vec![zz, deep, aa];
    let message_id = upsert(store, vec![message(acc, "m1", 1, &[ada.inbox, ada.work])]).await[0];
    let inbox = ada.inbox;
    let tree = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                tx.upsert_mail_folders(&children).await?;
                tx.set_mail_folder_cursor(inbox, Some("delta-1")).await?;
                tx.mail_folders(acc).await
            })
        })
        .await
        .unwrap();
    let names: Vec<&str> = tree.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["inbox", "aa", "deep", "zz", "work"]);
    assert_eq!(tree[0].sync_cursor.as_deref(), Some("delta-1"));

    let keep = vec!["inbox".to_owned(), "aa".to_owned(), "elsewhere".to_owned()];
    let (retained, left, cleared, message, bobs) = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                let retained = tx.retain_mail_folders(acc, &keep).await?;
                let left = tx.mail_folders(acc).await?;
                tx.set_mail_folder_cursor(inbox, None).await?;
                let cleared = tx.mail_folders(acc).await?;
                let message = tx.mail_message(ada.owner.id, message_id).await?;
                let bobs = tx.mail_folders(bob.account.id).await?;
                Ok::<_, StoreError>((retained, left, cleared, message, bobs))
            })
        })
        .await
        .unwrap();
    assert_eq!(retained, 3, "work, zz and deep");
    let names: Vec<&str> = left.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["inbox", "aa"]);
    assert_eq!(cleared[0].sync_cursor, None);
    assert_eq!(message.map(|m| m.folder_ids), Some(vec![inbox]), "its link to work went");
    assert_eq!(bobs.len(), 2, "another account's folders are kept");
}
