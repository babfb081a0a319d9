#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
//! The Slack adapter against the sandbox's fake Web API, over HTTP, through the real client.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use secrecy::SecretString;
use switchboard_domain::chat::{ChatPost, HistoryScope, PageCursor};
use switchboard_ports::{ChatError, ChatSource, RetryPolicy};
use switchboard_sandbox::{NewPost, Provider, RunningSandbox, SLACK_TOKEN, Sandbox};
use switchboard_slack::{SlackConfig, SlackSource};

fn start() -> RunningSandbox {
    Sandbox::builder()
        .seed(11)
        .now(Utc.with_ymd_and_hms(2025, 3, 14, 16, 0, 0).unwrap())
        .posts_per_channel(600)
        .people(25)
        .build()
        .start_local()
        .expect("the sandbox starts")
}

fn config(sandbox: &RunningSandbox) -> SlackConfig {
    let mut config = SlackConfig::new(sandbox.slack_base_url());
    config.page_size = 50;
    config.retry = RetryPolicy {
        max_retries: 3,
        base_backoff: Duration::from_millis(1),
        max_wait: Duration::from_secs(2),
    };
    config
}

fn source(sandbox: &RunningSandbox, token: &str) -> SlackSource {
    SlackSource::new(&config(sandbox), SecretString::from(token)).unwrap()
}

/// Every page of one history request.
async fn walk(source: &SlackSource, channel: &str, scope: HistoryScope) -> Vec<ChatPost> {
    let mut posts = Vec::new();
    let mut cursor: Option<PageCursor> = None;
    loop {
        let page = source.history(channel, scope, cursor.as_ref()).await.unwrap();
        assert!(!page.truncated);
        posts.extend(page.posts);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return posts,
        }
    }
}

fn by_id(posts: Vec<ChatPost>) -> HashMap<String, ChatPost> {
    let count = posts.len();
    let map: HashMap<String, ChatPost> = posts.into_iter().map(|p| (p.id.clone(), p)).collect();
    assert_eq!(map.len(), count, "a post was listed twice");
    map
}

#[tokio::test]
async fn identity_names_the_demo_user_and_the_workspace() {
    let sandbox = start();
    let me = source(&sandbox, SLACK_TOKEN).identity().await.unwrap();
    let demo = sandbox.demo_user(Provider::Slack);
    assert_eq!(me.user_id, demo.id);
    assert_eq!(me.user_name, "demo");
    assert_eq!(me.teams.len(), 1);
    assert!(!me.teams[0].id.is_empty());
}

#[tokio::test]
async fn channels_are_the_live_ones_the_user_belongs_to() {
    let sandbox = start();
    let listed: BTreeSet<String> =
        source(&sandbox, SLACK_TOKEN).channels().await.unwrap().into_iter().map(|c| c.id).collect();
    let expected: BTreeSet<String> = sandbox
        .channels(Provider::Slack)
        .into_iter()
        .filter(|c| c.member && !c.archived)
        .map(|c| c.id)
        .collect();
    assert_eq!(listed, expected);
}

#[tokio::test]
async fn a_backfill_walks_every_live_post_exactly_once() {
    let sandbox = start();
    let source = source(&sandbox, SLACK_TOKEN);
    let mut seen = 0;
    for channel in source.channels().await.unwrap() {
        let posts =
            by_id(walk(&source, &channel.id, HistoryScope::Backfill { oldest: None }).await);
        let info = sandbox.channels(Provider::Slack).into_iter().find(|c| c.id == channel.id);
        let live = posts.values().filter(|p| !p.deleted).count();
        assert_eq!(live, info.unwrap().live_posts, "channel {}", channel.name);
        for post in posts.values() {
            assert_eq!(post.channel_id, channel.id);
            if let Some(root) = &post.thread_root {
                assert!(posts.contains_key(root), "reply {} without its root", post.id);
            }
        }
        assert!(posts.values().any(|p| p.thread_root.is_some()), "no threads in {}", channel.name);
        seen += posts.len();
    }
    assert!(seen > 0 && seen <= sandbox.post_count(Provider::Slack));
}

#[tokio::test]
async fn a_backfill_from_a_time_starts_there() {
    let sandbox = start();
    let source = source(&sandbox, SLACK_TOKEN);
    let channel = &source.channels().await.unwrap()[0];
    let oldest = sandbox.now() - chrono::TimeDelta::days(3);
    let posts = walk(&source, &channel.id, HistoryScope::Backfill { oldest: Some(oldest) }).await;
    assert!(!posts.is_empty());
    // Replies may be newer than their parent, never older.
    assert!(posts.iter().all(|p| p.posted_at >= oldest));
    let all = walk(&source, &channel.id, HistoryScope::Backfill { oldest: None }).await;
    assert!(all.len() > posts.len());
}

#[tokio::test]
async fn changes_are_exactly_what_was_posted_edited_and_deleted_since() {
    let sandbox = start();
    let source = source(&sandbox, SLACK_TOKEN);
    let channel = source.channels().await.unwrap()[0].id.clone();
    let before = by_id(walk(&source, &channel, HistoryScope::Backfill { oldest: None }).await);
    let since = sandbox.clock();
    // Deleted parents from before `since` are tombstones in the lookback: reported every scan.
    let baseline = by_id(walk(&source, &channel, HistoryScope::Changes { since }).await);
    assert!(baseline.values().all(|p| p.deleted));

    let newest = |pred: &dyn Fn(&ChatPost) -> bool| {
        before.values().filter(|p| pred(p)).max_by_key(|p| p.posted_at).unwrap().clone()
    };
    let parent_ids: BTreeSet<&str> =
        before.values().filter_map(|p| p.thread_root.as_deref()).collect();
    let thread = newest(&|p| !p.deleted && parent_ids.contains(p.id.as_str()));
    let plain =
        newest(&|p| !p.deleted && p.thread_root.is_none() && !parent_ids.contains(p.id.as_str()));
    let to_edit =
        newest(&|p| !p.deleted && p.thread_root.is_none() && p.id != thread.id && p.id != plain.id);
    let post = |text: &str, root: Option<&str>| {
        let new = NewPost { channel_id: &channel, text, user_id: None, root_id: root };
        sandbox.post(Provider::Slack, new).unwrap().id
    };
    let fresh = post("fresh root", None);
    let fresh_reply = post("reply to the fresh root", Some(&fresh));
    let old_thread_reply = post("late reply to an older thread", Some(&thread.id));
    sandbox.edit_post(Provider::Slack, &channel, &to_edit.id, "edited text").unwrap();
    let doomed = post("soon deleted", None);
    let survivor = post("reply outliving its root", Some(&doomed));
    sandbox.delete_post(Provider::Slack, &channel, &doomed).unwrap();
    sandbox.delete_post(Provider::Slack, &channel, &plain.id).unwrap();

    let changes = by_id(walk(&source, &channel, HistoryScope::Changes { since }).await);
    let new: BTreeSet<&str> =
        changes.keys().map(String::as_str).filter(|id| !baseline.contains_key(*id)).collect();
    let expected: BTreeSet<&str> =
        [&fresh, &fresh_reply, &old_thread_reply, &to_edit.id, &doomed, &survivor]
            .into_iter()
            .map(String::as_str)
            .collect();
    assert_eq!(new, expected);
    assert!(baseline.keys().all(|id| changes.contains_key(id)));

    assert_eq!(changes[&fresh_reply].thread_root.as_deref(), Some(fresh.as_str()));
    assert_eq!(changes[&old_thread_reply].thread_root.as_deref(), Some(thread.id.as_str()));
    assert_eq!(changes[&to_edit.id].text, "edited text");
    assert!(changes[&to_edit.id].edited_at.is_some_and(|at| at > since));
    assert!(changes[&doomed].deleted && changes[&doomed].text.is_empty());
    assert!(!changes[&survivor].deleted);
    // A deleted message without replies leaves no trace in a change scan; a backfill drops it.
    let after = by_id(walk(&source, &channel, HistoryScope::Backfill { oldest: None }).await);
    assert!(!after.contains_key(&plain.id));
    assert_eq!(after.len(), before.len() + 5 - 1);
}

#[tokio::test]
async fn a_429_is_retried_after_retry_after() {
    let sandbox = start();
    let source = source(&sandbox, SLACK_TOKEN);
    sandbox.throttle_token(SLACK_TOKEN, 3, Duration::ZERO);
    let channels = source.channels().await.unwrap();
    assert!(!channels.is_empty());
    // The three throttled answers were used up by the adapter's retries: none is left.
    let mut strict = config(&sandbox);
    strict.retry.max_retries = 0;
    let strict = SlackSource::new(&strict, SecretString::from(SLACK_TOKEN)).unwrap();
    strict.identity().await.unwrap();
}

#[tokio::test]
async fn too_many_429s_give_rate_limited() {
    let sandbox = start();
    let source = source(&sandbox, SLACK_TOKEN);
    sandbox.throttle_token(SLACK_TOKEN, 4, Duration::ZERO);
    let error = source.identity().await.unwrap_err();
    assert_eq!(error, ChatError::RateLimited { retry_after: Duration::ZERO });
    assert!(error.is_transient());
    source.identity().await.unwrap();
}

#[tokio::test]
async fn a_retry_after_beyond_the_longest_wait_fails_at_once() {
    let sandbox = start();
    let source = source(&sandbox, SLACK_TOKEN);
    sandbox.throttle_token(SLACK_TOKEN, 1, Duration::from_secs(30));
    let error = source.identity().await.unwrap_err();
    assert_eq!(error, ChatError::RateLimited { retry_after: Duration::from_secs(30) });
    // The source's calls wait out the pause: this one is refused without asking.
    let requests = sandbox.requests(Provider::Slack);
    let Err(ChatError::RateLimited { retry_after }) = source.identity().await else {
        panic!("called during the pause")
    };
    assert!(retry_after > Duration::from_secs(29) && retry_after <= Duration::from_secs(30));
    assert_eq!(sandbox.requests(Provider::Slack), requests);
    // Another source (another sync) has its own pause.
    crate::source(&sandbox, SLACK_TOKEN).identity().await.unwrap();
}

#[tokio::test]
async fn a_revoked_token_needs_reauth() {
    let sandbox = start();
    sandbox.add_token(Provider::Slack, "xoxp-revoked-soon");
    let source = source(&sandbox, "xoxp-revoked-soon");
    source.identity().await.unwrap();
    assert!(sandbox.revoke_token("xoxp-revoked-soon"));
    let error = source.channels().await.unwrap_err();
    assert_eq!(error, ChatError::TokenRevoked);
    assert!(error.needs_reauth());
}

#[tokio::test]
async fn an_unknown_token_is_unauthorized() {
    let sandbox = start();
    let error = source(&sandbox, "xoxp-nobody").identity().await.unwrap_err();
    assert!(matches!(error, ChatError::Unauthorized { .. }), "{error:?}");
    assert!(error.needs_reauth());
}

#[tokio::test]
async fn an_unknown_channel_is_not_found() {
    let sandbox = start();
    let scope = HistoryScope::Backfill { oldest: None };
    let error = source(&sandbox, SLACK_TOKEN).history("C0NOSUCHCHAN", scope, None).await;
    assert!(matches!(error, Err(ChatError::NotFound { .. })), "{error:?}");
}

#[tokio::test]
async fn a_private_channel_of_others_is_not_found() {
    let sandbox = start();
    let foreign = sandbox.channels(Provider::Slack).into_iter().find(|c| c.private && !c.member);
    let scope = HistoryScope::Backfill { oldest: None };
    let error = source(&sandbox, SLACK_TOKEN).history(&foreign.unwrap().id, scope, None).await;
    assert!(matches!(error, Err(ChatError::NotFound { .. })), "{error:?}");
}

#[tokio::test]
async fn users_resolve_one_by_one_and_in_bulk() {
    let sandbox = start();
    let source = source(&sandbox, SLACK_TOKEN);
    let people = sandbox.users(Provider::Slack);
    let few: Vec<String> =
        people.iter().take(3).map(|u| u.id.clone()).chain(["U0NOBODY000".to_owned()]).collect();
    let found = source.users(&few).await.unwrap();
    assert_eq!(found.len(), 3);
    let ada = found.iter().find(|u| u.id == people[1].id).unwrap();
    assert_eq!(ada.display_name, people[1].real_name);
    assert_eq!(ada.username, people[1].username);

    let all: Vec<String> = people.iter().map(|u| u.id.clone()).collect();
    assert!(all.len() > 20);
    let found = source.users(&all).await.unwrap();
    assert_eq!(found.len(), all.len());
    assert_eq!(found.iter().filter(|u| u.deleted).count(), 1);
}
