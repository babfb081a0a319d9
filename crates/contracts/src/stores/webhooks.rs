//! The webhook store: subscriptions by owner, the ordered outbox of each webhook, attempts.

use switchboard_domain::identity::User;
use switchboard_domain::webhooks::{
    Delivery, DeliveryAttempt, DeliveryId, DeliveryState, Webhook, WebhookId,
};
use switchboard_ports::{
    SealedSecret, SealedSecretStore, StoreError, UnitOfWork, UserStore, WebhookStore,
};

use super::{StoreHarness, at, user};

fn webhook(owner: &User, minutes: i64, enabled: bool) -> Webhook {
    Webhook {
        id: WebhookId::new(),
        owner_id: owner.id,
        url: "https://hooks.example.org/in".into(),
        events: vec!["mail_message.added".into(), "chat_channel.*".into()],
        enabled,
        description: format!("made at {minutes}"),
        secret_id: uuid::Uuid::now_v7(),
        failing_since: None,
        created_at: at(minutes),
        updated_at: at(minutes),
    }
}

fn delivery(webhook: &Webhook, event: &str) -> Delivery {
    Delivery {
        id: DeliveryId::new(),
        webhook_id: webhook.id,
        seq: 0,
        event_id: event.to_owned(),
        event_type: "mail_message.added".into(),
        payload: serde_json::json!({"id": event}),
        state: DeliveryState::Pending,
        attempts: 0,
        next_attempt_at: at(0),
        locked_until: None,
        created_at: at(0),
        delivered_at: None,
    }
}

/// Stores users and their webhooks, each webhook's sealed secret with it.
async fn insert<H: StoreHarness>(store: &H, users: Vec<User>, webhooks: Vec<Webhook>) {
    store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                for user in &users {
                    tx.insert_user(user).await?;
                }
                for webhook in &webhooks {
                    tx.put_sealed(&SealedSecret {
                        id: webhook.secret_id,
                        owner_id: Some(webhook.owner_id),
                        purpose: "webhook_secret".into(),
                        key_id: "k1".into(),
                        ciphertext: vec![1],
                    })
                    .await?;
                    tx.insert_webhook(webhook).await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
}

/// Webhooks are listed by owner oldest first, the enabled ones of several owners found,
/// changed, and deleted with their outbox and their sealed secret.
pub async fn webhooks_are_listed_by_owner_changed_and_deleted_with_their_secret<H: StoreHarness>(
    store: &H,
) {
    let (ada, bob) = (user("ada@example.org"), user("bob@example.org"));
    let (a2, a1, off, b1) = (
        webhook(&ada, 2, true),
        webhook(&ada, 1, true),
        webhook(&ada, 3, false),
        webhook(&bob, 1, true),
    );
    insert(
        store,
        vec![ada.clone(), bob.clone()],
        vec![a2.clone(), a1.clone(), off.clone(), b1.clone()],
    )
    .await;
    let (ada_id, bob_id) = (ada.id, bob.id);
    let mut changed = a1.clone();
    changed.enabled = false;
    changed.failing_since = Some(at(9));
    changed.events = vec!["*".into()];
    let (c, gone) = (changed.clone(), a2.clone());
    let (mine, enabled, found, deleted, again, secret, left) = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                let mine = tx.webhooks_of(ada_id).await?;
                let enabled = tx.enabled_webhooks_of(&[ada_id, bob_id]).await?;
                tx.update_webhook(&c).await?;
                let found = tx.webhook_for_update(c.id).await?;
                tx.insert_deliveries(&[delivery(&gone, "e1")]).await?;
                let deleted = tx.delete_webhook(gone.id).await?;
                let again = tx.delete_webhook(gone.id).await?;
                let secret = tx.sealed(gone.secret_id).await?;
                let left = tx.deliveries_of(gone.id, None, 10).await?;
                Ok::<_, StoreError>((mine, enabled, found, deleted, again, secret, left))
            })
        })
        .await
        .unwrap();
    assert_eq!(mine, vec![a1.clone(), a2.clone(), off]);
    assert_eq!(enabled, vec![a1, b1, a2.clone()]);
    assert_eq!(found, Some(changed));
    assert!(deleted && !again);
    assert_eq!(secret, None, "the signing secret goes with its webhook");
    assert!(left.is_empty());
    let missing =
        store.uow().transact(move |tx| Box::pin(async move { tx.update_webhook(&a2).await })).await;
    assert_eq!(missing, Err(StoreError::NotFound));
}

/// Deliveries take increasing `seq` in the order given; the head is a webhook's oldest
/// pending one, whatever the other webhooks hold; saving moves it on.
pub async fn the_outbox_keeps_order_and_its_head_is_the_oldest_pending<H: StoreHarness>(store: &H) {
    let ada = user("ada@example.org");
    let (one, two) = (webhook(&ada, 1, true), webhook(&ada, 2, true));
    insert(store, vec![ada], vec![one.clone(), two.clone()]).await;
    let batch = vec![
        delivery(&two, "e0"),
        delivery(&one, "e1"),
        delivery(&one, "e2"),
        delivery(&one, "e3"),
    ];
    let (stored, heads) = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                let stored = tx.insert_deliveries(&batch).await?;
                let mut heads = Vec::new();
                let first = tx.delivery_head(one.id).await?.ok_or(StoreError::NotFound)?;
                heads.push(first.event_id.clone());
                let delivered = Delivery {
                    state: DeliveryState::Delivered,
                    attempts: 1,
                    delivered_at: Some(at(5)),
                    ..first
                };
                tx.save_delivery(&delivered).await?;
                let second = tx.delivery_head(one.id).await?.ok_or(StoreError::NotFound)?;
                heads.push(second.event_id.clone());
                tx.save_delivery(&Delivery { state: DeliveryState::Dead, ..second }).await?;
                let third = tx.delivery_head(one.id).await?.ok_or(StoreError::NotFound)?;
                heads.push(third.event_id.clone());
                let again = tx.delivery(delivered.id).await?.ok_or(StoreError::NotFound)?;
                assert_eq!(again, delivered);
                let other = tx.delivery_head(two.id).await?.ok_or(StoreError::NotFound)?;
                heads.push(other.event_id);
                Ok::<_, StoreError>((stored, heads))
            })
        })
        .await
        .unwrap();
    let seqs: Vec<i64> = stored.iter().map(|d| d.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert_eq!(
        stored.iter().map(|d| d.event_id.as_str()).collect::<Vec<_>>(),
        ["e0", "e1", "e2", "e3"]
    );
    assert_eq!(heads, ["e1", "e2", "e3", "e0"]);
}

/// A webhook's deliveries page newest first by `seq`, each with its attempts newest first,
/// and never another webhook's.
pub async fn delivery_pages_run_newest_first_with_their_attempts<H: StoreHarness>(store: &H) {
    let ada = user("ada@example.org");
    let (one, two) = (webhook(&ada, 1, true), webhook(&ada, 2, true));
    insert(store, vec![ada], vec![one.clone(), two.clone()]).await;
    let batch: Vec<Delivery> =
        (0..5).map(|i| delivery(&one, &format!("e{i}"))).chain([delivery(&two, "x")]).collect();
    let (first, rest) = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                let stored = tx.insert_deliveries(&batch).await?;
                for (i, code) in [(4, 500), (4, 200), (0, 503)] {
                    tx.insert_delivery_attempt(&DeliveryAttempt {
                        delivery_id: stored[i].id,
                        attempted_at: at(i64::from(code)),
                        status_code: Some(code),
                        error: (code != 200).then(|| format!("HTTP {code}")),
                        latency_ms: 12,
                    })
                    .await?;
                }
                let first = tx.deliveries_of(one.id, None, 3).await?;
                let before = first.last().map(|r| r.delivery.seq);
                let rest = tx.deliveries_of(one.id, before, 3).await?;
                Ok::<_, StoreError>((first, rest))
            })
        })
        .await
        .unwrap();
    let ids = |page: &[switchboard_ports::DeliveryRecord]| {
        page.iter().map(|r| r.delivery.event_id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&first), ["e4", "e3", "e2"]);
    assert_eq!(ids(&rest), ["e1", "e0"]);
    let codes: Vec<Option<u16>> = first[0].attempts.iter().map(|a| a.status_code).collect();
    assert_eq!(codes, [Some(200), Some(500)]);
    assert_eq!(rest[1].attempts.len(), 1);
    assert_eq!(rest[1].attempts[0].error.as_deref(), Some("HTTP 503"));
}
