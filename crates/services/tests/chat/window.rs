//! Slack without a change list: each sync lists the whole backfill window, so changes to old
//! messages and old threads arrive at the next sync, for a few requests per channel.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use switchboard_domain::Change;
use switchboard_domain::chat::ChatPost;
use switchboard_domain::chat_sources::{Channel, Source};
use switchboard_sandbox::{NewPost, Provider};
use switchboard_services::SyncOutcome;

use crate::support::{World, start, start_sized, user};

async fn backfilled(world: &World) -> Source {
    let source = world.connect(&user(), Provider::Slack).await;
    world.chat.sync(source.id).await.unwrap();
    source
}

/// The stored posts, and helpers to pick some by age and shape.
struct Stored {
    posts: Vec<ChatPost>,
    now: DateTime<Utc>,
}

impl Stored {
    fn roots(&self) -> HashSet<&str> {
        self.posts.iter().filter(|p| !p.deleted).filter_map(|p| p.thread_root.as_deref()).collect()
    }

    fn aged(&self, from_hours: i64, to_hours: i64) -> impl Iterator<Item = &ChatPost> {
        let (from, to) =
            (self.now - Duration::hours(to_hours), self.now - Duration::hours(from_hours));
        self.posts.iter().filter(move |p| !p.deleted && p.posted_at > from && p.posted_at < to)
    }

    /// Top-level posts of that age without replies.
    fn plain(&self, from_hours: i64, to_hours: i64) -> Vec<ChatPost> {
        let roots = self.roots();
        self.aged(from_hours, to_hours)
            .filter(|p| p.thread_root.is_none() && !roots.contains(p.id.as_str()))
            .cloned()
            .collect()
    }

    /// Thread roots of that age with at least one live reply.
    fn threads(&self, from_hours: i64, to_hours: i64) -> Vec<ChatPost> {
        let roots = self.roots();
        self.aged(from_hours, to_hours)
            .filter(|p| p.thread_root.is_none() && roots.contains(p.id.as_str()))
            .cloned()
            .collect()
    }

    fn reply_of(&self, root: &ChatPost) -> ChatPost {
        let reply =
            self.posts.iter().find(|p| !p.deleted && p.thread_root.as_ref() == Some(&root.id));
        reply.unwrap().clone()
    }
}

#[tokio::test]
async fn edits_deletions_and_replies_of_old_messages_arrive_at_the_next_sync() {
    let world = start();
    let source = backfilled(&world).await;
    let stored = Stored { posts: world.posts(source.id).await, now: world.sandbox.now() };
    let plain = stored.plain(55, 65);
    let (edited, deleted) = (&plain[0], &plain[1]);
    let threads = stored.threads(70, 80);
    let old_thread = &threads[0];
    let old_reply = stored.reply_of(old_thread);
    let others = stored.threads(36, 200);
    let other = others.iter().find(|t| t.id != old_thread.id).unwrap();
    let doomed_reply = stored.reply_of(other);
    // Recent ones too: a top-level post of 30 hours, beyond a day, deleted and one edited.
    let recent = stored.plain(25, 34);
    let (recent_edited, recent_deleted) = (&recent[0], &recent[1]);
    let (sandbox, slack) = (&world.sandbox, Provider::Slack);

    sandbox.edit_post(slack, &edited.channel_id, &edited.id, "edited after 60 hours").unwrap();
    sandbox.delete_post(slack, &deleted.channel_id, &deleted.id).unwrap();
    let text = "a late reply to a three-day-old thread";
    let new = NewPost {
        channel_id: &old_thread.channel_id,
        text,
        user_id: None,
        root_id: Some(&old_thread.id),
    };
    let new_reply = sandbox.post(slack, new).unwrap().id;
    sandbox
        .edit_post(slack, &old_reply.channel_id, &old_reply.id, "edited in an old thread")
        .unwrap();
    sandbox.delete_post(slack, &doomed_reply.channel_id, &doomed_reply.id).unwrap();
    sandbox
        .edit_post(slack, &recent_edited.channel_id, &recent_edited.id, "edited at 30h")
        .unwrap();
    sandbox.delete_post(slack, &recent_deleted.channel_id, &recent_deleted.id).unwrap();
    let events_before = world.state().await.events.len();

    let outcome = world.chat.sync(source.id).await.unwrap();
    let posts = world.posts(source.id).await;
    let find = |id: &str| posts.iter().find(|p| p.id == id).unwrap();
    assert_eq!(find(&edited.id).text, "edited after 60 hours");
    assert!(find(&edited.id).edited_at.is_some());
    assert!(find(&deleted.id).deleted, "a deletion of a 60-hour-old post");
    let reply = find(&new_reply);
    assert_eq!((reply.text.as_str(), reply.thread_root.as_ref()), (text, Some(&old_thread.id)));
    assert!(reply.author_name.is_some());
    assert_eq!(find(&old_reply.id).text, "edited in an old thread");
    assert!(find(&doomed_reply.id).deleted, "a reply deleted in an old thread");
    assert_eq!(find(&recent_edited.id).text, "edited at 30h");
    assert!(find(&recent_deleted.id).deleted);
    assert_eq!(posts.iter().filter(|p| !p.deleted).count(), world.live_posts(slack));
    // Seven rows changed: two edits, a new reply, an edited reply and three deletions.
    assert_eq!(outcome, SyncOutcome::Synced { written: 7 });
    // Each changed channel got its `changed` events, counting the rows: as many as written.
    let state = world.state().await;
    let counted: u64 = state.events[events_before..]
        .iter()
        .filter(|e| e.model_name == Channel::EVENT_MODEL)
        .filter_map(|e| match &e.change {
            Change::Changed { attribute_name, new_value, .. }
                if attribute_name == Channel::POSTS_ATTRIBUTE =>
            {
                new_value.as_u64()
            }
            _ => None,
        })
        .sum();
    assert_eq!(counted, 7);

    // Nothing changed: nothing written.
    assert_eq!(world.chat.sync(source.id).await.unwrap(), SyncOutcome::Synced { written: 0 });
}

#[tokio::test]
async fn a_sync_of_a_busy_month_costs_a_handful_of_requests() {
    // 4,000 posts a month in each regular channel; the busiest one followed.
    let world = start_sized(4000, |_| {});
    let caller = user();
    let source = world.connect(&caller, Provider::Slack).await;
    let channels = world.chat.channels(&caller).await.unwrap();
    let busiest = world
        .sandbox
        .channels(Provider::Slack)
        .into_iter()
        .filter(|c| c.member && !c.archived)
        .max_by_key(|c| c.live_posts)
        .unwrap();
    for channel in channels.iter().filter(|c| c.external_id != busiest.id) {
        world.chat.set_followed(&caller, channel.id, false).await.unwrap();
    }
    world.chat.sync(source.id).await.unwrap();
    let posts = world.posts(source.id).await;
    let top_level = posts.iter().filter(|p| p.thread_root.is_none()).count();
    let pages = top_level.div_ceil(999) as u64;

    let before = world.sandbox.requests(Provider::Slack);
    assert_eq!(world.chat.sync(source.id).await.unwrap(), SyncOutcome::Synced { written: 0 });
    let quiet = world.sandbox.requests(Provider::Slack) - before;
    // `conversations.list`, the listing's pages, and at most one `users.info` for the
    // authors of the posts within `change_margin` of the mark, named again.
    assert!(
        (1 + pages..=2 + pages).contains(&quiet),
        "{quiet} requests, {top_level} top-level posts"
    );
    assert!(quiet <= 6, "{quiet} requests");

    // A new reply to an old thread: its thread read, its author named.
    let stored = Stored { posts, now: world.sandbox.now() };
    let thread = &stored.threads(72, 400)[0];
    let new =
        NewPost { channel_id: &busiest.id, text: "late", user_id: None, root_id: Some(&thread.id) };
    world.sandbox.post(Provider::Slack, new).unwrap();
    let before = world.sandbox.requests(Provider::Slack);
    assert_eq!(world.chat.sync(source.id).await.unwrap(), SyncOutcome::Synced { written: 1 });
    let busy = world.sandbox.requests(Provider::Slack) - before;
    assert!(busy > quiet && busy <= quiet + 2, "one conversations.replies, one users.info");
    println!(
        "slack, {} posts, {top_level} top-level: {quiet} requests per quiet sync, {busy} with a new reply",
        stored.posts.len()
    );
}
