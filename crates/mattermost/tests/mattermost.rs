#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
//! The Mattermost adapter against the sandbox's fake API v4, over HTTP, through the real client.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use secrecy::SecretString;
use switchboard_domain::chat::{ChatPost, HistoryScope, PageCursor};
use switchboard_mattermost::{MattermostConfig, MattermostSource};
use switchboard_ports::{ChatError, ChatSource, RetryPolicy};
use switchboard_sandbox::{MATTERMOST_TOKEN, NewPost, Provider, RunningSandbox, Sandbox};

fn start() -> RunningSandbox {
    Sandbox::builder()
        .seed(13)
        .now(Utc.with_ymd_and_hms(2025, 3, 14, 16, 0, 0).unwrap())
        .posts_per_channel(600)
        .people(25)
        .build()
        .start_local()
        .expect("the sandbox starts")
}

fn config(sandbox: &RunningSandbox) -> MattermostConfig {
    let mut config = MattermostConfig::new(sandbox.mattermost_base_url());
    config.page_size = 70;
    config.retry = RetryPolicy {
        max_retries: 3,
        base_backoff: Duration::from_millis(1),
        max_wait: Duration::from_secs(2),
    };
    config
}

fn source(sandbox: &RunningSandbox, token: &str) -> MattermostSource {
    MattermostSource::new(&config(sandbox), SecretString::from(token)).unwrap()
}

/// Every page of one history request.
async fn walk(source: &MattermostSource, channel: &str, scope: HistoryScope) -> Vec<ChatPost> {
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
async fn identity_names_the_demo_user_and_the_team() {
    let sandbox = start();
    let me = source(&sandbox, MATTERMOST_TOKEN).identity().await.unwrap();
    assert_eq!(me.user_id, sandbox.demo_user(Provider::Mattermost).id);
    assert_eq!(me.user_name, "demo");
    assert_eq!(me.teams.len(), 1);
    assert!(!me.teams[0].name.is_empty());
}

#[tokio::test]
async fn channels_are_the_live_ones_the_user_belongs_to() {
    let sandbox = start();
    let listed = source(&sandbox, MATTERMOST_TOKEN).channels().await.unwrap();
    let team = &source(&sandbox, MATTERMOST_TOKEN).identity().await.unwrap().teams[0].id;
    assert!(listed.iter().all(|c| &c.team_id == team));
    let listed: BTreeSet<String> = listed.into_iter().map(|c| c.id).collect();
    let expected: BTreeSet<String> = sandbox
        .channels(Provider::Mattermost)
        .into_iter()
        .filter(|c| c.member && !c.archived)
        .map(|c| c.id)
        .collect();
    assert_eq!(listed, expected);
}

#[tokio::test]
async fn a_backfill_walks_every_live_post_exactly_once() {
    let sandbox = start();
    let source = source(&sandbox, MATTERMOST_TOKEN);
    let channels = source.channels().await.unwrap();
    let mut seen = 0;
    for channel in &channels {
        let posts =
            by_id(walk(&source, &channel.id, HistoryScope::Backfill { oldest: None }).await);
        let info = sandbox.channels(Provider::Mattermost).into_iter().find(|c| c.id == channel.id);
        assert_eq!(posts.len(), info.unwrap().live_posts, "channel {}", channel.name);
        assert!(posts.values().all(|p| !p.deleted && p.channel_id == channel.id));
        assert!(posts.values().any(|p| p.thread_root.is_some()), "no threads in {}", channel.name);
        seen += posts.len();
    }
    // Every live post of every channel the user reads, and nothing else.
    let readable: usize = sandbox
        .channels(Provider::Mattermost)
        .into_iter()
        .filter(|c| channels.iter().any(|mine| mine.id == c.id))
        .map(|c| c.live_posts)
        .sum();
    assert_eq!(seen, readable);
    assert!(seen <= sandbox.post_count(Provider::Mattermost));
}

#[tokio::test]
async fn a_backfill_from_a_time_stops_there() {
    let sandbox = start();
    let source = source(&sandbox, MATTERMOST_TOKEN);
    let channel = &source.channels().await.unwrap()[0];
    let oldest = sandbox.now() - chrono::TimeDelta::days(3);
    let posts =
        by_id(walk(&source, &channel.id, HistoryScope::Backfill { oldest: Some(oldest) }).await);
    assert!(posts.values().all(|p| p.posted_at >= oldest));
    let all = walk(&source, &channel.id, HistoryScope::Backfill { oldest: None }).await;
    let recent = all.iter().filter(|p| p.posted_at >= oldest).count();
    assert!(recent > 0 && recent < all.len());
    assert_eq!(posts.len(), recent);
}

#[tokio::test]
async fn changes_are_exactly_what_was_posted_edited_and_deleted_since() {
    let sandbox = start();
    let source = source(&sandbox, MATTERMOST_TOKEN);
    let channel = source.channels().await.unwrap()[0].id.clone();
    let before = by_id(walk(&source, &channel, HistoryScope::Backfill { oldest: None }).await);
    let since = sandbox.clock();
    let quiet = source.history(&channel, HistoryScope::Changes { since }, None).await.unwrap();
    assert!(quiet.posts.is_empty() && quiet.next.is_none());

    let roots: BTreeSet<&str> = before.values().filter_map(|p| p.thread_root.as_deref()).collect();
    let newest = |pred: &dyn Fn(&ChatPost) -> bool| {
        before.values().filter(|p| pred(p)).max_by_key(|p| p.posted_at).unwrap().clone()
    };
    let thread = newest(&|p| roots.contains(p.id.as_str()));
    let plain = newest(&|p| p.thread_root.is_none() && !roots.contains(p.id.as_str()));
    let to_edit = newest(&|p| p.id != thread.id && p.id != plain.id && p.thread_root.is_none());
    let post = |text: &str, root: Option<&str>| {
        let new = NewPost { channel_id: &channel, text, user_id: None, root_id: root };
        sandbox.post(Provider::Mattermost, new).unwrap().id
    };
    let fresh = post("fresh root", None);
    let fresh_reply = post("reply to the fresh root", Some(&fresh));
    let late_reply = post("late reply to an older thread", Some(&thread.id));
    sandbox.edit_post(Provider::Mattermost, &channel, &to_edit.id, "edited text").unwrap();
    let doomed = post("soon deleted with its thread", None);
    let doomed_reply = post("goes with its root", Some(&doomed));
    sandbox.delete_post(Provider::Mattermost, &channel, &doomed).unwrap();
    sandbox.delete_post(Provider::Mattermost, &channel, &plain.id).unwrap();

    let page = source.history(&channel, HistoryScope::Changes { since }, None).await.unwrap();
    assert!(page.next.is_none() && !page.truncated);
    let changes = by_id(page.posts);
    let ids: BTreeSet<&str> = changes.keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> =
        [&fresh, &fresh_reply, &late_reply, &to_edit.id, &doomed, &doomed_reply, &plain.id]
            .into_iter()
            .map(String::as_str)
            .collect();
    // The older thread's root changed only by its new reply: not reported.
    assert_eq!(ids, expected);
    assert_eq!(changes[&late_reply].thread_root.as_deref(), Some(thread.id.as_str()));
    assert_eq!(changes[&to_edit.id].text, "edited text");
    assert!(changes[&to_edit.id].edited_at.is_some_and(|at| at > since));
    for deleted in [&doomed, &doomed_reply, &plain.id] {
        assert!(changes[deleted].deleted, "{deleted} not deleted");
    }
    let live: Vec<&str> = [&fresh, &fresh_reply, &late_reply, &to_edit.id]
        .into_iter()
        .map(String::as_str)
        .filter(|id| changes[*id].deleted)
        .collect();
    assert!(live.is_empty(), "{live:?}");
    // The next scan, from the time of the last change, is empty again.
    let later = sandbox.clock();
    let after = source.history(&channel, HistoryScope::Changes { since: later }, None).await;
    assert!(after.unwrap().posts.is_empty());
}

#[tokio::test]
async fn a_429_is_retried_after_retry_after() {
    let sandbox = start();
    let source = source(&sandbox, MATTERMOST_TOKEN);
    sandbox.throttle_token(MATTERMOST_TOKEN, 3, Duration::ZERO);
    assert!(!source.channels().await.unwrap().is_empty());
    // The three throttled answers were used up by the adapter's retries: none is left.
    let mut strict = config(&sandbox);
    strict.retry.max_retries = 0;
    let strict = MattermostSource::new(&strict, SecretString::from(MATTERMOST_TOKEN)).unwrap();
    strict.identity().await.unwrap();
}

#[tokio::test]
async fn too_many_429s_give_rate_limited() {
    let sandbox = start();
    let source = source(&sandbox, MATTERMOST_TOKEN);
    sandbox.throttle_token(MATTERMOST_TOKEN, 4, Duration::ZERO);
    let error = source.identity().await.unwrap_err();
    assert_eq!(error, ChatError::RateLimited { retry_after: Duration::ZERO });
    source.identity().await.unwrap();
}

#[tokio::test]
async fn a_retry_after_beyond_the_longest_wait_fails_at_once() {
    let sandbox = start();
    let source = source(&sandbox, MATTERMOST_TOKEN);
    sandbox.throttle_provider(Provider::Mattermost, 1, Duration::from_secs(30));
    let error = source.identity().await.unwrap_err();
    assert_eq!(error, ChatError::RateLimited { retry_after: Duration::from_secs(30) });
    // The source's calls wait out the pause: this one is refused without asking.
    let requests = sandbox.requests(Provider::Mattermost);
    let Err(ChatError::RateLimited { retry_after }) = source.identity().await else {
        panic!("called during the pause")
    };
    assert!(retry_after > Duration::from_secs(29) && retry_after <= Duration::from_secs(30));
    assert_eq!(sandbox.requests(Provider::Mattermost), requests);
    // Another source (another sync) has its own pause.
    crate::source(&sandbox, MATTERMOST_TOKEN).identity().await.unwrap();
}

#[tokio::test]
async fn a_revoked_token_needs_reauth() {
    let sandbox = start();
    sandbox.add_token(Provider::Mattermost, "revokedsoontoken0000000001");
    let source = source(&sandbox, "revokedsoontoken0000000001");
    source.identity().await.unwrap();
    assert!(sandbox.revoke_token("revokedsoontoken0000000001"));
    let error = source.channels().await.unwrap_err();
    assert!(matches!(error, ChatError::Unauthorized { .. }), "{error:?}");
    assert!(error.needs_reauth());
}

#[tokio::test]
async fn an_unknown_channel_is_not_found() {
    let sandbox = start();
    let scope = HistoryScope::Backfill { oldest: None };
    let unknown = "abcdefghijkmnopqrstuwxyz13";
    let error = source(&sandbox, MATTERMOST_TOKEN).history(unknown, scope, None).await;
    assert!(matches!(error, Err(ChatError::NotFound { .. })), "{error:?}");
    let foreign =
        sandbox.channels(Provider::Mattermost).into_iter().find(|c| c.private && !c.member);
    let error = source(&sandbox, MATTERMOST_TOKEN).history(&foreign.unwrap().id, scope, None).await;
    assert!(matches!(error, Err(ChatError::NotFound { .. })), "{error:?}");
}

#[tokio::test]
async fn a_malformed_channel_id_is_a_provider_error() {
    let sandbox = start();
    let scope = HistoryScope::Backfill { oldest: None };
    let error = source(&sandbox, MATTERMOST_TOKEN).history("nope", scope, None).await;
    assert!(
        matches!(&error, Err(ChatError::Provider { code, .. }) if code.contains("invalid_url_param")),
        "{error:?}"
    );
}

#[tokio::test]
async fn users_resolve_by_ids() {
    let sandbox = start();
    let source = source(&sandbox, MATTERMOST_TOKEN);
    let people = sandbox.users(Provider::Mattermost);
    let mut ids: Vec<String> = people.iter().map(|u| u.id.clone()).collect();
    ids.push("abcdefghijkmnopqrstuwxyz13".to_owned());
    let found = source.users(&ids).await.unwrap();
    assert_eq!(found.len(), people.len());
    let second = found.iter().find(|u| u.id == people[1].id).unwrap();
    assert_eq!(second.display_name, people[1].real_name);
    assert_eq!(second.username, people[1].username);
    assert_eq!(found.iter().filter(|u| u.deleted).count(), 1);
    assert!(source.users(&[]).await.unwrap().is_empty());
}
