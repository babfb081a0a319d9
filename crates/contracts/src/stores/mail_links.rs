//! Mailbox authorizations in flight, links waiting for completion and sign-ins through a
//! provider account: each taken once, expired ones swept, a provider account recorded once.

use std::future::Future;

use chrono::{DateTime, Utc};
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

/// What the link flows keep and take once: a started authorization or a pending link.
trait TakenOnce: Clone + PartialEq + std::fmt::Debug + Send + Sync + 'static {
    /// One of `owner`'s, keyed by `hash`, that expires at minute `expires`.
    fn of(owner: &User, hash: u8, expires: i64) -> Self;
    /// Its key (the hash of the state or of the code).
    fn key(&self) -> Vec<u8>;
    /// Stores it at `now`.
    fn insert<T: MailLinkStore>(
        self,
        tx: &mut T,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Takes the one with `key`.
    fn take<T: MailLinkStore>(
        tx: &mut T,
        key: Vec<u8>,
    ) -> impl Future<Output = Result<Option<Self>, StoreError>> + Send;
}

impl TakenOnce for MailLinkState {
    fn of(owner: &User, hash: u8, expires: i64) -> Self {
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
            expires_at: at(expires),
        }
    }

    fn key(&self) -> Vec<u8> {
        self.state_hash.clone()
    }

    async fn insert<T: MailLinkStore>(
        self,
        tx: &mut T,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        tx.insert_mail_link_state(&self, now).await
    }

    async fn take<T: MailLinkStore>(tx: &mut T, key: Vec<u8>) -> Result<Option<Self>, StoreError> {
        tx.take_mail_link_state(&key).await
    }
}

impl TakenOnce for PendingMailLink {
    fn of(owner: &User, hash: u8, expires: i64) -> Self {
        PendingMailLink {
            code_hash: vec![hash; 32],
            user_id: owner.id,
            provider: MailProvider::Google,
            sealed: vec![9, 8, hash],
            key_id: "k2".into(),
            created_at: at(0),
            expires_at: at(expires),
        }
    }

    fn key(&self) -> Vec<u8> {
        self.code_hash.clone()
    }

    async fn insert<T: MailLinkStore>(
        self,
        tx: &mut T,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        tx.insert_pending_mail_link(&self, now).await
    }

    async fn take<T: MailLinkStore>(tx: &mut T, key: Vec<u8>) -> Result<Option<Self>, StoreError> {
        tx.take_pending_mail_link(&key).await
    }
}

/// `S` is taken once (a second take finds nothing, so a replay fails); storing one sweeps
/// those expired by then and keeps those still valid.
async fn taken_once_and_swept<H: StoreHarness, S: TakenOnce>(store: &H) {
    let ada = users(store, &["ada@example.org"]).await.remove(0);
    let [first, doomed, valid, late] =
        [(1, 10), (2, 10), (3, 40), (4, 60)].map(|(hash, expires)| S::of(&ada, hash, expires));
    let (a, d, v, l) = (first.clone(), doomed.clone(), valid.clone(), late.clone());
    let (taken, again, swept, kept, stored) = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                let (a_key, d_key, v_key, l_key) = (a.key(), d.key(), v.key(), l.key());
                a.insert(tx, at(0)).await?;
                let taken = S::take(tx, a_key.clone()).await?;
                let again = S::take(tx, a_key).await?;
                d.insert(tx, at(0)).await?;
                v.insert(tx, at(0)).await?;
                // At minute 20, the one expiring at 10 is swept; the one at 40 stays.
                l.insert(tx, at(20)).await?;
                let swept = S::take(tx, d_key).await?;
                let kept = S::take(tx, v_key).await?;
                let stored = S::take(tx, l_key).await?;
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

/// A link state is taken once (a replayed `state` finds nothing); storing one sweeps those
/// expired by then.
pub async fn a_link_state_is_taken_once_and_expired_ones_are_swept<H: StoreHarness>(store: &H) {
    taken_once_and_swept::<H, MailLinkState>(store).await;
}

/// A pending link is taken once (a replayed code finds nothing); storing one sweeps those
/// expired by then.
pub async fn a_pending_link_is_taken_once_and_expired_ones_are_swept<H: StoreHarness>(store: &H) {
    taken_once_and_swept::<H, PendingMailLink>(store).await;
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
