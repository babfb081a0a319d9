//! The mail analytics' store: received counts per hour or bucket (and per folder), top
//! senders as the domain counts them, and the stored results kept, replaced and removed with
//! their account.

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_domain::UserId;
use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::mail::{
    MailAccountId, MailAddress, MailFolderId, MailMessageId, MessageQuery, StoredMessage,
};
use switchboard_domain::mail_stats::{SummarizedThread, ThreadSentence, TopSender};
use switchboard_ports::{
    MailAccountStats, MailStatsStore, MailStore, StoreError, StoredThreadSummary, ThreadVersion,
    UnitOfWork,
};

use super::mail::{linked, message, upsert};
use super::{StoreHarness, at};

fn sent(mut m: StoredMessage, name: Option<&str>, address: &str) -> StoredMessage {
    m.from = Some(MailAddress { name: name.map(str::to_owned), address: address.into() });
    m
}

async fn read<H: StoreHarness, T: Send + 'static>(
    store: &H,
    work: impl for<'t> FnOnce(
        &'t mut <H::Uow as UnitOfWork>::Tx,
    ) -> switchboard_ports::BoxFuture<'t, Result<T, StoreError>>
    + Send
    + 'static,
) -> T {
    store.uow().transact(work).await.unwrap()
}

/// A user's counts in `window` per bucket of `hours`: `(bucket start, messages)` in time order,
/// `None` when the account (or the folder) is not theirs.
async fn buckets_of<H: StoreHarness>(
    store: &H,
    owner: UserId,
    account: MailAccountId,
    folder: Option<MailFolderId>,
    window: TimeWindow,
    hours: i64,
) -> Option<Vec<(DateTime<Utc>, u64)>> {
    let bucket = TimeDelta::hours(hours);
    let found = read(store, move |tx| {
        Box::pin(
            async move { tx.mail_received_counts(owner, account, folder, window, bucket).await },
        )
    })
    .await?;
    let mut counts: Vec<_> =
        found.into_iter().filter(|h| h.posts > 0).map(|h| (h.hour, h.posts)).collect();
    counts.sort();
    Some(counts)
}

/// A user's hourly counts in `window`, as [`buckets_of`].
async fn hours_of<H: StoreHarness>(
    store: &H,
    owner: UserId,
    account: MailAccountId,
    folder: Option<MailFolderId>,
    window: TimeWindow,
) -> Option<Vec<(DateTime<Utc>, u64)>> {
    buckets_of(store, owner, account, folder, window, 1).await
}

/// Counts per hour (or per bucket of hours from the epoch) within the window, only the
/// folder's when asked; an hour starting before the window is left out, and another
/// account's mail never counts. Counts follow the messages: written again unchanged they
/// stay, moved between folders they move, removed they go. Another user's account, or a
/// folder of another account, answers nothing.
pub async fn received_counts_sum_by_bucket_and_folder<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let bob = linked(store, "bob@example.org").await;
    let (acc, me) = (ada.account.id, ada.owner.id);
    // at(0) is 12:00: 11:50, 12:05, 12:40 (work), 13:10 (work and inbox), 14:00.
    let mailbox = vec![
        message(acc, "m0", -10, &[ada.inbox]),
        message(acc, "m1", 5, &[ada.inbox]),
        message(acc, "m2", 40, &[ada.work]),
        message(acc, "m3", 70, &[ada.work, ada.inbox]),
        message(acc, "m4", 120, &[ada.inbox]),
        message(bob.account.id, "b1", 6, &[bob.inbox]),
    ];
    upsert(store, mailbox.clone()).await;
    let narrow = TimeWindow::new(at(5), at(120));
    let hours = hours_of(store, me, acc, None, narrow).await;
    assert_eq!(hours, Some(vec![(at(60), 1)]), "the 12:00 hour starts before the window");
    let window = TimeWindow::new(at(0), at(180));
    let all = Some(vec![(at(0), 2), (at(60), 1), (at(120), 1)]);
    assert_eq!(hours_of(store, me, acc, None, window).await, all);
    let in_work = Some(vec![(at(0), 1), (at(60), 1)]);
    assert_eq!(hours_of(store, me, acc, Some(ada.work), window).await, in_work);
    // Two-hour buckets from the epoch: 12:00 (12:05, 12:40, 13:10) and 14:00.
    let pairs = buckets_of(store, me, acc, None, window, 2).await;
    assert_eq!(pairs, Some(vec![(at(0), 3), (at(120), 1)]));
    let work_pairs = buckets_of(store, me, acc, Some(ada.work), window, 2).await;
    assert_eq!(work_pairs, Some(vec![(at(0), 2)]));
    let days = buckets_of(store, me, acc, None, TimeWindow::new(at(-720), at(720)), 24).await;
    assert_eq!(days, Some(vec![(at(-720), 5)]), "the day from midnight holds all five");

    upsert(store, mailbox).await;
    assert_eq!(hours_of(store, me, acc, None, window).await, all, "written again, unchanged");
    assert_eq!(hours_of(store, me, acc, Some(ada.work), window).await, in_work);

    // m2 moves from work to inbox; m3 is removed.
    upsert(store, vec![message(acc, "m2", 40, &[ada.inbox])]).await;
    let gone = vec!["m3".to_owned()];
    store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.remove_mail_messages(acc, &gone).await }))
        .await
        .unwrap();
    let after = Some(vec![(at(0), 2), (at(120), 1)]);
    assert_eq!(hours_of(store, me, acc, None, window).await, after);
    assert_eq!(hours_of(store, me, acc, Some(ada.work), window).await, Some(vec![]));
    let inbox = Some(vec![(at(0), 2), (at(120), 1)]);
    assert_eq!(hours_of(store, me, acc, Some(ada.inbox), window).await, inbox);

    let bob_id = bob.owner.id;
    assert_eq!(hours_of(store, bob_id, acc, None, window).await, None, "not bob's account");
    let foreign = hours_of(store, me, acc, Some(bob.inbox), window).await;
    assert_eq!(foreign, None, "bob's folder is not in ada's account");
    let theirs = Some(vec![(at(0), 1)]);
    assert_eq!(hours_of(store, bob_id, bob.account.id, None, window).await, theirs);
}

async fn version_of<H: StoreHarness>(
    store: &H,
    owner: UserId,
    account: MailAccountId,
) -> Option<u64> {
    read(store, move |tx| Box::pin(async move { tx.mail_version(owner, account).await })).await
}

/// The mail version moves with every write to the account's mail: a message stored, read or
/// unread, given another subject, received at another time, refiled or removed, a folder
/// removed. Reading leaves it, and so does another account's mail; another user has none for
/// the account.
pub async fn the_mail_version_moves_whenever_the_mail_changes<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let bob = linked(store, "bob@example.org").await;
    let (acc, me) = (ada.account.id, ada.owner.id);
    let mut seen = vec![version_of(store, me, acc).await.unwrap()];
    let mut moved = async |store: &H, why: &str| {
        let now = version_of(store, me, acc).await.unwrap();
        assert!(!seen.contains(&now), "{why}: {now} already seen in {seen:?}");
        seen.push(now);
    };

    upsert(store, vec![message(acc, "m1", 5, &[ada.inbox])]).await;
    moved(store, "stored").await;
    let before = version_of(store, me, acc).await;
    let window = TimeWindow::new(at(0), at(60));
    assert!(hours_of(store, me, acc, Some(ada.inbox), window).await.is_some());
    let page = MessageQuery::of(acc, 10);
    let listed =
        read(store, move |tx| Box::pin(async move { tx.mail_messages(me, &page).await })).await;
    assert_eq!(listed.messages.len(), 1);
    assert_eq!(version_of(store, me, acc).await, before, "read, not written");
    upsert(store, vec![message(bob.account.id, "b1", 5, &[bob.inbox])]).await;
    assert_eq!(version_of(store, me, acc).await, before, "another account's mail");

    let first = message(acc, "m1", 5, &[ada.inbox]);
    upsert(store, vec![StoredMessage { unread: !first.unread, ..first.clone() }]).await;
    moved(store, "marked read").await;
    upsert(store, vec![StoredMessage { subject: "Re: the plan".into(), ..first }]).await;
    moved(store, "another subject").await;
    upsert(store, vec![message(acc, "m1", 65, &[ada.inbox])]).await;
    moved(store, "received at another time").await;
    upsert(store, vec![message(acc, "m1", 65, &[ada.work])]).await;
    moved(store, "refiled").await;
    upsert(store, vec![message(acc, "m2", 70, &[ada.work])]).await;
    moved(store, "another stored").await;
    let keep = vec!["inbox".to_owned()];
    read(store, move |tx| Box::pin(async move { tx.retain_mail_folders(acc, &keep).await })).await;
    moved(store, "a folder removed").await;
    let gone = vec!["m1".to_owned()];
    read(store, move |tx| Box::pin(async move { tx.remove_mail_messages(acc, &gone).await })).await;
    moved(store, "removed").await;

    assert_eq!(version_of(store, bob.owner.id, acc).await, None, "not bob's account");
    assert_eq!(version_of(store, me, MailAccountId::new()).await, None, "no such account");
}

/// Senders count by address ignoring case, busiest first, ties by address, with the name of
/// their latest named message; only the window's messages of the account count.
pub async fn top_senders_count_by_address_with_the_latest_name<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let acc = ada.account.id;
    let m = |id: &str, minutes| message(acc, id, minutes, &[ada.inbox]);
    upsert(
        store,
        vec![
            sent(m("g1", 1), Some("G. Hopper"), "grace@navy.example"),
            sent(m("g2", 2), Some("Grace Hopper"), "Grace@Navy.example"),
            sent(m("g3", 3), None, "grace@navy.example"),
            sent(m("a1", 4), None, "alan@bletchley.example"),
            sent(m("a2", 5), None, "alan@bletchley.example"),
            sent(m("z1", 6), Some("Zed"), "zed@example.org"),
            sent(m("z2", 7), Some("Zed"), "zed@example.org"),
            sent(m("old", -60), Some("Old"), "old@example.org"),
        ],
    )
    .await;
    let window = TimeWindow::new(at(0), at(60));
    let top =
        read(store, move |tx| Box::pin(async move { tx.mail_top_senders(acc, window, 10).await }))
            .await;
    let sender = |address: &str, name: &str, messages| TopSender {
        address: address.into(),
        name: name.into(),
        messages,
    };
    assert_eq!(
        top,
        [
            sender("grace@navy.example", "Grace Hopper", 3),
            sender("alan@bletchley.example", "", 2),
            sender("zed@example.org", "Zed", 2),
        ]
    );
    let one =
        read(store, move |tx| Box::pin(async move { tx.mail_top_senders(acc, window, 1).await }))
            .await;
    assert_eq!(one.len(), 1);
}

fn summary(fingerprint: u64, version: u64, text: &str) -> StoredThreadSummary {
    let summary = SummarizedThread {
        fingerprint,
        messages: 2,
        sentences: vec![ThreadSentence {
            text: text.into(),
            message_id: MailMessageId::new(),
            from: "Grace".into(),
            received_at: at(3),
        }],
    };
    StoredThreadSummary { summary, version: ThreadVersion(version) }
}

/// Stored top senders are replaced unless older, and read only by their account's owner;
/// summaries are replaced; both go with their account, and are dropped for an account that
/// does not exist.
pub async fn stored_results_are_replaced_and_go_with_their_account<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let bob = linked(store, "bob@example.org").await;
    let (acc, me) = (ada.account.id, ada.owner.id);
    let none_yet =
        read(store, move |tx| Box::pin(async move { tx.mail_account_stats(me, acc).await })).await;
    assert_eq!(none_yet, Some(None), "the account, without stats yet");
    let stats = move |end: i64, name: &str| MailAccountStats {
        account_id: acc,
        window_end: at(end),
        computed_at: at(end),
        top_senders: vec![TopSender { address: "g@x".into(), name: name.into(), messages: 2 }],
    };
    let (newer, older) = (stats(10, "newer"), stats(5, "older"));
    let (n, o) = (newer.clone(), older.clone());
    read(store, move |tx| {
        Box::pin(async move {
            tx.save_mail_account_stats(&n).await?;
            tx.save_mail_account_stats(&o).await
        })
    })
    .await;
    let kept =
        read(store, move |tx| Box::pin(async move { tx.mail_account_stats(me, acc).await })).await;
    assert_eq!(kept, Some(Some(newer)), "an older computation does not replace a newer one");
    let bobs = bob.owner.id;
    let theirs =
        read(store, move |tx| Box::pin(async move { tx.mail_account_stats(bobs, acc).await }))
            .await;
    assert_eq!(theirs, None, "not bob's account");

    // A summary (with a fingerprint and a version using all 64 bits) round trips and is
    // replaced.
    let (first, second) = (summary(u64::MAX - 1, u64::MAX - 2, "first"), summary(7, 8, "second"));
    let (f, s) = (first.clone(), second.clone());
    let found = read(store, move |tx| {
        Box::pin(async move {
            tx.save_mail_thread_summary(acc, "t1", &f).await?;
            let once = tx.mail_thread_summary(acc, "t1").await?;
            tx.save_mail_thread_summary(acc, "t1", &s).await?;
            Ok((
                once,
                tx.mail_thread_summary(acc, "t1").await?,
                tx.mail_thread_summary(acc, "t2").await?,
            ))
        })
    })
    .await;
    assert_eq!(found, (Some(first), Some(second.clone()), None));

    // Deleting the account deletes them; saving for an unknown account stores nothing.
    let (owner, unknown) = (ada.owner.id, MailAccountId::new());
    let gone = read(store, move |tx| {
        Box::pin(async move {
            assert!(tx.delete_mail_account(owner, acc).await?);
            let orphan = MailAccountStats { account_id: unknown, ..stats(20, "x") };
            tx.save_mail_account_stats(&orphan).await?;
            tx.save_mail_thread_summary(unknown, "t1", &second).await?;
            Ok((
                tx.mail_account_stats(owner, acc).await?,
                tx.mail_thread_summary(acc, "t1").await?,
                tx.mail_account_stats(owner, unknown).await?,
                tx.mail_thread_summary(unknown, "t1").await?,
            ))
        })
    })
    .await;
    assert_eq!(gone, (None, None, None, None));
}
