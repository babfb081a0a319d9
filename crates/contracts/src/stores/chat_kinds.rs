//! Post kinds in the stores: a post's kind is kept; the system's posts count nowhere in the
//! analytics; a bot's are marked for the people's statistics unless its channel includes them.

use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::chat::{ChatPost, PostKind};
use switchboard_domain::chat_sources::{Channel, ChannelId};
use switchboard_ports::{ChatStatsStore, ChatStore, StoreError, UnitOfWork, WindowPost};

use super::chat::upsert;
use super::chat_stats::hours;
use super::{StoreHarness, at, post, seeded};

fn of_kind(id: &str, minutes: i64, kind: PostKind, author: &str) -> ChatPost {
    ChatPost {
        kind,
        author_id: author.to_owned(),
        author_name: Some(author.to_owned()),
        ..post(id, minutes, None)
    }
}

async fn posts<H: StoreHarness>(store: &H, channel: ChannelId) -> Vec<ChatPost> {
    store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.chat_posts(channel, None).await }))
        .await
        .unwrap()
}

async fn window<H: StoreHarness>(store: &H, channel: ChannelId) -> Vec<WindowPost> {
    let window = TimeWindow::new(at(-60), at(300));
    let mut found = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move { tx.chat_window_posts(&[channel], window, 100).await })
        })
        .await
        .unwrap();
    found.sort_by_key(|p| p.posted_at);
    found
}

async fn save_channel<H: StoreHarness>(store: &H, channel: Channel) {
    store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.update_chat_channel(&channel).await }))
        .await
        .unwrap();
}

/// Each post keeps its kind; a post read again as another kind is rewritten.
pub async fn a_posts_kind_is_stored_and_changes_with_it<H: StoreHarness>(store: &H) {
    let seeded = seeded(&store.uow(), "ada@example.org").await;
    let channel = seeded.channel.id;
    let written = vec![
        of_kind("u", 0, PostKind::User, "U1"),
        of_kind("b", 1, PostKind::Bot, "B1"),
        of_kind("s", 2, PostKind::System, "U2"),
    ];
    assert_eq!(upsert(store, channel, written.clone()).await, 3);
    let kinds: Vec<(String, PostKind)> =
        posts(store, channel).await.into_iter().map(|p| (p.id, p.kind)).collect();
    assert_eq!(
        kinds,
        [("u".into(), PostKind::User), ("b".into(), PostKind::Bot), ("s".into(), PostKind::System)]
    );
    // The same page again writes nothing; a post whose kind changed is written.
    assert_eq!(upsert(store, channel, written).await, 0);
    let reclassified = of_kind("u", 0, PostKind::System, "U1");
    assert_eq!(upsert(store, channel, vec![reclassified]).await, 1);
    assert_eq!(posts(store, channel).await[0].kind, PostKind::System);
}

/// The system's posts are counted in no hour of the pulse and read in no window; a post that
/// becomes the system's leaves its hour.
pub async fn system_posts_are_left_out_of_the_pulse_and_the_window<H: StoreHarness>(store: &H) {
    let seeded = seeded(&store.uow(), "ada@example.org").await;
    let channel = &seeded.channel;
    let page = vec![
        of_kind("u", 0, PostKind::User, "U1"),
        of_kind("b", 5, PostKind::Bot, "B1"),
        of_kind("s", 10, PostKind::System, "U2"),
        of_kind("s2", 70, PostKind::System, "U2"),
    ];
    upsert(store, channel.id, page).await;
    assert_eq!(hours(store, channel).await, [(0, 2)]);
    let read: Vec<String> = window(store, channel.id).await.into_iter().map(|p| p.text).collect();
    assert_eq!(read, ["post u", "post b"]);
    upsert(store, channel.id, vec![of_kind("b", 5, PostKind::System, "B1")]).await;
    assert_eq!(hours(store, channel).await, [(0, 1)]);
}

/// A bot's post is read with its author id and marked for the people's statistics, unless
/// its channel includes bots; a person's never is.
pub async fn bots_are_marked_unless_their_channel_includes_them<H: StoreHarness>(store: &H) {
    let seeded = seeded(&store.uow(), "ada@example.org").await;
    let channel = seeded.channel.clone();
    let page =
        vec![of_kind("u", 0, PostKind::User, "U1"), of_kind("b", 5, PostKind::Bot, "B1:Jenkins")];
    upsert(store, channel.id, page).await;
    let marks = |posts: Vec<WindowPost>| -> Vec<(String, bool)> {
        posts.into_iter().map(|p| (p.author_id, p.bot)).collect()
    };
    let read = marks(window(store, channel.id).await);
    assert_eq!(read, [("U1".to_owned(), false), ("B1:Jenkins".to_owned(), true)]);
    save_channel(store, Channel { include_bots: true, ..channel.clone() }).await;
    let read = marks(window(store, channel.id).await);
    assert_eq!(read, [("U1".to_owned(), false), ("B1:Jenkins".to_owned(), false)]);
}

/// A channel's bots setting and a source's direct messages setting are saved and read back.
pub async fn channel_and_source_settings_are_saved<H: StoreHarness>(store: &H) {
    let seeded = seeded(&store.uow(), "ada@example.org").await;
    let channel = Channel { include_bots: true, followed: false, ..seeded.channel.clone() };
    let source =
        switchboard_domain::chat_sources::Source { include_direct: true, ..seeded.source.clone() };
    let (channel_id, source_id) = (channel.id, source.id);
    let (read_channel, read_source) = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                tx.update_chat_channel(&channel).await?;
                tx.update_chat_source(&source).await?;
                let c = tx.chat_channel(channel_id).await?;
                let s = tx.chat_source(source_id).await?;
                Ok::<_, StoreError>((c, s))
            })
        })
        .await
        .unwrap();
    let read_channel = read_channel.unwrap();
    assert!(read_channel.include_bots && !read_channel.followed);
    assert!(read_source.unwrap().include_direct);
    // A new source or channel starts with both off.
    assert!(!seeded.source.include_direct && !seeded.channel.include_bots);
}
