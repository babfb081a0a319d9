//! The mail store's threads: summaries paged by latest activity, their filters, one thread's
//! messages in order, and nothing of another user's.

use std::collections::HashSet;

use switchboard_domain::identity::User;
use switchboard_domain::mail::{
    MailAccountId, MailAddress, MailFolderId, MessageBody, StoredMessage, ThreadPage, ThreadQuery,
    ThreadSummary,
};
use switchboard_ports::{MailStatsStore, MailStore, StoreError, ThreadVersion, UnitOfWork};

use super::mail::{account, folder, linked, message, upsert};
use super::{StoreHarness, at};

fn in_thread(
    account: MailAccountId,
    thread: &str,
    provider_id: &str,
    minutes: i64,
    folders: &[MailFolderId],
) -> StoredMessage {
    StoredMessage { thread_key: thread.into(), ..message(account, provider_id, minutes, folders) }
}

fn from(mut m: StoredMessage, name: Option<&str>, address: &str) -> StoredMessage {
    m.from = Some(MailAddress { name: name.map(str::to_owned), address: address.into() });
    m
}

async fn threads<H: StoreHarness>(store: &H, owner: &User, query: ThreadQuery) -> ThreadPage {
    let user = owner.id;
    let page = store
        .uow()
        .read(move |tx| Box::pin(async move { tx.mail_threads(user, &query).await }))
        .await;
    page.unwrap()
}

async fn keys<H: StoreHarness>(store: &H, owner: &User, query: ThreadQuery) -> Vec<String> {
    let page = threads(store, owner, query).await;
    page.threads.into_iter().map(|t| t.thread_key).collect()
}

/// The thread keys of up to `pages` pages from `query` on, through the cursor.
async fn pages_of<H: StoreHarness>(
    store: &H,
    owner: &User,
    query: ThreadQuery,
    pages: usize,
) -> Vec<String> {
    let (mut seen, mut next) = (Vec::new(), query);
    for _ in 0..pages {
        let page = threads(store, owner, next.clone()).await;
        seen.extend(page.threads.into_iter().map(|t| t.thread_key));
        match page.next {
            Some(after) => next.after = Some(after),
            None => break,
        }
    }
    seen
}

fn all(account: MailAccountId, limit: u32) -> ThreadQuery {
    ThreadQuery { account, folder: None, unread: None, after: None, limit }
}

/// Threads page newest activity first through their cursor, ties broken by key, with no
/// duplicate and no gap.
pub async fn threads_page_by_latest_activity_without_duplicates_or_gaps<H: StoreHarness>(
    store: &H,
) {
    let ada = linked(store, "ada@example.org").await;
    let acc = ada.account.id;
    // Threads k0..k6; pairs share their latest minute, and each has an older message.
    let messages: Vec<StoredMessage> = (0..7)
        .flat_map(|i| {
            let (key, latest) = (format!("k{i}"), i / 2 * 10);
            [
                in_thread(acc, &key, &format!("{key}-old"), latest - 5, &[ada.inbox]),
                in_thread(acc, &key, &format!("{key}-new"), latest, &[ada.inbox]),
            ]
        })
        .collect();
    upsert(store, messages).await;
    let mut seen: Vec<String> = Vec::new();
    let mut query = all(acc, 2);
    let mut pages = 0;
    loop {
        let page = threads(store, &ada.owner, query.clone()).await;
        pages += 1;
        assert!(page.threads.len() <= 2);
        assert!(page.threads.iter().all(|t| t.messages == 2), "every message of a thread counts");
        seen.extend(page.threads.into_iter().map(|t| t.thread_key));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ["k6", "k5", "k4", "k3", "k2", "k1", "k0"]);
    assert_eq!(pages, 4);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), 7, "no duplicates");
}

/// A thread's summary shows its latest message, its counts and its distinct senders (latest
/// first, ten at most); the folder and unread filters pick threads by any of their messages;
/// one thread reads oldest first, narrowed to an account; another user sees none of it.
pub async fn thread_summaries_filters_and_one_thread_stay_with_their_owner<H: StoreHarness>(
    store: &H,
) {
    let ada = linked(store, "ada@example.org").await;
    let bob = linked(store, "bob@example.org").await;
    let acc = ada.account.id;
    let (inbox, work) = (ada.inbox, ada.work);
    let read = |m: StoredMessage| StoredMessage { unread: false, ..m };
    let mut messages = vec![
        read(from(in_thread(acc, "conv", "c1", 1, &[inbox]), Some("Grace"), "grace@example.org")),
        from(in_thread(acc, "conv", "c2", 2, &[inbox]), Some("Grace H"), "GRACE@example.org"),
        read(from(in_thread(acc, "conv", "c3", 3, &[work]), None, "alan@example.org")),
        read(in_thread(acc, "quiet", "q1", 30, &[work])),
    ];
    messages.extend((0..12).map(|i| {
        let m = in_thread(acc, "crowd", &format!("s{i}"), 10 + i, &[inbox]);
        read(from(m, None, &format!("s{i}@example.org")))
    }));
    upsert(store, messages).await;
    // Another account of Ada's with a thread of the same key.
    let second = account(&ada.owner, "second");
    let other = in_thread(second.id, "conv", "x1", 0, &[]);
    let s = second.clone();
    store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.save_mail_account(&s).await }))
        .await
        .unwrap();
    upsert(store, vec![other]).await;

    let page = threads(store, &ada.owner, all(acc, 10)).await;
    let keys_of =
        |p: &ThreadPage| p.threads.iter().map(|t| t.thread_key.clone()).collect::<Vec<_>>();
    assert_eq!(keys_of(&page), ["quiet", "crowd", "conv"]);
    assert_eq!(page.next, None);
    let conv = ThreadSummary {
        account_id: acc,
        thread_key: "conv".into(),
        subject: "message c3".into(),
        snippet: "hello".into(),
        latest_at: at(3),
        messages: 3,
        unread: 1,
        senders: vec![
            MailAddress { name: None, address: "alan@example.org".into() },
            MailAddress { name: Some("Grace H".into()), address: "GRACE@example.org".into() },
        ],
    };
    assert_eq!(page.threads[2], conv);
    let crowd: Vec<&str> = page.threads[1].senders.iter().map(|s| s.address.as_str()).collect();
    let latest_ten: Vec<String> = (2..12).rev().map(|i| format!("s{i}@example.org")).collect();
    assert_eq!(crowd, latest_ten, "ten senders, latest first");
    assert_eq!((page.threads[1].messages, page.threads[1].unread), (12, 0));

    let cases = [
        (ThreadQuery { folder: Some(work), ..all(acc, 10) }, vec!["quiet", "conv"]),
        (ThreadQuery { folder: Some(inbox), ..all(acc, 10) }, vec!["crowd", "conv"]),
        (ThreadQuery { unread: Some(true), ..all(acc, 10) }, vec!["conv"]),
        (ThreadQuery { unread: Some(false), ..all(acc, 10) }, vec!["quiet", "crowd"]),
        (ThreadQuery { folder: Some(work), unread: Some(false), ..all(acc, 10) }, vec!["quiet"]),
    ];
    for (query, expected) in cases {
        assert_eq!(keys(store, &ada.owner, query.clone()).await, expected, "{query:?}");
    }
    assert!(keys(store, &bob.owner, all(acc, 10)).await.is_empty(), "not bob's account");

    let (a, b, second_id) = (ada.owner.id, bob.owner.id, second.id);
    let (in_account, everywhere, first_two, bobs, bobs_narrowed) = store
        .uow()
        .read(move |tx| {
            Box::pin(async move {
                Ok::<_, StoreError>((
                    tx.mail_thread(a, Some(acc), "conv", 10).await?,
                    tx.mail_thread(a, None, "conv", 10).await?,
                    tx.mail_thread(a, Some(acc), "conv", 2).await?,
                    tx.mail_thread(b, None, "conv", 10).await?,
                    tx.mail_thread(b, Some(second_id), "conv", 10).await?,
                ))
            })
        })
        .await
        .unwrap();
    let ids =
        |found: &[StoredMessage]| found.iter().map(|m| m.provider_id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&in_account), ["c1", "c2", "c3"]);
    assert_eq!(ids(&everywhere), ["x1", "c1", "c2", "c3"]);
    assert_eq!(ids(&first_two), ["c1", "c2"]);
    assert!(bobs.is_empty() && bobs_narrowed.is_empty(), "another user reads none of it");
}

/// A thread's summary follows its messages: written again unchanged it stays; read, its
/// unread count drops; its latest message removed, the one before is its latest; a message
/// The threads of a folder are those with any message in it, by their latest activity
/// (whichever folder that message is in), through the cursor, filtered by unread state:
/// whether the folder is small, counted large by its provider or holds thousands of messages
/// (the store may read each differently).
pub async fn a_folders_threads_are_the_same_whatever_its_size<H: StoreHarness>(store: &H) {
    const BULK: i64 = 2_001;
    let ada = linked(store, "ada@example.org").await;
    let acc = ada.account.id;
    let bulk_folder = folder(acc, "bulk", None);
    let bulk = store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.upsert_mail_folders(&[bulk_folder]).await }))
        .await
        .unwrap()[0]
        .id;
    // Threads w0..w11 began in "work"; their latest messages came to the inbox later, in
    // another order. Threads i0..i3 are in the inbox alone. Threads b0..b2000 are in "bulk";
    // every 400th has a later reply in the inbox.
    let mut messages: Vec<StoredMessage> = (0..12)
        .flat_map(|i| {
            let key = format!("w{i}");
            let first = StoredMessage {
                unread: i % 3 == 0,
                ..in_thread(acc, &key, &format!("{key}-a"), i, &[ada.work])
            };
            // Every fourth reply was filed in "work" too: two of the thread's messages there.
            let filed: &[MailFolderId] =
                if i % 4 == 0 { &[ada.inbox, ada.work] } else { &[ada.inbox] };
            let latest = 5_000 - i * 7 % 12 * 10;
            let reply = StoredMessage {
                unread: false,
                ..in_thread(acc, &key, &format!("{key}-b"), latest, filed)
            };
            [first, reply]
        })
        .collect();
    messages.extend(
        (0..4).map(|i| in_thread(acc, &format!("i{i}"), &format!("i{i}"), 4_990 + i, &[ada.inbox])),
    );
    messages.extend((0..BULK).flat_map(|i| {
        let key = format!("b{i:04}");
        let mut m =
            vec![StoredMessage { unread: false, ..in_thread(acc, &key, &key, 100 + i, &[bulk]) }];
        if i % 400 == 0 {
            m.push(in_thread(acc, &key, &format!("{key}-r"), 6_000 + i, &[ada.inbox]));
        }
        m
    }));
    upsert(store, messages.clone()).await;
    let expected = |folder: MailFolderId, unread: Option<bool>| {
        let mut latest: std::collections::HashMap<&str, (chrono::DateTime<chrono::Utc>, bool)> =
            std::collections::HashMap::new();
        for m in &messages {
            let entry = latest.entry(m.thread_key.as_str()).or_insert((m.received_at, false));
            entry.0 = entry.0.max(m.received_at);
            entry.1 |= m.unread;
        }
        let mut keys: Vec<(chrono::DateTime<chrono::Utc>, &str)> = latest
            .iter()
            .filter(|(key, (_, any_unread))| {
                messages.iter().any(|m| m.thread_key == **key && m.folder_ids.contains(&folder))
                    && unread.is_none_or(|u| *any_unread == u)
            })
            .map(|(key, (at, _))| (*at, *key))
            .collect();
        keys.sort_by(|a, b| b.cmp(a));
        keys.into_iter().map(|(_, key)| key.to_owned()).collect::<Vec<_>>()
    };
    let work = |unread| ThreadQuery { folder: Some(ada.work), unread, ..all(acc, 5) };
    for (when, counted) in [("counted small", 3), ("counted large", 1_000_000)] {
        let mut counted_folder = folder(acc, "work", None);
        counted_folder.total = Some(counted);
        store
            .uow()
            .transact(move |tx| {
                Box::pin(async move { tx.upsert_mail_folders(&[counted_folder]).await })
            })
            .await
            .unwrap();
        for unread in [None, Some(true), Some(false)] {
            let found = pages_of(store, &ada.owner, work(unread), 10).await;
            assert_eq!(found, expected(ada.work, unread), "{when}, unread {unread:?}");
        }
    }
    let bulk_query = ThreadQuery { folder: Some(bulk), ..all(acc, 4) };
    let mut wanted = expected(bulk, None);
    wanted.truncate(12);
    assert_eq!(
        pages_of(store, &ada.owner, bulk_query, 3).await,
        wanted,
        "a folder of {BULK} messages"
    );
}

/// moved to another thread counts there; its last message removed, it is gone.
pub async fn threads_follow_their_messages<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let acc = ada.account.id;
    let mailbox = vec![
        in_thread(acc, "a", "a1", 1, &[ada.inbox]),
        in_thread(acc, "a", "a2", 5, &[ada.inbox]),
        in_thread(acc, "b", "b1", 3, &[ada.work]),
    ];
    upsert(store, mailbox.clone()).await;
    let summary = |page: &ThreadPage| -> Vec<(String, i64, u32, u32)> {
        let minutes = |t: &ThreadSummary| (t.latest_at - at(0)).num_minutes();
        page.threads
            .iter()
            .map(|t| (t.thread_key.clone(), minutes(t), t.messages, t.unread))
            .collect()
    };
    let first = vec![("a".to_owned(), 5, 2, 2), ("b".to_owned(), 3, 1, 1)];
    assert_eq!(summary(&threads(store, &ada.owner, all(acc, 10)).await), first);
    upsert(store, mailbox).await;
    assert_eq!(
        summary(&threads(store, &ada.owner, all(acc, 10)).await),
        first,
        "written again, unchanged"
    );

    let read = StoredMessage { unread: false, ..in_thread(acc, "a", "a2", 5, &[ada.inbox]) };
    upsert(store, vec![read]).await;
    let unread = ThreadQuery { unread: Some(true), ..all(acc, 10) };
    assert_eq!(
        summary(&threads(store, &ada.owner, all(acc, 10)).await)[0],
        ("a".to_owned(), 5, 2, 1)
    );
    assert_eq!(keys(store, &ada.owner, unread.clone()).await, ["a", "b"]);

    remove(store, acc, &["a2"]).await;
    let page = threads(store, &ada.owner, all(acc, 10)).await;
    assert_eq!(summary(&page), [("b".to_owned(), 3, 1, 1), ("a".to_owned(), 1, 1, 1)]);
    assert_eq!(page.threads[1].subject, "message a1", "the latest is the one before");

    upsert(store, vec![in_thread(acc, "b", "a1", 1, &[ada.inbox])]).await;
    assert_eq!(
        summary(&threads(store, &ada.owner, all(acc, 10)).await),
        [("b".to_owned(), 3, 2, 2)],
        "a1 moved to b"
    );
    let in_inbox = ThreadQuery { folder: Some(ada.inbox), ..all(acc, 10) };
    assert_eq!(keys(store, &ada.owner, in_inbox).await, ["b"]);

    remove(store, acc, &["a1", "b1"]).await;
    assert!(
        threads(store, &ada.owner, all(acc, 10)).await.threads.is_empty(),
        "no message, no thread"
    );
    assert!(keys(store, &ada.owner, unread).await.is_empty());
}

/// Removes `account`'s messages of these provider ids.
async fn remove<H: StoreHarness>(store: &H, account: MailAccountId, ids: &[&str]) {
    let ids: Vec<String> = ids.iter().map(|&i| i.to_owned()).collect();
    store
        .uow()
        .transact(move |tx| {
            Box::pin(async move { tx.remove_mail_messages(account, &ids).await.map(|_| ()) })
        })
        .await
        .unwrap();
}

/// `owner`'s thread `key` (in `account` when given): its account and version.
async fn version_of<H: StoreHarness>(
    store: &H,
    owner: &User,
    account: Option<MailAccountId>,
    key: &'static str,
) -> Option<(MailAccountId, ThreadVersion)> {
    let user = owner.id;
    let found = store
        .uow()
        .read(move |tx| Box::pin(async move { tx.mail_thread_version(user, account, key).await }))
        .await;
    found.unwrap()
}

/// A thread's version changes with what a summary reads of its messages (a message added,
/// removed, moved in or out, a body or sender changed) and holds when they are written again
/// unchanged or only read; the account is the given one, else that of the latest message; no
/// one else finds it.
pub async fn thread_versions_change_with_what_summaries_read<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let acc = ada.account.id;
    let a1 = || in_thread(acc, "a", "a1", 1, &[ada.inbox]);
    let a2 = || in_thread(acc, "a", "a2", 5, &[ada.inbox]);
    upsert(store, vec![a1(), a2(), in_thread(acc, "b", "b1", 3, &[ada.work])]).await;
    let version = || version_of(store, &ada.owner, None, "a");
    let (found, first) = version().await.expect("ada's thread");
    assert_eq!(found, acc);

    upsert(store, vec![a1(), a2()]).await;
    assert_eq!(version().await, Some((acc, first)), "written again unchanged");
    upsert(store, vec![StoredMessage { unread: false, ..a2() }]).await;
    assert_eq!(version().await, Some((acc, first)), "read");

    let mut seen = HashSet::from([first]);
    let mut edited = a1();
    edited.body = Some(MessageBody { text: Some("another plain body".into()), html: None });
    let changes = [
        ("a body changed", vec![edited]),
        ("a sender's name", vec![from(a2(), Some("Grace H."), "grace@example.org")]),
        ("a message added", vec![in_thread(acc, "a", "a3", 7, &[ada.inbox])]),
        ("a message moved in", vec![in_thread(acc, "a", "b1", 3, &[ada.work])]),
    ];
    for (what, messages) in changes {
        upsert(store, messages).await;
        let (_, now) = version().await.expect("still a thread");
        assert!(seen.insert(now), "{what}: a version not seen before");
    }
    upsert(store, vec![in_thread(acc, "b", "b2", 2, &[ada.work])]).await;
    let b = version_of(store, &ada.owner, None, "b").await.expect("b2's thread");
    upsert(store, vec![in_thread(acc, "b", "a3", 7, &[ada.inbox])]).await;
    let (_, moved_out) = version().await.expect("a1, a2 and b1 are left");
    assert!(seen.insert(moved_out), "a message moved out");
    let b_now = version_of(store, &ada.owner, None, "b").await.expect("b2 and a3");
    assert_ne!(b_now, b, "and the thread it moved to");
    remove(store, acc, &["a2"]).await;
    let (_, removed) = version().await.expect("a1 and b1 are left");
    assert!(seen.insert(removed), "a message removed");

    // Another account of ada's with a newer message in a thread of the same key.
    let other = account(&ada.owner, "oid-ada-2");
    let newer = in_thread(other.id, "a", "x1", 60, &[]);
    let saved = other.clone();
    store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.save_mail_account(&saved).await }))
        .await
        .unwrap();
    upsert(store, vec![newer]).await;
    assert_eq!(version().await.map(|(a, _)| a), Some(other.id), "the latest message's account");
    assert_eq!(
        version_of(store, &ada.owner, Some(acc), "a").await,
        Some((acc, removed)),
        "the account asked for"
    );

    let grace = linked(store, "grace@example.org").await;
    assert_eq!(version_of(store, &grace.owner, None, "a").await, None, "not grace's");
    assert_eq!(version_of(store, &grace.owner, Some(acc), "a").await, None);
    assert_eq!(version_of(store, &ada.owner, None, "nothing").await, None);
    remove(store, acc, &["a1", "b1"]).await;
    assert_eq!(version_of(store, &ada.owner, Some(acc), "a").await, None, "emptied");
}
