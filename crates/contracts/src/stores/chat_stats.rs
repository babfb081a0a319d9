//! The chat stats store: hourly counts, the posts version, window posts and stored statistics.

use chrono::TimeDelta;
use switchboard_domain::UserId;
use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::chat::ChatPost;
use switchboard_domain::chat_sources::{Channel, ChannelId};
use switchboard_domain::chat_stats::{ChannelStats, WindowStats};
use switchboard_ports::{ChatStatsStore, ChatStore, StoreError, UnitOfWork};

use super::chat::{retire, upsert};
use super::{Seeded, StoreHarness, at, channel, post, seeded};

/// The hours (minutes after [`at`]`(0)`) with live posts of the channel, and their counts.
pub(crate) async fn hours<H: StoreHarness>(store: &H, channel: &Channel) -> Vec<(i64, u64)> {
    let (owner, id) = (channel.owner_id, channel.id);
    let window = TimeWindow::new(at(-60), at(300));
    let counts = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move { tx.channel_hourly_posts(owner, id, window).await })
        })
        .await
        .unwrap()
        .unwrap();
    let mut hours: Vec<(i64, u64)> = counts
        .into_iter()
        .filter(|c| c.posts > 0)
        .map(|c| ((c.hour - at(0)).num_minutes(), c.posts))
        .collect();
    hours.sort_unstable();
    hours
}

/// Hourly counts follow inserts, edits that move a post, deletions and retirements; summed
/// over followed channels only; another user's channel has none.
pub async fn hourly_counts_follow_inserts_edits_deletions_and_retirements<H: StoreHarness>(
    store: &H,
) {
    let seeded = seeded(&store.uow(), "ada@example.org").await;
    let channel = &seeded.channel;
    let posts =
        vec![post("a", 0, None), post("b", 10, None), post("c", 70, None), post("d", 130, None)];
    upsert(store, channel.id, posts).await;
    assert_eq!(hours(store, channel).await, [(0, 2), (60, 1), (120, 1)]);

    // An edit that moves a post to another hour, a deletion, and a page read again unchanged.
    let moved = ChatPost { posted_at: at(75), ..post("b", 10, None) };
    let deleted = ChatPost { deleted: true, ..post("c", 70, None) };
    upsert(store, channel.id, vec![moved, deleted, post("d", 130, None)]).await;
    assert_eq!(hours(store, channel).await, [(0, 1), (60, 1), (120, 1)]);

    // A second followed channel adds up; an unfollowed one does not.
    let followed = second_channel(store, &seeded, "C2", true).await;
    let unfollowed = second_channel(store, &seeded, "C3", false).await;
    upsert(store, followed, vec![post("e", 5, None)]).await;
    upsert(store, unfollowed, vec![post("f", 5, None)]).await;
    let owner = seeded.owner.id;
    let window = TimeWindow::new(at(-60), at(300));
    let (summed, foreign) = store
        .uow()
        .transact(move |tx| {
            let id = seeded.channel.id;
            Box::pin(async move {
                let summed = tx.followed_hourly_posts(owner, window).await?;
                let foreign = tx.channel_hourly_posts(UserId::new(), id, window).await?;
                Ok::<_, StoreError>((summed, foreign))
            })
        })
        .await
        .unwrap();
    let mut summed: Vec<(i64, u64)> = summed
        .into_iter()
        .filter(|c| c.posts > 0)
        .map(|c| ((c.hour - at(0)).num_minutes(), c.posts))
        .collect();
    summed.sort_unstable();
    assert_eq!(summed, [(0, 2), (60, 1), (120, 1)]);
    assert_eq!(foreign, None);

    // A backfill that lists only `a` retires the others.
    retire(store, channel.id, 0, None, &["a"]).await;
    assert_eq!(hours(store, channel).await, [(0, 1)]);
}

pub(crate) async fn second_channel<H: StoreHarness>(
    store: &H,
    seeded: &Seeded,
    external_id: &str,
    followed: bool,
) -> ChannelId {
    let channel = Channel { followed, ..channel(&seeded.source, external_id, external_id) };
    let id = channel.id;
    store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.insert_chat_channels(&[channel]).await }))
        .await
        .unwrap();
    id
}

async fn version<H: StoreHarness>(store: &H, owner: UserId, channel: ChannelId) -> Option<u64> {
    store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.channel_posts_version(owner, channel).await }))
        .await
        .unwrap()
}

/// The posts version changes when posts are written, not when a page is read again
/// unchanged; another user's channel has none.
pub async fn the_posts_version_moves_only_when_posts_change<H: StoreHarness>(store: &H) {
    let seeded = seeded(&store.uow(), "ada@example.org").await;
    let (owner, channel) = (seeded.owner.id, seeded.channel.id);
    let start = version(store, owner, channel).await;
    assert!(start.is_some());
    upsert(store, channel, vec![post("a", 0, None)]).await;
    let written = version(store, owner, channel).await;
    assert_ne!(written, start);
    upsert(store, channel, vec![post("a", 0, None)]).await;
    assert_eq!(version(store, owner, channel).await, written, "nothing written, same version");
    upsert(store, channel, vec![ChatPost { deleted: true, ..post("a", 0, None) }]).await;
    assert_ne!(version(store, owner, channel).await, written);
    assert_eq!(version(store, UserId::new(), channel).await, None);
}

/// Window posts are the live posts of the window, at most the latest `limit` of each
/// channel, with the author's name (or id when unknown).
pub async fn window_posts_are_the_latest_live_ones_of_each_channel<H: StoreHarness>(store: &H) {
    let seeded = seeded(&store.uow(), "ada@example.org").await;
    let other = second_channel(store, &seeded, "C2", true).await;
    let channel = seeded.channel.id;
    let mut posts: Vec<ChatPost> = (0..6).map(|i| post(&format!("p{i}"), i * 10, None)).collect();
    posts[5].deleted = true;
    posts[4].author_name = None;
    upsert(store, channel, posts).await;
    upsert(store, other, vec![post("q", 15, None), post("early", -30, None)]).await;
    let window = TimeWindow::new(at(0), at(60));
    let found = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move { tx.chat_window_posts(&[channel, other], window, 3).await })
        })
        .await
        .unwrap();
    let mut seen: Vec<(ChannelId, String, String)> =
        found.into_iter().map(|p| (p.channel_id, p.text, p.author)).collect();
    seen.sort();
    let mut expected = vec![
        (channel, "post p2".to_owned(), "Ada Lovelace".to_owned()),
        (channel, "post p3".to_owned(), "Ada Lovelace".to_owned()),
        (channel, "post p4".to_owned(), "U1".to_owned()),
        (other, "post q".to_owned(), "Ada Lovelace".to_owned()),
    ];
    expected.sort();
    assert_eq!(seen, expected);
}

fn stats(channel: ChannelId, end: i64, posts: u32) -> ChannelStats {
    ChannelStats {
        channel_id: channel,
        window_end: at(end),
        computed_at: at(end),
        stats: WindowStats { posts, ..WindowStats::default() },
    }
}

/// Stored statistics are read by the channel's owner only, replaced unless they end later,
/// dropped for a channel that does not exist; stale ones are those with newer posts, stalest
/// first.
pub async fn stored_stats_are_kept_unless_older_and_found_stale<H: StoreHarness>(store: &H) {
    let seeded = seeded(&store.uow(), "ada@example.org").await;
    let (owner, channel) = (seeded.owner.id, seeded.channel.id);
    let other = second_channel(store, &seeded, "C2", true).await;
    let quiet = second_channel(store, &seeded, "C3", true).await;
    upsert(store, channel, vec![post("a", 100, None)]).await;
    upsert(store, other, vec![post("b", 100, None)]).await;
    upsert(store, quiet, vec![post("c", 0, None)]).await;
    let result = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                let before = tx.channel_stats(owner, channel).await?;
                let saved = [
                    stats(channel, 60, 1),
                    stats(other, 30, 2),
                    stats(quiet, 60, 3),
                    stats(ChannelId::new(), 60, 4),
                ];
                tx.save_channel_stats(&saved).await?;
                tx.save_channel_stats(&[stats(channel, 50, 9)]).await?;
                let kept = tx.channel_stats(owner, channel).await?;
                let foreign = tx.channel_stats(UserId::new(), channel).await?;
                let stale = tx.stale_channel_stats(at(90), TimeDelta::minutes(10), 10).await?;
                let first = tx.stale_channel_stats(at(90), TimeDelta::minutes(10), 1).await?;
                tx.save_channel_stats(&[stats(channel, 120, 5)]).await?;
                let replaced = tx.channel_stats(owner, channel).await?;
                Ok::<_, StoreError>((before, kept, foreign, stale, first, replaced))
            })
        })
        .await
        .unwrap();
    let (before, kept, foreign, stale, first, replaced) = result;
    assert_eq!(before, Some(None), "none computed yet");
    assert_eq!(kept, Some(Some(stats(channel, 60, 1))), "older statistics do not replace");
    assert_eq!(foreign, None);
    assert_eq!(stale, [other, channel], "stalest first; a channel without newer posts is not");
    assert_eq!(first, [other]);
    assert_eq!(replaced, Some(Some(stats(channel, 120, 5))));
}
