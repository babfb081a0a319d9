//! Mailbox authorizations in flight, links waiting for completion and sign-ins through a
//! provider account: each taken once, expired ones swept, a provider account recorded once.

use switchboard_domain::identity::User;
use switchboard_domain::mail::MailProvider;
use switchboard_ports::{
    MailLinkState, MailLinkStore, PendingMailLink, StoreError, UnitOfWork, UserStore,
};

use super::{StoreHarness, at, user};

async fn users<H: StoreHarness>(store: &H, emails: &[&str]) -> Vec<User> {
    let users: Vec<User> = emails.iter().map(|e| user(e)).collect();
    let stored = users.clone();
    store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                for u in &stored {
                    tx.insert_user(u).await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
    users
}

fn state(owner: &User, hash: u8, expires_minutes: i64) -> MailLinkState {
    MailLinkState {
        state_hash: vec![hash; 32],
        user_id: owner.id,
        binding_hash: vec![hash ^ 0xff; 32],
        provider: MailProvider::Microsoft,
        login_hint: "ada@contoso.example".into(),
        return_to: hash.is_multiple_of(2).then(|| "app://mail/linked".to_owned()),
        sealed_verifier: vec![1, 2, hash],
        key_id: "k1".into(),
        created_at: at(0),
        expires_at: at(expires_minutes),
    }
}

fn pending(owner: &User, hash: u8, expires_minutes: i64) -> PendingMailLink {
    PendingMailLink {
        code_hash: vec![hash; 32],
        user_id: owner.id,
        provider: MailProvider::Google,
        sealed: vec![9, 8, hash],
        key_id: "k2".into(),
        created_at: at(0),
        expires_at: at(expires_minutes),
    }
}

/// A link state is taken once (a second take finds nothing, so a replayed `state` fails);
/// storing one sweeps those expired by then and keeps those still valid.
pub async fn a_link_state_is_taken_once_and_expired_ones_are_swept<H: StoreHarness>(store: &H) {
    let ada = users(store, &["ada@example.org"]).await.remove(0);
    let (first, doomed, valid, late) =
        (state(&ada, 1, 10), state(&ada, 2, 10), state(&ada, 3, 40), state(&ada, 4, 60));
    let (a, d, v, l) = (first.clone(), doomed.clone(), valid.clone(), late.clone());
    let (taken, again, swept, kept, stored) = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                tx.insert_mail_link_state(&a, at(0)).await?;
                let taken = tx.take_mail_link_state(&a.state_hash).await?;
                let again = tx.take_mail_link_state(&a.state_hash).await?;
                tx.insert_mail_link_state(&d, at(0)).await?;
                tx.insert_mail_link_state(&v, at(0)).await?;
                // At minute 20, the one expiring at 10 is swept; the one at 40 stays.
                tx.insert_mail_link_state(&l, at(20)).await?;
                let swept = tx.take_mail_link_state(&d.state_hash).await?;
                let kept = tx.take_mail_link_state(&v.state_hash).await?;
                let stored = tx.take_mail_link_state(&l.state_hash).await?;
                Ok::<_, StoreError>((taken, again, swept, kept, stored))
            })
        })
        .await
        .unwrap();
    assert_eq!(taken, Some(first), "every field round-trips");
    assert_eq!(again, None, "taken once");
    assert_eq!(swept, None, "expired before the insert at minute 20");
    assert_eq!((kept, stored), (Some(valid), Some(late)));
}

/// A pending link is taken once, and storing one sweeps those expired by then.
pub async fn a_pending_link_is_taken_once_and_expired_ones_are_swept<H: StoreHarness>(store: &H) {
    let ada = users(store, &["ada@example.org"]).await.remove(0);
    let (first, doomed, valid, late) =
        (pending(&ada, 1, 10), pending(&ada, 2, 10), pending(&ada, 3, 40), pending(&ada, 4, 60));
    let (a, d, v, l) = (first.clone(), doomed.clone(), valid.clone(), late.clone());
    let (taken, again, swept, kept, stored) = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                tx.insert_pending_mail_link(&a, at(0)).await?;
                let taken = tx.take_pending_mail_link(&a.code_hash).await?;
                let again = tx.take_pending_mail_link(&a.code_hash).await?;
                tx.insert_pending_mail_link(&d, at(0)).await?;
                tx.insert_pending_mail_link(&v, at(0)).await?;
                tx.insert_pending_mail_link(&l, at(20)).await?;
                let swept = tx.take_pending_mail_link(&d.code_hash).await?;
                let kept = tx.take_pending_mail_link(&v.code_hash).await?;
                let stored = tx.take_pending_mail_link(&l.code_hash).await?;
                Ok::<_, StoreError>((taken, again, swept, kept, stored))
            })
        })
        .await
        .unwrap();
    assert_eq!(taken, Some(first), "every field round-trips");
    assert_eq!(again, None, "taken once");
    assert_eq!(swept, None, "expired before the insert at minute 20");
    assert_eq!((kept, stored), (Some(valid), Some(late)));
}

/// A provider account signs in as the user recorded for it; recording it again, even for
/// another user, is a conflict, while the same subject of another issuer is its own.
pub async fn an_external_login_is_recorded_once_per_issuer_and_subject<H: StoreHarness>(store: &H) {
    let found = users(store, &["ada@example.org", "bob@example.org"]).await;
    let (ada, bob) = (found[0].id, found[1].id);
    let record = |issuer: &'static str, user| {
        let uow = store.uow();
        async move {
            uow.transact(move |tx| {
                Box::pin(
                    async move { tx.insert_external_login(issuer, "tid/oid", user, at(1)).await },
                )
            })
            .await
        }
    };
    record("microsoft", ada).await.unwrap();
    let conflict = record("microsoft", bob).await;
    assert!(matches!(conflict, Err(StoreError::Conflict(_))), "{conflict:?}");
    record("google", bob).await.unwrap();
    let (microsoft, google, unknown) = store
        .uow()
        .read(move |tx| {
            Box::pin(async move {
                Ok::<_, StoreError>((
                    tx.external_login_user("microsoft", "tid/oid").await?,
                    tx.external_login_user("google", "tid/oid").await?,
                    tx.external_login_user("microsoft", "tid/other").await?,
                ))
            })
        })
        .await
        .unwrap();
    assert_eq!((microsoft, google, unknown), (Some(ada), Some(bob), None));
}
