//! Ingest: backfill, idempotent re-runs, edits and deletions, names, revoked tokens, 429s.

use std::collections::HashSet;
use std::time::Duration;

use switchboard_domain::Change;
use switchboard_domain::chat_sources::SourceStatus;
use switchboard_sandbox::{MATTERMOST_TOKEN, NewPost, Provider, SLACK_TOKEN};
use switchboard_services::chat::{ChatSyncJob, ConnectSource};
use switchboard_services::jobs::JobRegistry;
use switchboard_services::{ChatServiceError, SyncOutcome};

use crate::support::{Ports, World, start, start_peopled, start_with_policy, user};

async fn backfilled(world: &World, provider: Provider) -> switchboard_domain::chat_sources::Source {
    let source = world.connect(&user(), provider).await;
    let outcome = world.chat.sync(source.id).await.unwrap();
    assert!(matches!(outcome, SyncOutcome::Synced { written } if written > 0), "{outcome:?}");
    source
}

#[tokio::test]
async fn a_backfill_ingests_exactly_the_live_posts_with_their_authors_names() {
    let world = start();
    for provider in [Provider::Slack, Provider::Mattermost] {
        let source = backfilled(&world, provider).await;
        let posts = world.posts(source.id).await;
        let live: Vec<_> = posts.iter().filter(|p| !p.deleted).collect();
        assert_eq!(live.len(), world.live_posts(provider), "{provider:?}");
        let names: HashSet<String> =
            world.sandbox.users(provider).into_iter().map(|u| u.real_name).collect();
        for post in &live {
            let name = post.author_name.as_deref().unwrap_or_default();
            assert!(names.contains(name), "{provider:?}: unresolved author {post:?}");
        }
        let stored = world.chat.get(&user_of(&world, source.id).await, source.id).await.unwrap();
        assert_eq!(stored.status, SourceStatus::Active);
        assert!(stored.last_sync_at.is_some());
        assert_eq!(stored.last_error, None);
        assert_eq!(stored.backfill_done, stored.backfill_total);
        let state = world.state().await;
        assert!(state.chat.channels.values().all(|c| c.synced_until.is_some()));
    }
}

async fn user_of(
    world: &World,
    id: switchboard_domain::chat_sources::SourceId,
) -> switchboard_services::Principal {
    let owner = world.state().await.chat.sources[&id].owner_id;
    let mut caller = user();
    caller.user_id = owner;
    caller.user.id = owner;
    caller
}

#[tokio::test]
async fn syncing_again_never_duplicates_nor_rewrites() {
    let world = start();
    for provider in [Provider::Slack, Provider::Mattermost] {
        let source = backfilled(&world, provider).await;
        let before = world.posts(source.id).await;
        let again = world.chat.sync(source.id).await.unwrap();
        assert_eq!(again, SyncOutcome::Synced { written: 0 }, "{provider:?}");
        let after = world.posts(source.id).await;
        assert_eq!(before.len(), after.len());
        assert_eq!(before, after);
    }
}

#[tokio::test]
async fn edits_new_posts_and_deletions_are_reflected() {
    let world = start();
    for provider in [Provider::Mattermost, Provider::Slack] {
        let source = backfilled(&world, provider).await;
        // Recent posts: Slack reports changes of the last day only (see the adapter).
        let recent = world.sandbox.now() - chrono::Duration::hours(20);
        let stored = world.posts(source.id).await;
        let recent_ids: HashSet<&str> = stored
            .iter()
            .filter(|p| !p.deleted && p.posted_at > recent)
            .map(|p| p.id.as_str())
            .collect();
        let mut live = stored.iter().filter(|p| recent_ids.contains(p.id.as_str()));
        let edited = live.clone().find(|p| p.thread_root.is_none()).unwrap().clone();
        // A reply in a recent thread (Slack lists the replies of the threads it reads).
        let deleted = live
            .find(|p| p.thread_root.as_deref().is_some_and(|r| recent_ids.contains(r)))
            .unwrap()
            .clone();
        let (edited, deleted, channel) =
            (edited.id, deleted.id, (edited.channel_id, deleted.channel_id));
        world
            .sandbox
            .edit_post(provider, &channel.0, &edited, "edited: rollout moved to friday")
            .unwrap();
        let new = world.post(provider, &channel.0, "a brand new post about the release");
        world.sandbox.delete_post(provider, &channel.1, &deleted).unwrap();

        world.chat.sync(source.id).await.unwrap();
        let posts = world.posts(source.id).await;
        let find = |id: &str| posts.iter().find(|p| p.id == id).unwrap();
        assert_eq!(find(&edited).text, "edited: rollout moved to friday", "{provider:?}");
        assert!(find(&edited).edited_at.is_some());
        assert_eq!(find(&new).text, "a brand new post about the release");
        assert!(find(&new).author_name.is_some());
        assert!(find(&deleted).deleted, "{provider:?}: deletion not reflected");
        assert_eq!(posts.iter().filter(|p| !p.deleted).count(), world.live_posts(provider));
    }
}

/// A channel renamed at the provider takes its new name at the next sync, recorded as an
/// event; its id, posts and settings stay.
#[tokio::test]
async fn a_renamed_channel_takes_its_new_name() {
    let world = start();
    for provider in [Provider::Slack, Provider::Mattermost] {
        let source = backfilled(&world, provider).await;
        let before = world.state().await;
        let channel = before.chat.channels.values().find(|c| c.source_id == source.id).unwrap();
        world.sandbox.rename_channel(provider, &channel.external_id, "watercooler").unwrap();
        world.chat.sync(source.id).await.unwrap();
        let after = world.state().await;
        let renamed = &after.chat.channels[&channel.id];
        assert_eq!(renamed.name, "watercooler", "{provider:?}");
        assert_eq!((renamed.followed, renamed.synced_until.is_some()), (channel.followed, true));
        let event = after.events.iter().rev().find(|e| e.object_id == channel.id.to_string());
        assert!(
            matches!(&event.unwrap().change, Change::Changed { attribute_name, new_value, .. }
                if attribute_name == "name" && new_value == "watercooler"),
            "{event:?}"
        );
        world.chat.sync(source.id).await.unwrap();
        let about = |state: &switchboard_memory::MemoryState| {
            state.events.iter().filter(|e| e.object_id == channel.id.to_string()).count()
        };
        assert_eq!(about(&world.state().await), about(&after), "{provider:?}: renamed once");
    }
}

#[tokio::test]
async fn a_revoked_token_marks_the_source_reauth_required_without_retrying() {
    let world = start();
    for (provider, token) in
        [(Provider::Slack, SLACK_TOKEN), (Provider::Mattermost, MATTERMOST_TOKEN)]
    {
        let source = backfilled(&world, provider).await;
        world.sandbox.revoke_token(token);
        assert_eq!(world.chat.sync(source.id).await.unwrap(), SyncOutcome::ReauthRequired);
        let state = world.state().await;
        let stored = &state.chat.sources[&source.id];
        assert_eq!(stored.status, SourceStatus::ReauthRequired);
        assert!(stored.last_error.is_some());
        // Neither the schedule nor a rerun of the job calls the provider again.
        assert_eq!(world.chat.sync(source.id).await.unwrap(), SyncOutcome::Skipped);
    }
}

#[tokio::test]
async fn a_rate_limit_fails_the_attempt_for_a_retry_and_the_retry_succeeds() {
    let world = start();
    let source = backfilled(&world, Provider::Mattermost).await;
    world.sandbox.throttle_token(MATTERMOST_TOKEN, 1, Duration::from_secs(30));
    let err = world.chat.sync(source.id).await.unwrap_err();
    assert!(matches!(err, ChatServiceError::Provider(ref e) if e.is_transient()), "{err:?}");
    let state = world.state().await;
    assert_eq!(state.chat.sources[&source.id].status, SourceStatus::Error);
    assert!(state.chat.sources[&source.id].last_error.as_deref().unwrap().contains("rate"));

    // Through the job: the attempt fails (the worker retries it with backoff) …
    let registry = JobRegistry::new().register::<ChatSyncJob<Ports>>();
    let payload = serde_json::json!({ "source_id": source.id });
    world.sandbox.throttle_token(MATTERMOST_TOKEN, 1, Duration::from_secs(30));
    assert!(registry.run("chat.sync", payload.clone(), world.chat.clone()).await.is_err());
    // … and the next attempt succeeds.
    registry.run("chat.sync", payload, world.chat.clone()).await.unwrap();
    let state = world.state().await;
    assert_eq!(state.chat.sources[&source.id].status, SourceStatus::Active);
    assert_eq!(state.chat.sources[&source.id].last_error, None);
}

#[tokio::test]
async fn unfollowed_channels_are_not_synced() {
    let world = start();
    let caller = user();
    let source = world.connect(&caller, Provider::Mattermost).await;
    let channels = world.chat.channels(&caller).await.unwrap();
    for channel in &channels {
        let changed = world.chat.set_followed(&caller, channel.id, false).await.unwrap();
        assert!(!changed.followed);
    }
    world.chat.sync(source.id).await.unwrap();
    assert!(world.posts(source.id).await.is_empty());
    let first = &channels[0];
    world.chat.set_followed(&caller, first.id, true).await.unwrap();
    world.chat.sync(source.id).await.unwrap();
    let posts = world.posts(source.id).await;
    assert!(!posts.is_empty());
    assert!(posts.iter().all(|p| p.channel_id == first.external_id));
}

#[tokio::test]
async fn the_schedule_enqueues_one_sync_per_source_that_can_sync() {
    let world = start();
    let slack = world.connect(&user(), Provider::Slack).await;
    let mattermost = world.connect(&user(), Provider::Mattermost).await;
    // The syncs enqueued at connection are still waiting: nothing new.
    assert_eq!(world.chat.enqueue_syncs().await.unwrap(), 0);
    world.store.update(|s| s.jobs.clear()).await;
    world.sandbox.revoke_token(SLACK_TOKEN);
    world.chat.sync(slack.id).await.unwrap();
    assert_eq!(world.chat.enqueue_syncs().await.unwrap(), 1);
    let state = world.state().await;
    let keys: Vec<_> = state.jobs.values().filter_map(|j| j.dedupe_key.clone()).collect();
    assert_eq!(keys, [mattermost.id.to_string()]);
}

#[tokio::test]
async fn connecting_the_same_account_again_brings_a_revoked_source_back() {
    let world = start();
    let caller = user();
    let source = world.connect(&caller, Provider::Slack).await;
    world.chat.sync(source.id).await.unwrap();
    let posts = world.posts(source.id).await.len();
    world.sandbox.revoke_token(SLACK_TOKEN);
    assert_eq!(world.chat.sync(source.id).await.unwrap(), SyncOutcome::ReauthRequired);

    world.sandbox.add_token(Provider::Slack, "xoxp-fresh-token");
    let request =
        ConnectSource { token: "xoxp-fresh-token".into(), ..world.request(Provider::Slack) };
    let again = world.chat.connect(&caller, request).await.unwrap();
    assert!(again.reconnected);
    assert_eq!(again.source.id, source.id);
    assert_eq!(again.source.status, SourceStatus::Active);
    assert_eq!(world.chat.list(&caller).await.unwrap().len(), 1);
    assert!(matches!(world.chat.sync(source.id).await.unwrap(), SyncOutcome::Synced { .. }));
    assert_eq!(world.posts(source.id).await.len(), posts);
    let state = world.state().await;
    assert_eq!(state.identity.sealed.len(), 1, "the new token replaced the old one");
}

/// A private channel the user leaves is marked unreadable (with an event) at the next sync,
/// its posts kept and the other channels synced; later syncs leave it alone while the
/// provider no longer lists it, and once the user is back it is read again and marked
/// readable. A public channel left stays readable, and synced.
#[tokio::test]
async fn a_private_channel_left_is_unreadable_until_the_user_is_back() {
    // One channel at a time, so that a sync's requests do not depend on which channels ask
    // for an author's name together.
    let world = start_with_policy(|policy| policy.channel_concurrency = 1);
    for provider in [Provider::Slack, Provider::Mattermost] {
        let source = backfilled(&world, provider).await;
        let visible = world.sandbox.channels(provider);
        let pick = |private: bool| {
            visible
                .iter()
                .find(|c| {
                    c.private == private && c.member && !c.archived && c.conversation.is_none()
                })
                .unwrap()
                .id
                .clone()
        };
        let (private, public) = (pick(true), pick(false));
        let stored = |state: &switchboard_memory::MemoryState, external: &str| {
            let channel = state
                .chat
                .channels
                .values()
                .find(|c| c.source_id == source.id && c.external_id == external)
                .unwrap()
                .clone();
            let live = state
                .chat
                .posts
                .get(&channel.id)
                .map_or(0, |posts| posts.values().filter(|p| !p.deleted).count());
            (channel, live)
        };
        let before = world.state().await;
        let (channel, posts) = stored(&before, &private);
        assert!(channel.followed && channel.unreadable_since.is_none() && posts > 0);
        let events_about = |state: &switchboard_memory::MemoryState| -> Vec<Change> {
            state
                .events
                .iter()
                .filter(|e| e.object_id == channel.id.to_string())
                .map(|e| e.change.clone())
                .collect()
        };

        world.sandbox.leave_channel(provider, &private).unwrap();
        world.sandbox.leave_channel(provider, &public).unwrap();
        let new_public = world.post(provider, &public, "still readable after leaving");
        let outcome = world.chat.sync(source.id).await.unwrap();
        assert!(matches!(outcome, SyncOutcome::Synced { .. }), "{provider:?}: {outcome:?}");
        let left = world.state().await;
        let (marked, kept) = stored(&left, &private);
        assert!(marked.unreadable_since.is_some(), "{provider:?}: {marked:?}");
        assert_eq!((marked.followed, kept), (true, posts), "{provider:?}: settings and posts kept");
        let (public_channel, _) = stored(&left, &public);
        assert_eq!(public_channel.unreadable_since, None, "{provider:?}: a public channel left");
        assert!(world.posts(source.id).await.iter().any(|p| p.id == new_public), "{provider:?}");
        let events = events_about(&left);
        assert!(
            matches!(events.last(), Some(Change::Changed { attribute_name, new_value, .. })
                if attribute_name == "unreadable_since" && new_value.is_string()),
            "{provider:?}: {events:?}"
        );
        let progress = &left.chat.sources[&source.id];
        assert_eq!(progress.backfill_done, progress.backfill_total, "{provider:?}");

        // While the provider does not list it, a sync asks nothing about it: as many requests
        // as with the channel unfollowed.
        let requests = |world: &World| world.sandbox.requests(provider);
        let start = requests(&world);
        world.chat.sync(source.id).await.unwrap();
        let skipping = requests(&world) - start;
        let again = world.state().await;
        assert_eq!(events_about(&again), events, "{provider:?}: left alone while unlisted");
        assert_eq!(stored(&again, &private).0.unreadable_since, marked.unreadable_since);
        let owner = user_of(&world, source.id).await;
        world.chat.set_followed(&owner, channel.id, false).await.unwrap();
        let start = requests(&world);
        world.chat.sync(source.id).await.unwrap();
        assert_eq!(requests(&world) - start, skipping, "{provider:?}: asked about it");
        world.chat.set_followed(&owner, channel.id, true).await.unwrap();

        world.sandbox.join_channel(provider, &private).unwrap();
        let new = world.post(provider, &private, "welcome back to the private channel");
        world.chat.sync(source.id).await.unwrap();
        let back = world.state().await;
        assert_eq!(stored(&back, &private).0.unreadable_since, None, "{provider:?}");
        assert!(world.posts(source.id).await.iter().any(|p| p.id == new), "{provider:?}");
        let last = events_about(&back).pop();
        assert!(
            matches!(&last, Some(Change::Changed { attribute_name, new_value, .. })
                if attribute_name == "unreadable_since" && new_value.is_null()),
            "{provider:?}: {last:?}"
        );
    }
}

/// A Slack workspace's directory is read once per sync: past the one-by-one limit the adapter
/// walks `users.list`, whose every member the sync keeps, so another channel's authors are
/// not asked for again.
#[tokio::test]
async fn authors_are_looked_up_once_per_sync_and_the_directory_walked_once() {
    // Only the posts below: every author is one of them.
    let world = start_peopled(0, 60, |_| {});
    let provider = Provider::Slack;
    let people = world.sandbox.users(provider);
    let mut open = world
        .sandbox
        .channels(provider)
        .into_iter()
        .filter(|c| !c.private && c.member && !c.archived && c.conversation.is_none());
    let (first, second) = (open.next().unwrap(), open.next().unwrap());
    // More authors in each of two channels than the adapter looks up one by one, none shared.
    for (channel, authors) in [(&first, &people[1..=25]), (&second, &people[26..=50])] {
        for author in authors {
            let text = format!("{} reporting on the rollout", author.real_name);
            let post = NewPost {
                channel_id: &channel.id,
                text: &text,
                user_id: Some(&author.id),
                root_id: None,
            };
            world.sandbox.post(provider, post).unwrap();
        }
    }
    let source = backfilled(&world, provider).await;
    let calls = |method: &str| world.sandbox.slack_calls(method);
    assert_eq!((calls("users.list"), calls("users.info")), (1, 0), "the directory read once");
    let posts = world.posts(source.id).await;
    assert_eq!(posts.len(), 50);
    assert!(posts.iter().filter(|p| !p.deleted).all(|p| p.author_name.is_some()));
}
