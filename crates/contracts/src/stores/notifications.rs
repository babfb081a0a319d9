//! Notifications: the store (unique by dedupe key, paged newest first, read, deleted and
//! expired within their owner's), and the consumer that makes them from the event log, run
//! over each adapter: each kind made once, also by two consumers at once, opt-outs respected.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use switchboard_domain::chat_sources::{Channel, Source, SourceStatus};
use switchboard_domain::identity::User;
use switchboard_domain::mail::{MailAccount, MailAccountStatus, StoredMessage};
use switchboard_domain::notifications::{
    ConnectionKind, EVENT_MODEL, Notification, NotificationCursor, NotificationKind,
    NotificationMark, NotificationParams, NotificationQuery, ReadSelection,
};
use switchboard_domain::{NewEvent, UserId};
use switchboard_ports::{
    BoxFuture, ChatStore, EventQuery, EventReader, MailStore, NotificationStore, StoreError,
    SystemClock, Transaction, UnitOfWork, UserStore,
};
use switchboard_services::catch_up;
use switchboard_services::notifications::NotificationConsumer;

use super::mail::{linked, message};
use super::{StoreHarness, at, seeded, user};

async fn run<H: StoreHarness, T: Send + 'static>(
    store: &H,
    work: impl for<'t> FnOnce(
        &'t mut <H::Uow as UnitOfWork>::Tx,
    ) -> BoxFuture<'t, Result<T, StoreError>>
    + Send
    + 'static,
) -> T {
    store.uow().transact(work).await.unwrap()
}

async fn add_user<H: StoreHarness>(store: &H, email: &str) -> User {
    let u = user(email);
    let stored = u.clone();
    run(store, move |tx| Box::pin(async move { tx.insert_user(&stored).await })).await;
    u
}

fn webhook_off(user: UserId, n: i64) -> Notification {
    let params = NotificationParams::WebhookDisabled { webhook_id: format!("w{n}") };
    Notification::new(user, params, format!("key-{user}-{n}"), at(n))
}

async fn insert<H: StoreHarness>(store: &H, items: Vec<Notification>) -> Vec<Notification> {
    run(store, move |tx| Box::pin(async move { tx.insert_notifications(&items).await })).await
}

async fn page<H: StoreHarness>(
    store: &H,
    user: UserId,
    query: NotificationQuery,
) -> Vec<Notification> {
    run(store, move |tx| Box::pin(async move { tx.notifications(user, query).await })).await
}

fn query(unread_only: bool, after: Option<NotificationCursor>, limit: u32) -> NotificationQuery {
    NotificationQuery { unread_only, after, limit }
}

/// A notification is stored once per dedupe key, never for a user that does not exist;
/// pages run newest first without gaps or duplicates and hold only their user's.
pub async fn notifications_are_stored_once_per_key_and_paged_newest_first<H: StoreHarness>(
    store: &H,
) {
    let ada = add_user(store, "ada@example.org").await;
    let bob = add_user(store, "bob@example.org").await;
    let mine: Vec<Notification> = (0..5).map(|n| webhook_off(ada.id, n)).collect();
    let ghost = webhook_off(UserId::new(), 9);
    let mut batch = mine.clone();
    batch.push(webhook_off(bob.id, 0));
    batch.push(ghost);
    let stored = insert(store, batch).await;
    assert_eq!(stored.len(), 6, "a user that does not exist gets nothing");
    let mut twice = mine[0].clone();
    twice.id = switchboard_domain::notifications::NotificationId::new();
    assert!(insert(store, vec![twice]).await.is_empty(), "the same dedupe key is stored once");
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let got = page(store, ada.id, query(false, after, 2)).await;
        if got.is_empty() {
            break;
        }
        after = got.last().map(Notification::cursor);
        seen.extend(got);
    }
    let times: Vec<DateTime<Utc>> = seen.iter().map(|n| n.created_at).collect();
    assert_eq!(times, (0..5).rev().map(at).collect::<Vec<_>>(), "newest first, each once");
    assert!(seen.iter().all(|n| n.user_id == ada.id), "never another user's");
    assert_eq!(seen[0].params, mine[4].params, "parameters round-trip");
    assert_eq!(seen[0].message, mine[4].message);
    assert_eq!(page(store, bob.id, query(false, None, 10)).await.len(), 1);
}

/// Read marks and deletion reach only the owner's notifications; `up_to` marks a place and
/// everything older; unread pages leave read ones out.
pub async fn reading_and_deleting_stay_with_their_owner<H: StoreHarness>(store: &H) {
    let ada = add_user(store, "ada@example.org").await;
    let bob = add_user(store, "bob@example.org").await;
    let mine = insert(store, (0..4).map(|n| webhook_off(ada.id, n)).collect()).await;
    let theirs = insert(store, vec![webhook_off(bob.id, 0)]).await;
    let (a, b) = (ada.id, bob.id);
    let ids = vec![mine[3].id, theirs[0].id];
    let marked = run(store, move |tx| {
        Box::pin(
            async move { tx.mark_notifications_read(a, &ReadSelection::Ids(ids), at(10)).await },
        )
    })
    .await;
    assert_eq!(marked, vec![mine[3].id], "another user's id is ignored");
    let unread = page(store, a, query(true, None, 10)).await;
    assert_eq!(unread.len(), 3);
    assert!(unread.iter().all(|n| n.read_at.is_none()));
    let up_to = ReadSelection::UpTo(mine[1].cursor());
    let marked = run(store, move |tx| {
        Box::pin(async move { tx.mark_notifications_read(a, &up_to, at(11)).await })
    })
    .await;
    let mut expected = vec![mine[0].id, mine[1].id];
    expected.sort();
    assert_eq!(marked, expected, "that one and everything older, once");
    let unread = page(store, a, query(true, None, 10)).await;
    assert_eq!(unread.iter().map(|n| n.id).collect::<Vec<_>>(), vec![mine[2].id]);
    let read = page(store, a, query(false, None, 10)).await;
    assert_eq!(read.iter().find(|n| n.id == mine[3].id).and_then(|n| n.read_at), Some(at(10)));
    let bobs_unread = page(store, b, query(true, None, 10)).await;
    assert_eq!(bobs_unread.len(), 1, "bob's stays unread");
    let (target, other) = (mine[2].id, theirs[0].id);
    let outcome = run(store, move |tx| {
        Box::pin(async move {
            Ok((
                tx.delete_notification(b, target).await?,
                tx.notification(b, target).await?.is_some(),
                tx.delete_notification(a, target).await?,
                tx.delete_notification(a, target).await?,
                tx.notification(a, other).await?.is_some(),
            ))
        })
    })
    .await;
    assert_eq!(outcome, (false, false, true, false, false));
    assert_eq!(page(store, a, query(false, None, 10)).await.len(), 3);
}

/// Expiry deletes what is older than its limit, oldest first and at most a batch, with the
/// marks that do not last; marks are set once; opt-outs are kept per user and kind.
pub async fn expiry_marks_and_opt_outs<H: StoreHarness>(store: &H) {
    let ada = add_user(store, "ada@example.org").await;
    let a = ada.id;
    insert(store, (0..5).map(|n| webhook_off(a, n)).collect()).await;
    let mark = |key: &str, minutes: i64, lasting: bool| NotificationMark {
        key: key.into(),
        user_id: a,
        created_at: at(minutes),
        lasting,
    };
    let (old, first, young) =
        (mark("old", 0, false), mark("first", 0, true), mark("young", 9, false));
    let ghost = NotificationMark { user_id: UserId::new(), ..mark("ghost", 0, false) };
    let set = run(store, move |tx| {
        Box::pin(async move {
            Ok(vec![
                tx.set_notification_mark(&old).await?,
                tx.set_notification_mark(&first).await?,
                tx.set_notification_mark(&young).await?,
                tx.set_notification_mark(&old).await?,
                tx.set_notification_mark(&ghost).await?,
            ])
        })
    })
    .await;
    assert_eq!(set, [true, true, true, false, false]);
    let gone =
        run(store, move |tx| Box::pin(async move { tx.expire_notifications(at(3), 2).await }))
            .await;
    assert_eq!(gone.len(), 2, "a batch at most");
    let gone =
        run(store, move |tx| Box::pin(async move { tx.expire_notifications(at(3), 2).await }))
            .await;
    assert_eq!(gone.len(), 1);
    let left = page(store, a, query(false, None, 10)).await;
    assert_eq!(left.iter().map(|n| n.created_at).collect::<Vec<_>>(), vec![at(4), at(3)]);
    let marks = run(store, move |tx| {
        Box::pin(async move {
            Ok((
                tx.notification_mark("old").await?,
                tx.notification_mark("first").await?,
                tx.notification_mark("young").await?,
                tx.clear_notification_mark("young").await?,
                tx.notification_mark("young").await?,
            ))
        })
    })
    .await;
    assert_eq!(marks, (false, true, true, true, false), "lasting marks outlive the retention");
    let outs = run(store, move |tx| {
        Box::pin(async move {
            let changed = vec![
                tx.set_notification_opt_out(a, NotificationKind::NewMail, true).await?,
                tx.set_notification_opt_out(a, NotificationKind::NewMail, true).await?,
                tx.set_notification_opt_out(a, NotificationKind::FirstSync, true).await?,
                tx.set_notification_opt_out(a, NotificationKind::FirstSync, false).await?,
                tx.set_notification_opt_out(a, NotificationKind::SyncFailed, false).await?,
            ];
            Ok((changed, tx.notification_opt_outs(a).await?))
        })
    })
    .await;
    assert_eq!(outs, (vec![true, false, true, true, false], vec![NotificationKind::NewMail]));
}

// The consumer, over the adapter's stores.

async fn consume<H: StoreHarness>(store: &H) -> usize {
    let consumer = Arc::new(NotificationConsumer::new(SystemClock));
    catch_up(&store.uow(), consumer, 16).await.unwrap()
}

async fn kinds<H: StoreHarness>(store: &H, user: UserId) -> BTreeMap<NotificationKind, usize> {
    let mut counts = BTreeMap::new();
    for n in page(store, user, query(false, None, 100)).await {
        *counts.entry(n.kind()).or_default() += 1;
    }
    counts
}

/// Changes a mail account's status as the mail service does: saved, with its event.
async fn mail_status<H: StoreHarness>(store: &H, account: &MailAccount, status: MailAccountStatus) {
    let id = account.id;
    run(store, move |tx| {
        Box::pin(async move {
            let Some(mut a) = tx.mail_account_by_id(id).await? else { return Ok(()) };
            let old = a.status;
            a.status = status;
            // As the mail service does: a failure and a refused grant keep their error.
            a.last_error =
                matches!(status, MailAccountStatus::Error | MailAccountStatus::ReauthRequired)
                    .then(|| "the provider answered 500".into());
            tx.save_mail_account(&a).await?;
            let event = NewEvent::changed(
                "mail_account",
                id.to_string(),
                "status",
                old.as_str(),
                status.as_str(),
            )
            .owned_by(Some(a.user_id));
            tx.append_events(vec![event]).await
        })
    })
    .await;
}

/// Changes a chat source's status as the chat service does.
async fn source_status<H: StoreHarness>(store: &H, source: &Source, status: SourceStatus) {
    let id = source.id;
    run(store, move |tx| {
        Box::pin(async move {
            let Some(mut s) = tx.chat_source(id).await? else { return Ok(()) };
            let old = s.status;
            s.status = status;
            tx.update_chat_source(&s).await?;
            let event = NewEvent::changed(
                "chat_source",
                id.to_string(),
                "status",
                old.as_str(),
                status.as_str(),
            )
            .owned_by(Some(s.owner_id));
            tx.append_events(vec![event]).await
        })
    })
    .await;
}

/// Stores messages as a sync page does: upserted, each with its `added` event.
async fn arrive<H: StoreHarness>(store: &H, owner: UserId, messages: Vec<StoredMessage>) {
    run(store, move |tx| {
        Box::pin(async move {
            tx.upsert_mail_messages(&messages).await?;
            let events = messages.iter().map(|m| {
                NewEvent::added(
                    StoredMessage::EVENT_MODEL,
                    m.id.to_string(),
                    serde_json::to_value(m).unwrap_or_default(),
                )
                .owned_by(Some(owner))
            });
            tx.append_events(events.collect()).await
        })
    })
    .await;
}

/// Posts written to a channel, as an ingest page records them.
async fn posted<H: StoreHarness>(store: &H, channel: &Channel) {
    let event = NewEvent::changed(
        Channel::EVENT_MODEL,
        channel.id.to_string(),
        Channel::POSTS_ATTRIBUTE,
        serde_json::Value::Null,
        3,
    )
    .owned_by(Some(channel.owner_id));
    run(store, move |tx| Box::pin(async move { tx.append_events(vec![event]).await })).await;
}

async fn webhook_disabled<H: StoreHarness>(store: &H, owner: UserId, webhook: &str) {
    let event = NewEvent::changed("webhook", webhook, "enabled", true, false).owned_by(Some(owner));
    run(store, move |tx| Box::pin(async move { tx.append_events(vec![event]).await })).await;
}

/// Each kind is made once from what the stores record: a first sync once in a connection's
/// life, a failure once until it recovers, new inbox mail after the first sync as one counted
/// notification (read mail and other folders left out), a channel's summary once a day after
/// its source's first sync, a disabled webhook from its event alone. Running the consumer
/// again makes nothing; each notification has its `added` event.
pub async fn the_consumer_makes_each_kind_once<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let (owner, account) = (ada.owner.id, ada.account.clone());
    // Mail stored by the first sync is not new mail.
    arrive(store, owner, vec![message(account.id, "old", 1, &[ada.inbox])]).await;
    mail_status(store, &account, MailAccountStatus::Syncing).await;
    mail_status(store, &account, MailAccountStatus::Active).await;
    mail_status(store, &account, MailAccountStatus::Syncing).await;
    mail_status(store, &account, MailAccountStatus::Active).await;
    let mut read = message(account.id, "r", 3, &[ada.inbox]);
    read.unread = false;
    let new = vec![
        message(account.id, "n1", 2, &[ada.inbox]),
        message(account.id, "n2", 2, &[ada.inbox, ada.work]),
        message(account.id, "n3", 2, &[ada.inbox]),
        message(account.id, "w", 2, &[ada.work]),
        read,
    ];
    arrive(store, owner, new).await;
    for _ in 0..2 {
        mail_status(store, &account, MailAccountStatus::Syncing).await;
        mail_status(store, &account, MailAccountStatus::Error).await;
    }
    mail_status(store, &account, MailAccountStatus::ReauthRequired).await;
    // A chat source of another user: its first sync, then a channel's posts twice a day.
    let chat = seeded(&store.uow(), "grace@example.org").await;
    posted(store, &chat.channel).await;
    source_status(store, &chat.source, SourceStatus::Syncing).await;
    source_status(store, &chat.source, SourceStatus::Active).await;
    posted(store, &chat.channel).await;
    posted(store, &chat.channel).await;
    webhook_disabled(store, owner, "w1").await;
    consume(store).await;
    let expected = BTreeMap::from([
        (NotificationKind::FirstSync, 1),
        (NotificationKind::NewMail, 1),
        (NotificationKind::SyncFailed, 1),
        (NotificationKind::ReauthRequired, 1),
        (NotificationKind::WebhookDisabled, 1),
    ]);
    assert_eq!(kinds(store, owner).await, expected);
    let grace =
        BTreeMap::from([(NotificationKind::FirstSync, 1), (NotificationKind::DailySummary, 1)]);
    assert_eq!(kinds(store, chat.owner.id).await, grace);
    let listed = page(store, owner, query(false, None, 100)).await;
    let mail = listed.iter().find(|n| n.kind() == NotificationKind::NewMail);
    assert_eq!(
        mail.map(|n| n.message.as_str()),
        Some("3 new messages in the inbox of ada@example.org.")
    );
    let failed =
        listed.iter().find(|n| n.kind() == NotificationKind::SyncFailed).map(|n| &n.params);
    assert!(
        matches!(failed, Some(NotificationParams::SyncFailed { connection, error: Some(_) }) if connection.kind == ConnectionKind::MailAccount),
        "{failed:?}"
    );
    // Recovered, it fails again: told again. Linked again and synced: not a first sync.
    mail_status(store, &account, MailAccountStatus::Syncing).await;
    mail_status(store, &account, MailAccountStatus::Active).await;
    mail_status(store, &account, MailAccountStatus::Error).await;
    consume(store).await;
    consume(store).await;
    let counts = kinds(store, owner).await;
    assert_eq!(counts.get(&NotificationKind::SyncFailed), Some(&2));
    assert_eq!(counts.get(&NotificationKind::FirstSync), Some(&1));
    let added = store
        .events()
        .read(EventQuery {
            model_name: Some(EVENT_MODEL.into()),
            limit: 100,
            ..EventQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(added.len(), 8, "one `added` event per notification stored");
}

/// Two consumers running at once make each notification once.
pub async fn two_consumers_at_once_make_each_notification_once<H: StoreHarness>(store: &H) {
    let ada = add_user(store, "ada@example.org").await;
    for n in 0..40 {
        webhook_disabled(store, ada.id, &format!("w{n}")).await;
    }
    let (one, two) = (store.uow(), store.uow());
    let first = tokio::spawn(async move {
        catch_up(&one, Arc::new(NotificationConsumer::new(SystemClock)), 4).await
    });
    let second = tokio::spawn(async move {
        catch_up(&two, Arc::new(NotificationConsumer::new(SystemClock)), 4).await
    });
    let (a, b) = (first.await.unwrap().unwrap(), second.await.unwrap().unwrap());
    assert!(a + b >= 40, "every event read: {a} + {b}");
    let made = page(store, ada.id, query(false, None, 100)).await;
    assert_eq!(made.len(), 40);
    let mut hooks: Vec<String> = made
        .iter()
        .filter_map(|n| match &n.params {
            NotificationParams::WebhookDisabled { webhook_id } => Some(webhook_id.clone()),
            _ => None,
        })
        .collect();
    hooks.sort();
    hooks.dedup();
    assert_eq!(hooks.len(), 40, "each webhook once");
}

/// A kind the user opted out of is not made (for them only); opting in again makes the next.
pub async fn an_opted_out_kind_is_not_made<H: StoreHarness>(store: &H) {
    let ada = add_user(store, "ada@example.org").await;
    let bob = add_user(store, "bob@example.org").await;
    let a = ada.id;
    run(store, move |tx| {
        Box::pin(async move {
            tx.set_notification_opt_out(a, NotificationKind::WebhookDisabled, true).await
        })
    })
    .await;
    webhook_disabled(store, ada.id, "w1").await;
    webhook_disabled(store, bob.id, "w2").await;
    consume(store).await;
    assert!(page(store, ada.id, query(false, None, 10)).await.is_empty());
    assert_eq!(page(store, bob.id, query(false, None, 10)).await.len(), 1);
    run(store, move |tx| {
        Box::pin(async move {
            tx.set_notification_opt_out(a, NotificationKind::WebhookDisabled, false).await
        })
    })
    .await;
    webhook_disabled(store, ada.id, "w3").await;
    consume(store).await;
    let made = page(store, ada.id, query(false, None, 10)).await;
    assert_eq!(made.len(), 1);
    assert!(
        matches!(&made[0].params, NotificationParams::WebhookDisabled { webhook_id } if webhook_id == "w3")
    );
}
