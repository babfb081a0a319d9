//! The chat store: sources, channels, posts and backfill checkpoints.

use switchboard_domain::chat::{ChatPost, ThreadSummary};
use switchboard_domain::chat_sources::{BackfillCheckpoint, Channel, ChannelId, SourceStatus};
use switchboard_ports::{ChatStore, SealedSecretStore, StoreError, UnitOfWork};

use super::{StoreHarness, at, channel, post, seeded};

/// Upserts `posts` into `channel`, returning how many rows were written.
pub(crate) async fn upsert<H: StoreHarness>(
    store: &H,
    channel: ChannelId,
    posts: Vec<ChatPost>,
) -> u64 {
    store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.upsert_chat_posts(channel, &posts).await }))
        .await
        .unwrap()
}

/// Retires what a backfill of `[since, before)` no longer lists.
pub(crate) async fn retire<H: StoreHarness>(
    store: &H,
    channel: ChannelId,
    since: i64,
    before: Option<i64>,
    keep: &[&str],
) -> u64 {
    let keep: Vec<String> = keep.iter().map(|id| (*id).to_owned()).collect();
    store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                tx.retire_chat_posts(channel, Some(at(since)), before.map(at), &keep).await
            })
        })
        .await
        .unwrap()
}

async fn stored<H: StoreHarness>(store: &H, channel: ChannelId) -> Vec<ChatPost> {
    store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.chat_posts(channel, None).await }))
        .await
        .unwrap()
}

async fn deleted<H: StoreHarness>(store: &H, channel: ChannelId) -> Vec<String> {
    stored(store, channel).await.into_iter().filter(|p| p.deleted).map(|p| p.id).collect()
}

/// Sources are listed by owner, oldest first, and all but those waiting for a new token are
/// synced; a channel's provider id is stored once per source; channels are listed by name.
pub async fn sources_are_listed_by_owner_and_for_sync<H: StoreHarness>(store: &H) {
    let uow = store.uow();
    let ada = seeded(&uow, "ada@example.org").await;
    let bob = seeded(&uow, "bob@example.org").await;
    let mut waiting = bob.source.clone();
    waiting.status = SourceStatus::ReauthRequired;
    waiting.last_error = Some("token revoked".into());
    let twin = Channel { id: ChannelId::new(), ..ada.channel.clone() };
    let random = channel(&ada.source, "C0", "random");
    let (w, t, r, a) = (waiting.clone(), twin, random.clone(), ada.clone());
    let result = uow
        .transact(move |tx| {
            Box::pin(async move {
                tx.update_chat_source(&w).await?;
                tx.insert_chat_channels(&[t, r]).await?;
                let mine = tx.chat_sources_of(a.owner.id).await?;
                let to_sync = tx.chat_sources_to_sync().await?;
                let found = tx.chat_source(w.id).await?;
                let channels = tx.chat_channels_of_source(a.source.id).await?;
                let of_owner = tx.chat_channels_of(a.owner.id).await?;
                let mut renamed = a.channel.clone();
                renamed.followed = false;
                renamed.synced_until = Some(at(30));
                tx.update_chat_channel(&renamed).await?;
                let updated = tx.chat_channel(renamed.id).await?;
                Ok::<_, StoreError>((mine, to_sync, found, channels, of_owner, updated))
            })
        })
        .await
        .unwrap();
    let (mine, to_sync, found, channels, of_owner, updated) = result;
    assert_eq!(mine, std::slice::from_ref(&ada.source));
    assert_eq!(to_sync, [ada.source.id]);
    assert_eq!(found, Some(waiting));
    let names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["general", "random"], "by name, the provider id stored once");
    assert_eq!(of_owner, channels);
    let updated = updated.unwrap();
    assert_eq!((updated.followed, updated.synced_until), (false, Some(at(30))));
    let ghost = channel(&ada.source, "C9", "ghost");
    let missing =
        uow.transact(move |tx| Box::pin(async move { tx.update_chat_channel(&ghost).await })).await;
    assert_eq!(missing, Err(StoreError::NotFound));
}

/// A rename writes the name alone: the user's settings (followed, bots), changed after the
/// sync read the channel, stay as the user left them.
pub async fn a_rename_changes_the_name_alone<H: StoreHarness>(store: &H) {
    let uow = store.uow();
    let ada = seeded(&uow, "ada@example.org").await;
    let mut settings = ada.channel.clone();
    settings.followed = !settings.followed;
    settings.include_bots = !settings.include_bots;
    let (id, changed) = (ada.channel.id, settings.clone());
    let renamed = uow
        .transact(move |tx| {
            Box::pin(async move {
                tx.update_chat_channel(&changed).await?;
                tx.rename_chat_channel(id, "general-renamed").await?;
                tx.chat_channel(id).await
            })
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(renamed.name, "general-renamed");
    assert_eq!(
        (renamed.followed, renamed.include_bots),
        (settings.followed, settings.include_bots)
    );
    let missing = uow
        .transact(|tx| Box::pin(async move { tx.rename_chat_channel(ChannelId::new(), "x").await }))
        .await;
    assert_eq!(missing, Err(StoreError::NotFound));
}

/// A channel's unreadable time is set and cleared alone; a settings update from a snapshot
/// read before leaves it as it is.
pub async fn unreadable_is_set_and_cleared_alone<H: StoreHarness>(store: &H) {
    let uow = store.uow();
    let ada = seeded(&uow, "ada@example.org").await;
    assert_eq!(ada.channel.unreadable_since, None, "readable when discovered");
    let since = chrono::DateTime::from_timestamp(1_764_000_000, 0).unwrap();
    let (id, before) = (ada.channel.id, ada.channel.clone());
    let read = uow
        .transact(move |tx| {
            Box::pin(async move {
                tx.set_chat_channel_unreadable(id, Some(since)).await?;
                let mut settings = before;
                settings.followed = !settings.followed;
                tx.update_chat_channel(&settings).await?;
                tx.chat_channel(id).await
            })
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.unreadable_since, Some(since));
    assert_eq!(read.followed, !ada.channel.followed, "the update was saved too");
    let cleared = uow
        .transact(move |tx| {
            Box::pin(async move {
                tx.set_chat_channel_unreadable(id, None).await?;
                tx.chat_channel(id).await
            })
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!((cleared.unreadable_since, cleared.name), (None, ada.channel.name));
    let missing = uow
        .transact(|tx| {
            Box::pin(async move { tx.set_chat_channel_unreadable(ChannelId::new(), None).await })
        })
        .await;
    assert_eq!(missing, Err(StoreError::NotFound));
}

/// Upserts write a large batch, write nothing for the same page again, write a post listed
/// twice once, and keep an author name a post comes back without.
pub async fn upserts_are_batched_idempotent_and_keep_known_names<H: StoreHarness>(store: &H) {
    let seeded = seeded(&store.uow(), "ada@example.org").await;
    let channel = seeded.channel.id;
    let many: Vec<ChatPost> = (0..12_000).map(|i| post(&format!("p{i}"), i, None)).collect();
    assert_eq!(upsert(store, channel, many.clone()).await, 12_000);
    assert_eq!(upsert(store, channel, many).await, 0, "the same page writes nothing");

    let mut edited = post("p1", 1, None);
    edited.text = "edited".into();
    edited.edited_at = Some(at(500));
    edited.author_name = None;
    let twice = vec![post("p2", 2, None), edited.clone(), edited];
    assert_eq!(upsert(store, channel, twice).await, 1, "a post listed twice is written once");
    let posts = stored(store, channel).await;
    assert_eq!(posts.len(), 12_000);
    assert!(posts.windows(2).all(|w| w[0].posted_at <= w[1].posted_at), "oldest first");
    let p1 = posts.iter().find(|p| p.id == "p1").unwrap();
    assert_eq!((p1.text.as_str(), p1.edited_at), ("edited", Some(at(500))));
    assert_eq!(p1.author_name.as_deref(), Some("Ada Lovelace"), "a known name is kept");
    assert_eq!(p1.channel_id, "C1");
    let since = store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.chat_posts(channel, Some(at(11_990))).await }))
        .await
        .unwrap();
    assert_eq!(since.len(), 10);
}

/// A copy of a post older than the stored one (a late event, a listing read before an edit)
/// writes nothing; a newer edit, the same edit with other changes, or a deletion is written.
pub async fn an_older_copy_never_undoes_a_newer_edit<H: StoreHarness>(store: &H) {
    let seeded = seeded(&store.uow(), "ada@example.org").await;
    let channel = seeded.channel.id;
    let version = |text: &str, edited: Option<i64>| {
        let mut p = post("p1", 1, None);
        p.text = text.into();
        p.edited_at = edited.map(at);
        p
    };
    assert_eq!(upsert(store, channel, vec![version("second edit", Some(200))]).await, 1);
    let text = || async { stored(store, channel).await.remove(0).text };
    assert_eq!(upsert(store, channel, vec![version("first edit", Some(100))]).await, 0);
    assert_eq!(upsert(store, channel, vec![version("as posted", None)]).await, 0);
    assert_eq!(text().await, "second edit");
    let mut unfurled = version("second edit, unfurled", Some(200));
    unfurled.author_name = Some("Ada".into());
    assert_eq!(upsert(store, channel, vec![unfurled]).await, 1, "the same edit, changed");
    assert_eq!(upsert(store, channel, vec![version("third edit", Some(300))]).await, 1);
    assert_eq!(text().await, "third edit");
    let tombstone = ChatPost { deleted: true, ..version("This message was deleted.", None) };
    assert_eq!(upsert(store, channel, vec![tombstone]).await, 1, "a deletion always applies");
    assert!(stored(store, channel).await[0].deleted);
}

/// A post that comes without its author's name (a pushed event) keeps the name stored for it,
/// else takes the name of that author's latest named live post in the channel, else has none.
pub async fn a_post_without_a_name_takes_its_authors_latest<H: StoreHarness>(store: &H) {
    let seeded = seeded(&store.uow(), "ada@example.org").await;
    let channel = seeded.channel.id;
    let named = |id: &str, minutes: i64, author: &str, name: Option<&str>| {
        let mut p = post(id, minutes, None);
        p.author_id = author.into();
        p.author_name = name.map(str::to_owned);
        p
    };
    let mut gone = named("gone", 9, "U1", Some("Ada (old account)"));
    gone.deleted = true;
    let earlier = vec![
        named("p1", 1, "U1", Some("Ada Lovelace")),
        named("p2", 5, "U1", Some("Ada")),
        named("p3", 3, "U2", Some("Grace")),
        gone,
    ];
    upsert(store, channel, earlier).await;
    let arrived =
        vec![named("p4", 10, "U1", None), named("p5", 11, "U9", None), named("p1", 1, "U1", None)];
    upsert(store, channel, arrived).await;
    let names: Vec<(String, Option<String>)> =
        stored(store, channel).await.into_iter().map(|p| (p.id, p.author_name)).collect();
    let name = |id: &str| names.iter().find(|(p, _)| p == id).and_then(|(_, n)| n.as_deref());
    assert_eq!(name("p4"), Some("Ada"), "the author's latest live name");
    assert_eq!(name("p5"), None, "an author never named here");
    assert_eq!(name("p1"), Some("Ada Lovelace"), "its own name kept");
}

/// A backfill retires the top-level posts of its window it no longer lists, the replies of
/// its listed or deleted roots, and nothing older.
pub async fn a_backfill_retires_what_it_no_longer_lists_in_its_window_only<H: StoreHarness>(
    store: &H,
) {
    let channel = seeded(&store.uow(), "ada@example.org").await.channel.id;
    let posts = vec![
        post("old", 0, None),
        post("old-thread-reply", 100, Some("old")),
        post("root", 50, None),
        post("gone-reply", 60, Some("root")),
        post("gone", 70, None),
        post("kept", 80, None),
        post("gone-root", 90, None),
        post("reply-of-gone-root", 95, Some("gone-root")),
    ];
    upsert(store, channel, posts).await;
    assert_eq!(retire(store, channel, 40, None, &["root", "kept"]).await, 4);
    assert_eq!(
        deleted(store, channel).await,
        ["gone-reply", "gone", "gone-root", "reply-of-gone-root"]
    );
}

/// A listing retires the top-level posts of its window it no longer lists (a reply listed
/// as a broadcast is left to its thread) and the replies of roots deleted; a thread read
/// retires its replies no longer listed; a thread's stored summary counts its live replies.
/// Neither retires what was posted after it began (pushed by events meanwhile).
pub async fn a_listing_and_a_thread_read_retire_what_they_no_longer_list<H: StoreHarness>(
    store: &H,
) {
    let channel = seeded(&store.uow(), "ada@example.org").await.channel.id;
    let posts = vec![
        post("old", 0, None),
        post("old-reply", 100, Some("old")),
        post("old-reply-gone", 110, Some("old")),
        post("old-reply-edited", 120, Some("old")),
        post("root", 50, None),
        post("root-reply", 60, Some("root")),
        post("gone", 70, None),
        post("gone-root", 90, None),
        post("reply-of-gone-root", 95, Some("gone-root")),
        ChatPost { deleted: true, ..post("tombstone", 96, None) },
        post("reply-of-tombstone", 97, Some("tombstone")),
        post("pushed", 200, None),
        post("pushed-reply", 210, Some("old")),
        post("pushed-reply-of-gone-root", 220, Some("gone-root")),
    ];
    upsert(store, channel, posts).await;
    let uow = store.uow();
    let sums = |roots: &[&str]| {
        let roots: Vec<String> = roots.iter().map(|r| (*r).to_owned()).collect();
        uow.transact(move |tx| {
            Box::pin(async move { tx.chat_thread_summaries(channel, &roots).await })
        })
    };
    let mut found = sums(&["old", "root", "nothing"]).await.unwrap();
    found.sort_by(|a, b| a.root.cmp(&b.root));
    let summary = |root: &str, replies, latest| ThreadSummary {
        root: root.to_owned(),
        replies,
        latest_reply: Some(at(latest)),
    };
    assert_eq!(found, [summary("old", 4, 210), summary("root", 1, 60)]);

    let keep: Vec<String> =
        ["root", "old-reply", "tombstone"].iter().map(|s| (*s).to_owned()).collect();
    let retired = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move { tx.retire_chat_top_level(channel, at(40), at(150), &keep).await })
        })
        .await
        .unwrap();
    assert_eq!(retired, 3, "gone, gone-root and its reply");
    let gone = ["gone", "gone-root", "reply-of-gone-root", "tombstone"];
    assert_eq!(deleted(store, channel).await, gone, "a listed tombstone keeps its replies");

    let keep: Vec<String> = vec!["old-reply".into(), "old-reply-edited".into()];
    let retired = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move { tx.retire_chat_replies(channel, "old", at(150), &keep).await })
        })
        .await
        .unwrap();
    assert_eq!(retired, 1);
    let found = sums(&["old"]).await.unwrap();
    assert_eq!(found, [summary("old", 3, 210)], "the reply pushed after the read began stays");
}

/// A resumed backfill retires only below what the attempt before had listed.
pub async fn a_resumed_backfill_retires_only_below_what_it_had_listed_before<H: StoreHarness>(
    store: &H,
) {
    let channel = seeded(&store.uow(), "ada@example.org").await.channel.id;
    let posts = vec![
        post("old-gone", 45, None),
        post("old-kept", 48, None),
        post("reply-of-old-kept", 120, Some("old-kept")),
        post("listed-before", 60, None),
        post("deleted-later", 70, None),
    ];
    upsert(store, channel, posts).await;
    // The attempt before listed from 60 on; this one lists what is older.
    let keep = ["old-kept", "reply-of-old-kept"];
    assert_eq!(retire(store, channel, 40, Some(60), &keep).await, 1);
    assert_eq!(deleted(store, channel).await, ["old-gone"]);
}

/// A backfill checkpoint is saved, replaced and cleared, and goes with its source.
pub async fn a_backfill_checkpoint_is_saved_replaced_cleared_and_goes_with_its_channel<
    H: StoreHarness,
>(
    store: &H,
) {
    let seeded = seeded(&store.uow(), "ada@example.org").await;
    let channel = seeded.channel.id;
    let get = || async move {
        store
            .uow()
            .transact(move |tx| Box::pin(async move { tx.chat_backfill_checkpoint(channel).await }))
            .await
            .unwrap()
    };
    let set = |checkpoint: Option<BackfillCheckpoint>| async move {
        store
            .uow()
            .transact(move |tx| {
                Box::pin(async move {
                    tx.set_chat_backfill_checkpoint(channel, checkpoint.as_ref()).await
                })
            })
            .await
    };
    assert_eq!(get().await, None);
    let first =
        BackfillCheckpoint { oldest: at(0), cursor: "page-2".into(), listed_down_to: at(300) };
    set(Some(first.clone())).await.unwrap();
    assert_eq!(get().await, Some(first.clone()));
    let next = BackfillCheckpoint { cursor: "page-3".into(), listed_down_to: at(200), ..first };
    set(Some(next.clone())).await.unwrap();
    assert_eq!(get().await, Some(next.clone()));
    set(None).await.unwrap();
    assert_eq!(get().await, None);
    set(None).await.unwrap();

    set(Some(next)).await.unwrap();
    let id = seeded.source.id;
    store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.delete_chat_source(id).await }))
        .await
        .unwrap();
    assert_eq!(get().await, None);
}

/// Deleting a source removes its channels, their posts and its sealed token; updating it
/// afterwards is [`StoreError::NotFound`].
pub async fn deleting_a_source_removes_its_channels_posts_and_token<H: StoreHarness>(store: &H) {
    let seeded = seeded(&store.uow(), "ada@example.org").await;
    let other = self::seeded_other(store).await;
    let channel = seeded.channel.id;
    upsert(store, channel, vec![post("p", 0, None)]).await;
    upsert(store, other, vec![post("q", 0, None)]).await;
    let s = seeded.clone();
    let gone = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                tx.delete_chat_source(s.source.id).await?;
                let source = tx.chat_source(s.source.id).await?;
                let channel = tx.chat_channel(s.channel.id).await?;
                let channels = tx.chat_channels_of(s.owner.id).await?;
                let posts = tx.chat_posts(s.channel.id, None).await?;
                let token = tx.sealed(s.token.id).await?;
                Ok::<_, StoreError>((source, channel, channels, posts, token))
            })
        })
        .await
        .unwrap();
    assert_eq!(gone, (None, None, vec![], vec![], None));
    assert_eq!(stored(store, other).await.len(), 1, "another source keeps its posts");
    let source = seeded.source;
    let missing = store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.update_chat_source(&source).await }))
        .await;
    assert_eq!(missing, Err(StoreError::NotFound));
}

async fn seeded_other<H: StoreHarness>(store: &H) -> ChannelId {
    seeded(&store.uow(), "bob@example.org").await.channel.id
}
