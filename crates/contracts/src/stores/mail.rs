//! The mail store: linked accounts, folders, messages and their pages.

use std::collections::HashSet;

use switchboard_domain::identity::User;
use switchboard_domain::mail::{
    AttachmentMeta, FolderKind, FolderRole, MailAccount, MailAccountId, MailAccountStatus,
    MailAddress, MailFolder, MailFolderId, MailMessageId, MailProvider, MessageBody, MessagePage,
    MessageQuery, MessageSummary, StoredMessage, SyncProgress,
};
use switchboard_ports::{MailStore, StoreError, UnitOfWork, UserStore};

use super::{StoreHarness, at, user};

/// A Microsoft account of `owner`, not stored.
pub(super) fn account(owner: &User, provider_account_id: &str) -> MailAccount {
    MailAccount {
        id: MailAccountId::new(),
        user_id: owner.id,
        provider: MailProvider::Microsoft,
        provider_account_id: provider_account_id.into(),
        address: owner.email.as_str().into(),
        display_name: "Ada".into(),
        status: MailAccountStatus::Syncing,
        progress: SyncProgress { stored: 0, total: Some(10) },
        last_sync_at: None,
        last_error: None,
        created_at: at(0),
    }
}

pub(super) fn folder(
    account: MailAccountId,
    provider_id: &str,
    role: Option<FolderRole>,
) -> MailFolder {
    MailFolder {
        id: MailFolderId::new(),
        account_id: account,
        provider_id: provider_id.into(),
        parent_id: None,
        name: provider_id.into(),
        kind: if role.is_some() { FolderKind::System } else { FolderKind::Folder },
        role,
        total: Some(3),
        unread: Some(1),
        sync_cursor: None,
    }
}

/// A message received `minutes` after [`at`]`(0)`, in `folders`, with a plain body.
pub(super) fn message(
    account: MailAccountId,
    provider_id: &str,
    minutes: i64,
    folders: &[MailFolderId],
) -> StoredMessage {
    StoredMessage {
        attachments: Vec::new(),
        id: MailMessageId::new(),
        account_id: account,
        provider_id: provider_id.into(),
        thread_key: "t1".into(),
        folder_ids: folders.to_vec(),
        subject: format!("message {provider_id}"),
        from: Some(MailAddress { name: Some("Grace".into()), address: "grace@example.org".into() }),
        to: vec![MailAddress { name: None, address: "ada@example.org".into() }],
        cc: Vec::new(),
        received_at: at(minutes),
        sent_at: Some(at(minutes - 1)),
        unread: true,
        has_attachments: false,
        snippet: "hello".into(),
        internet_message_id: Some(format!("<{provider_id}@example.org>")),
        body: Some(MessageBody { text: Some("plain body".into()), html: None }),
    }
}

/// A user with a linked account and its folders `inbox` and `work`, all stored.
pub(super) struct Linked {
    pub(super) owner: User,
    pub(super) account: MailAccount,
    pub(super) inbox: MailFolderId,
    pub(super) work: MailFolderId,
}

pub(super) async fn linked<H: StoreHarness>(store: &H, email: &str) -> Linked {
    let owner = user(email);
    let account = account(&owner, &format!("oid-{email}"));
    let folders =
        [folder(account.id, "inbox", Some(FolderRole::Inbox)), folder(account.id, "work", None)];
    let (o, a) = (owner.clone(), account.clone());
    let stored = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                tx.insert_user(&o).await?;
                tx.save_mail_account(&a).await?;
                tx.upsert_mail_folders(&folders).await
            })
        })
        .await;
    let stored: Vec<MailFolder> = stored.unwrap();
    Linked { owner, account, inbox: stored[0].id, work: stored[1].id }
}

pub(super) async fn upsert<H: StoreHarness>(
    store: &H,
    messages: Vec<StoredMessage>,
) -> Vec<MailMessageId> {
    store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.upsert_mail_messages(&messages).await }))
        .await
        .unwrap()
}

pub(super) async fn page<H: StoreHarness>(
    store: &H,
    owner: &User,
    query: MessageQuery,
) -> MessagePage {
    let user = owner.id;
    store
        .uow()
        .read(move |tx| Box::pin(async move { tx.mail_messages(user, &query).await }))
        .await
        .unwrap()
}

pub(super) async fn ids_of<H: StoreHarness>(
    store: &H,
    owner: &User,
    query: MessageQuery,
) -> Vec<String> {
    let page = page(store, owner, query).await;
    full(store, owner, &page.messages).await.into_iter().map(|m| m.provider_id).collect()
}

/// The listed messages as stored in full, in the page's order.
pub(super) async fn full<H: StoreHarness>(
    store: &H,
    owner: &User,
    listed: &[MessageSummary],
) -> Vec<StoredMessage> {
    let (user, ids): (_, Vec<MailMessageId>) = (owner.id, listed.iter().map(|m| m.id).collect());
    store
        .uow()
        .read(move |tx| {
            Box::pin(async move {
                let mut found = Vec::with_capacity(ids.len());
                for id in ids {
                    found.push(
                        tx.mail_message(user, id).await?.expect("a listed message is stored"),
                    );
                }
                Ok::<_, StoreError>(found)
            })
        })
        .await
        .unwrap()
}

/// Linking the same provider account twice updates one account (keeping its id); another
/// user sees neither it nor its messages.
pub async fn linking_twice_updates_one_account_hidden_from_others<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let bob = linked(store, "bob@example.org").await;
    let mut again = account(&ada.owner, &ada.account.provider_account_id);
    again.status = MailAccountStatus::Active;
    again.progress = SyncProgress { stored: 10, total: Some(10) };
    again.last_sync_at = Some(at(5));
    let ids = upsert(store, vec![message(ada.account.id, "m1", 1, &[ada.inbox])]).await;
    let (a, b, relinked) = (ada.owner.id, bob.owner.id, again.clone());
    let (account_id, mine, theirs, other_message, own_message) = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                let id = tx.save_mail_account(&relinked).await?;
                let mine = tx.mail_accounts_of(a).await?;
                let theirs = tx.mail_account(b, id).await?;
                let other_message = tx.mail_message(b, ids[0]).await?;
                let own_message = tx.mail_message(a, ids[0]).await?;
                Ok::<_, StoreError>((id, mine, theirs, other_message, own_message))
            })
        })
        .await
        .unwrap();
    assert_eq!(account_id, ada.account.id, "the first link's id is kept");
    let expected = MailAccount { id: ada.account.id, ..again };
    assert_eq!(mine, [expected]);
    assert_eq!(theirs, None);
    assert_eq!(other_message, None);
    let own = own_message.unwrap();
    assert_eq!((own.provider_id.as_str(), own.folder_ids), ("m1", vec![ada.inbox]));
    let bobs_view = ids_of(store, &bob.owner, MessageQuery::of(ada.account.id, 10)).await;
    assert!(bobs_view.is_empty(), "another user's account lists nothing");
}

/// Upserting the same messages twice stores them once, keeping their ids and bodies while
/// updating read state and folders; removal takes only the ids named.
pub async fn upserts_are_idempotent_and_removal_is_by_provider_id<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let acc = ada.account.id;
    let first =
        upsert(store, vec![message(acc, "m1", 1, &[ada.inbox]), message(acc, "m2", 2, &[])]).await;
    let mut read = message(acc, "m1", 1, &[ada.work, ada.inbox]);
    read.unread = false;
    read.body = None;
    let again = upsert(store, vec![read, message(acc, "m2", 2, &[])]).await;
    assert_eq!(first, again, "the same messages keep their ids");
    let listed = page(store, &ada.owner, MessageQuery::of(acc, 10)).await.messages;
    let all = full(store, &ada.owner, &listed).await;
    assert_eq!(all.len(), 2, "stored once");
    let m1 = all.iter().find(|m| m.provider_id == "m1").unwrap();
    assert!(!m1.unread, "read state updated");
    let folders: HashSet<MailFolderId> = m1.folder_ids.iter().copied().collect();
    assert_eq!(folders, HashSet::from([ada.inbox, ada.work]));
    assert_eq!(m1.body.as_ref().and_then(|b| b.text.as_deref()), Some("plain body"));

    let gone = vec!["m1".to_owned(), "elsewhere".to_owned()];
    let removed = store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.remove_mail_messages(acc, &gone).await }))
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert_eq!(ids_of(store, &ada.owner, MessageQuery::of(acc, 10)).await, ["m2"]);
    let in_inbox = MessageQuery { folder: Some(ada.inbox), ..MessageQuery::of(acc, 10) };
    assert!(ids_of(store, &ada.owner, in_inbox).await.is_empty(), "its links went with it");
}

/// A batch larger than one statement holds is stored whole, and a message listed twice in
/// one batch is stored once, as listed last.
pub async fn a_large_batch_with_a_message_listed_twice_is_stored_once<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let acc = ada.account.id;
    let mut batch: Vec<StoredMessage> =
        (0..4_500).map(|i| message(acc, &format!("m{i}"), i, &[ada.inbox])).collect();
    let mut read = message(acc, "m7", 7, &[ada.work]);
    read.unread = false;
    batch.push(read);
    let ids = upsert(store, batch).await;
    assert_eq!(ids.len(), 4_501, "one id per message given");
    assert_eq!(ids[7], ids[4_500], "both listings name one stored message");
    let page = page(store, &ada.owner, MessageQuery::of(acc, 5_000)).await;
    assert_eq!(page.messages.len(), 4_500);
    let m7 = page.messages.iter().find(|m| m.subject == "message m7").unwrap();
    assert_eq!((m7.unread, m7.folder_ids.as_slice()), (false, [ada.work].as_slice()));
}

/// Pages run newest first through the keyset cursor, ties broken by id, with no duplicate and
/// no gap.
pub async fn pages_run_newest_first_without_duplicates_or_gaps<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let acc = ada.account.id;
    // Pairs received at the same minute, so the cursor's id breaks ties.
    let messages: Vec<StoredMessage> =
        (0..25).map(|i| message(acc, &format!("m{i}"), i / 2, &[ada.inbox])).collect();
    upsert(store, messages).await;
    let mut seen: Vec<MessageSummary> = Vec::new();
    let mut query = MessageQuery::of(acc, 4);
    let mut pages = 0;
    loop {
        let page = page(store, &ada.owner, query.clone()).await;
        pages += 1;
        assert!(page.messages.len() <= 4);
        seen.extend(page.messages);
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 7);
    let ids: HashSet<String> = seen.iter().map(|m| m.subject.clone()).collect();
    assert_eq!((seen.len(), ids.len()), (25, 25), "no duplicates, no gaps");
    let keys: Vec<_> = seen.iter().map(|m| (m.received_at, m.id)).collect();
    assert!(keys.windows(2).all(|w| w[0] > w[1]), "newest first, strictly");
}

/// A folder's pages hold its messages alone, newest first through the cursor (ties broken
/// by id), narrowed by the other filters and time bounds as a mailbox's pages are.
pub async fn folder_pages_run_newest_first_with_the_other_filters<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let acc = ada.account.id;
    // Pairs received at the same minute; every third message in "work" too, every fourth
    // only there; every fifth read.
    let messages: Vec<StoredMessage> = (0..40)
        .map(|i| {
            let folders: &[MailFolderId] = match (i % 3, i % 4) {
                (_, 0) => &[ada.work],
                (0, _) => &[ada.inbox, ada.work],
                _ => &[ada.inbox],
            };
            StoredMessage {
                unread: i % 5 != 0,
                ..message(acc, &format!("m{i:02}"), i / 2, folders)
            }
        })
        .collect();
    upsert(store, messages.clone()).await;
    let all = MessageQuery { folder: Some(ada.inbox), ..MessageQuery::of(acc, 3) };
    let cases = [
        all.clone(),
        MessageQuery { unread: Some(true), ..all.clone() },
        MessageQuery { since: Some(at(4)), until: Some(at(15)), ..all.clone() },
        MessageQuery { folder: Some(ada.work), unread: Some(false), ..all.clone() },
    ];
    for query in cases {
        let mut expected: Vec<&StoredMessage> = messages
            .iter()
            .filter(|m| query.folder.is_none_or(|f| m.folder_ids.contains(&f)))
            .filter(|m| query.unread.is_none_or(|u| m.unread == u))
            .filter(|m| query.since.is_none_or(|t| m.received_at >= t))
            .filter(|m| query.until.is_none_or(|t| m.received_at < t))
            .collect();
        expected.sort_by_key(|m| std::cmp::Reverse(m.received_at));
        let (mut seen, mut next) = (Vec::new(), query.clone());
        loop {
            let page = page(store, &ada.owner, next.clone()).await;
            assert!(page.messages.len() <= 3);
            seen.extend(page.messages);
            match page.next {
                Some(after) => next.after = Some(after),
                None => break,
            }
        }
        let keys: Vec<_> = seen.iter().map(|m| (m.received_at, m.id)).collect();
        assert!(keys.windows(2).all(|w| w[0] > w[1]), "newest first, strictly: {query:?}");
        let found: HashSet<String> =
            full(store, &ada.owner, &seen).await.into_iter().map(|m| m.provider_id).collect();
        let wanted: HashSet<String> = expected.iter().map(|m| m.provider_id.clone()).collect();
        assert_eq!((seen.len(), found), (expected.len(), wanted), "{query:?}");
    }
}

/// Each filter narrows the page; `q` finds a word of the subject, of the sender and of the
/// body, and a search without a word finds nothing.
pub async fn filters_narrow_pages_and_q_searches_subject_and_body<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let acc = ada.account.id;
    let mut quarterly = message(acc, "m1", 1, &[ada.work]);
    quarterly.subject = "Quarterly report".into();
    quarterly.thread_key = "t2".into();
    quarterly.has_attachments = true;
    let mut lunch = message(acc, "m2", 2, &[ada.inbox]);
    lunch.unread = false;
    lunch.body = Some(MessageBody { text: Some("see you at the zeppelin".into()), html: None });
    let plain = message(acc, "m3", 3, &[ada.inbox]);
    upsert(store, vec![quarterly, lunch, plain]).await;
    let all = MessageQuery::of(acc, 10);
    let cases = [
        (MessageQuery { folder: Some(ada.inbox), ..all.clone() }, vec!["m3", "m2"]),
        (MessageQuery { folder: Some(ada.work), ..all.clone() }, vec!["m1"]),
        (MessageQuery { thread: Some("t2".into()), ..all.clone() }, vec!["m1"]),
        (MessageQuery { unread: Some(false), ..all.clone() }, vec!["m2"]),
        (MessageQuery { unread: Some(true), ..all.clone() }, vec!["m3", "m1"]),
        (MessageQuery { has_attachments: Some(true), ..all.clone() }, vec!["m1"]),
        (MessageQuery { since: Some(at(2)), ..all.clone() }, vec!["m3", "m2"]),
        (MessageQuery { until: Some(at(2)), ..all.clone() }, vec!["m1"]),
        (MessageQuery { q: Some("quarterly".into()), ..all.clone() }, vec!["m1"]),
        (MessageQuery { q: Some("Zeppelin".into()), ..all.clone() }, vec!["m2"]),
        (MessageQuery { q: Some("grace".into()), ..all.clone() }, vec!["m3", "m2", "m1"]),
        (MessageQuery { q: Some("nowhere".into()), ..all.clone() }, vec![]),
        (MessageQuery { q: Some(" - ".into()), ..all.clone() }, vec![]),
        (all, vec!["m3", "m2", "m1"]),
    ];
    for (query, expected) in cases {
        let found = ids_of(store, &ada.owner, query.clone()).await;
        assert_eq!(found, expected, "{query:?}");
    }
}

/// A search finds exactly the matching messages newest first, whether its words are in most
/// messages, in a few, in none or only in messages far older than the newest few hundred,
/// alone or with another filter (a folder among them), page after page.
pub async fn searches_are_exact_over_many_messages<H: StoreHarness>(store: &H) {
    const MESSAGES: i64 = 1_200;
    let ada = linked(store, "ada@example.org").await;
    let acc = ada.account.id;
    // "rare" in two of the newest messages, in one in the middle and in a run of old ones;
    // "common" in every third; every fifth is read.
    let rare = |i: i64| matches!(i, 12..=40 | 600 | 1_150 | 1_190);
    let messages: Vec<StoredMessage> = (0..MESSAGES)
        .map(|i| {
            // Every seventh is filed in "work" too.
            let folders: &[MailFolderId] =
                if i % 7 == 0 { &[ada.inbox, ada.work] } else { &[ada.inbox] };
            let mut m = message(acc, &format!("m{i:04}"), i, folders);
            let mut words = vec!["plain"];
            if rare(i) {
                words.push("rare");
            }
            if i % 3 == 0 {
                words.push("common");
            }
            m.body = Some(MessageBody { text: Some(words.join(" ")), html: None });
            m.unread = i % 5 != 0;
            m
        })
        .collect();
    upsert(store, messages).await;
    let expected = |keep: &dyn Fn(i64) -> bool| -> Vec<String> {
        (0..MESSAGES).rev().filter(|&i| keep(i)).map(|i| format!("m{i:04}")).collect()
    };
    let search = |words: &str, limit: u32| MessageQuery {
        q: Some(words.to_owned()),
        ..MessageQuery::of(acc, limit)
    };
    let walked = |query: MessageQuery| walk(store, &ada.owner, query);
    assert_eq!(walked(search("rare", 7)).await, expected(&rare), "newest, then older, no gap");
    let first = ids_of(store, &ada.owner, search("rare", 3)).await;
    assert_eq!(first, ["m1190", "m1150", "m0600"]);
    let read = MessageQuery { unread: Some(false), ..search("RARE", 4) };
    assert_eq!(walked(read).await, expected(&|i| rare(i) && i % 5 == 0));
    let common = ids_of(store, &ada.owner, search("common", 50)).await;
    assert_eq!(common, expected(&|i| i % 3 == 0)[..50]);
    assert_eq!(walked(search("rare -common", 6)).await, expected(&|i| rare(i) && i % 3 != 0));
    assert!(walked(search("absent", 10)).await.is_empty(), "a word no message holds");
    // Within a folder holding a seventh of the mailbox.
    let in_work =
        |words: &str, limit: u32| MessageQuery { folder: Some(ada.work), ..search(words, limit) };
    assert_eq!(walked(in_work("rare", 2)).await, expected(&|i| rare(i) && i % 7 == 0));
    assert_eq!(walked(in_work("common", 20)).await, expected(&|i| i % 21 == 0));
    let read_in_work = MessageQuery { unread: Some(false), ..in_work("common", 5) };
    assert_eq!(walked(read_in_work).await, expected(&|i| i % 105 == 0));
}

/// Every page of `query` in turn: the provider ids of the messages, in order.
async fn walk<H: StoreHarness>(store: &H, owner: &User, mut query: MessageQuery) -> Vec<String> {
    let mut found = Vec::new();
    loop {
        let page = page(store, owner, query.clone()).await;
        found.extend(full(store, owner, &page.messages).await.into_iter().map(|m| m.provider_id));
        match page.next {
            Some(next) => query.after = Some(next),
            None => return found,
        }
    }
}

/// The `from` filter finds a sender's messages whatever the case of either address.
pub async fn the_from_filter_ignores_case<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let acc = ada.account.id;
    let mut shouted = message(acc, "m1", 1, &[]);
    shouted.from = Some(MailAddress { name: None, address: "Grace@Example.ORG".into() });
    let plain = message(acc, "m2", 2, &[]);
    let mut other = message(acc, "m3", 3, &[]);
    other.from = Some(MailAddress { name: None, address: "alan@example.org".into() });
    let mut nobody = message(acc, "m4", 4, &[]);
    nobody.from = None;
    upsert(store, vec![shouted, plain, other, nobody]).await;
    let from = |address: &str| MessageQuery {
        from: Some(address.to_owned()),
        ..MessageQuery::of(acc, 10)
    };
    assert_eq!(ids_of(store, &ada.owner, from("GRACE@example.org")).await, ["m2", "m1"]);
    assert_eq!(ids_of(store, &ada.owner, from("alan@example.org")).await, ["m3"]);
    assert!(ids_of(store, &ada.owner, from("grace@example")).await.is_empty(), "whole address");
}

/// Messages are found by their provider ids within one account only, with their folders;
/// unknown ids are left out.
pub async fn messages_are_found_by_provider_id_within_their_account<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let bob = linked(store, "bob@example.org").await;
    let acc = ada.account.id;
    upsert(store, vec![message(acc, "m1", 1, &[ada.inbox]), message(acc, "m2", 2, &[])]).await;
    upsert(store, vec![message(bob.account.id, "m1", 1, &[])]).await;
    let wanted = vec!["m1".to_owned(), "m2".to_owned(), "m9".to_owned()];
    let found = store
        .uow()
        .read(move |tx| {
            Box::pin(async move { tx.mail_messages_by_provider_ids(acc, &wanted).await })
        })
        .await
        .unwrap();
    let mut ids: Vec<(&str, MailAccountId)> =
        found.iter().map(|m| (m.provider_id.as_str(), m.account_id)).collect();
    ids.sort_unstable();
    assert_eq!(ids, [("m1", acc), ("m2", acc)], "Bob's m1 and the unknown m9 are left out");
    let m1 = found.iter().find(|m| m.provider_id == "m1").unwrap();
    assert_eq!(m1.folder_ids, [ada.inbox]);
    let none = store
        .uow()
        .read(move |tx| Box::pin(async move { tx.mail_messages_by_provider_ids(acc, &[]).await }))
        .await
        .unwrap();
    assert!(none.is_empty());
}

/// The provider ids received since a time are the account's alone, those of one folder when
/// it is named.
pub async fn provider_ids_since_a_time_are_the_accounts_in_a_folder<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let bob = linked(store, "bob@example.org").await;
    let acc = ada.account.id;
    upsert(
        store,
        vec![
            message(acc, "old", 1, &[ada.inbox]),
            message(acc, "in", 10, &[ada.inbox]),
            message(acc, "both", 11, &[ada.inbox, ada.work]),
            message(acc, "work", 12, &[ada.work]),
            message(acc, "none", 13, &[]),
        ],
    )
    .await;
    upsert(store, vec![message(bob.account.id, "bob", 20, &[bob.inbox])]).await;
    let since = |folder: Option<MailFolderId>| async move {
        let mut ids = store
            .uow()
            .read(move |tx| {
                Box::pin(async move { tx.mail_provider_ids_since(acc, folder, at(10)).await })
            })
            .await
            .unwrap();
        ids.sort_unstable();
        ids
    };
    assert_eq!(since(None).await, ["both", "in", "none", "work"]);
    assert_eq!(since(Some(ada.inbox)).await, ["both", "in"]);
    assert_eq!(since(Some(ada.work)).await, ["both", "work"]);
    assert!(since(Some(bob.inbox)).await.is_empty(), "Bob's folder is not Ada's account's");
}

/// Attachments' metadata round-trips; a later listing that says the message has attachments
/// without describing them keeps those stored, and one that says it has none clears them.
pub async fn attachments_round_trip_and_survive_a_listing_without_them<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let acc = ada.account.id;
    let attachments = vec![
        AttachmentMeta {
            id: "a1".into(),
            name: "report — Q1.pdf".into(),
            content_type: "application/pdf".into(),
            size: 3_500_000,
            inline: false,
        },
        AttachmentMeta {
            id: "a2".into(),
            name: "logo.png".into(),
            content_type: "image/png".into(),
            size: 2_048,
            inline: true,
        },
    ];
    let mut read = message(acc, "m1", 1, &[ada.inbox]);
    read.has_attachments = true;
    read.attachments = attachments.clone();
    let id = upsert(store, vec![read.clone()]).await[0];
    let user = ada.owner.id;
    let stored = |store: &H| {
        let uow = store.uow();
        async move { uow.read(move |tx| Box::pin(async move { tx.mail_message(user, id).await })).await }
    };
    let first = stored(store).await.unwrap().unwrap();
    assert_eq!(first, StoredMessage { id, ..read.clone() }, "everything round-trips");

    let listed = StoredMessage { attachments: Vec::new(), body: None, ..read.clone() };
    upsert(store, vec![listed]).await;
    let after_listing = stored(store).await.unwrap().unwrap();
    assert_eq!(after_listing.attachments, attachments, "a listing keeps what a read stored");

    let mut fewer = read.clone();
    fewer.attachments.truncate(1);
    upsert(store, vec![fewer]).await;
    assert_eq!(stored(store).await.unwrap().unwrap().attachments, attachments[..1]);

    let none = StoredMessage { has_attachments: false, attachments: Vec::new(), ..read };
    upsert(store, vec![none]).await;
    assert!(stored(store).await.unwrap().unwrap().attachments.is_empty(), "none any more");
}

/// Messages by our ids come in full (bodies and folders), only those of the account named.
pub async fn messages_are_found_by_id_within_their_account<H: StoreHarness>(store: &H) {
    let ada = linked(store, "ada@example.org").await;
    let bob = linked(store, "bob@example.org").await;
    let acc = ada.account.id;
    let ours =
        upsert(store, vec![message(acc, "m1", 1, &[ada.inbox]), message(acc, "m2", 2, &[])]).await;
    let theirs = upsert(store, vec![message(bob.account.id, "m1", 1, &[])]).await;
    let wanted = vec![ours[0], ours[1], theirs[0], MailMessageId::new()];
    let found = store
        .uow()
        .read(move |tx| Box::pin(async move { tx.mail_messages_by_ids(acc, &wanted).await }))
        .await
        .unwrap();
    let mut ids: Vec<MailMessageId> = found.iter().map(|m| m.id).collect();
    ids.sort_unstable();
    let mut expected = ours.clone();
    expected.sort_unstable();
    assert_eq!(ids, expected, "Bob's message and the unknown id are left out");
    let m1 = found.iter().find(|m| m.id == ours[0]).unwrap();
    assert_eq!(m1.folder_ids, [ada.inbox]);
    assert_eq!(m1.body.as_ref().and_then(|b| b.text.as_deref()), Some("plain body"));
}
