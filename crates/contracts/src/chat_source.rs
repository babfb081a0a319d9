//! The chat-source port's contract: what every [`ChatSource`] adapter does against its
//! provider, proved against the sandbox's fake provider over HTTP, through the adapter's real
//! client.
//!
//! An adapter's test file names a [`ChatSourceHarness`] and invokes
//! [`crate::chat_source_contract!`]; each case below becomes one `#[tokio::test]`. Where the
//! providers document different answers, the harness's [`Dialect`] says which one to expect.

use std::collections::{BTreeSet, HashMap};
use std::net::TcpListener;
use std::time::Duration;

use chrono::{TimeDelta, TimeZone, Utc};
use switchboard_domain::chat::{ChatPost, HistoryScope, PageCursor};
use switchboard_ports::{ChatError, ChatSource, RetryPolicy};
use switchboard_sandbox::{NewPost, Provider, RunningSandbox, Sandbox};

/// How a provider's documented behaviour differs from another's, where the port leaves it open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// A deleted thread root keeps its replies and stays listed as an empty, deleted tombstone
    /// (Slack); otherwise it takes its replies with it (Mattermost).
    pub tombstones: bool,
    /// A change scan reports a post deleted since (Mattermost's `since`); otherwise a deleted
    /// post without replies just stops being listed, and only a backfill notices (Slack).
    pub change_scan_reports_deletions: bool,
    /// A backfill from a time lists every post at or after it, replies to older threads
    /// included (Mattermost); otherwise the threads whose root is at or after it (Slack).
    pub windowed_backfill_has_late_replies: bool,
    /// A revoked token is [`ChatError::TokenRevoked`] (Slack `token_revoked`); otherwise
    /// [`ChatError::Unauthorized`] like any refused token (Mattermost's 401).
    pub revocation_is_distinct: bool,
    /// `channels` lists the direct and group messages, as such (Mattermost's `D` and `G`);
    /// otherwise it reads none (the Slack adapter asks for channels only).
    pub lists_conversations: bool,
}

/// What the contract needs of an adapter: sources built against a sandbox, and the shapes of
/// the provider's tokens and ids.
pub trait ChatSourceHarness {
    /// The adapter's source.
    type Source: ChatSource;
    /// The fake provider it talks to.
    const PROVIDER: Provider;
    /// The sandbox's built-in token of the demo user.
    const TOKEN: &'static str;
    /// The sandbox's seed for this adapter's data.
    const SEED: u64;
    /// Where the provider's documented behaviour differs.
    const DIALECT: Dialect;
    /// A well-formed channel id that names no channel.
    const UNKNOWN_CHANNEL: &'static str;
    /// A well-formed user id that names nobody.
    const UNKNOWN_USER: &'static str;

    /// The provider's API base URL on `sandbox`, as the adapter's configuration takes it.
    fn base_url(sandbox: &RunningSandbox) -> String;

    /// A source reaching `base_url` with `token` and `retry`, paging in small pages so that
    /// history spans several.
    fn source(base_url: &str, token: &str, retry: RetryPolicy) -> Self::Source;

    /// A token shaped like the provider's, made of `label`.
    fn token(label: &str) -> String;
}

/// Retries fast enough for tests, waits of up to two seconds allowed.
pub const RETRY: RetryPolicy = RetryPolicy {
    max_retries: 3,
    base_backoff: Duration::from_millis(1),
    max_wait: Duration::from_secs(2),
};

/// A sandbox with the harness's seed: 25 people, 600 posts in each regular channel, a history
/// ending on 2025-03-14 at 16:00 UTC.
///
/// # Panics
/// When the sandbox cannot start.
pub fn start<H: ChatSourceHarness>() -> RunningSandbox {
    let now = Utc.with_ymd_and_hms(2025, 3, 14, 16, 0, 0).single().expect("a valid time");
    Sandbox::builder()
        .seed(H::SEED)
        .now(now)
        .posts_per_channel(600)
        .people(25)
        .build()
        .start_local()
        .expect("the sandbox starts")
}

/// A source on `sandbox` with [`RETRY`].
pub fn source<H: ChatSourceHarness>(sandbox: &RunningSandbox, token: &str) -> H::Source {
    H::source(&H::base_url(sandbox), token, RETRY)
}

/// Every page of one history request, each asserted complete.
///
/// # Panics
/// When a page fails or is truncated.
pub async fn walk<S: ChatSource>(source: &S, channel: &str, scope: HistoryScope) -> Vec<ChatPost> {
    let mut posts = Vec::new();
    let mut cursor: Option<PageCursor> = None;
    loop {
        let page = source.history(channel, scope, cursor.as_ref()).await.expect("a page");
        assert!(!page.truncated);
        posts.extend(page.posts);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return posts,
        }
    }
}

/// Posts by id, asserting none was listed twice.
///
/// # Panics
/// When a post was listed twice.
pub fn by_id(posts: Vec<ChatPost>) -> HashMap<String, ChatPost> {
    let count = posts.len();
    let map: HashMap<String, ChatPost> = posts.into_iter().map(|p| (p.id.clone(), p)).collect();
    assert_eq!(map.len(), count, "a post was listed twice");
    map
}

const FULL: HistoryScope = HistoryScope::Backfill { oldest: None };

/// `identity` names the token's owner and the one workspace or team it reaches.
pub async fn identity_names_the_demo_user_and_the_workspace<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let me = source::<H>(&sandbox, H::TOKEN).identity().await.unwrap();
    assert_eq!(me.user_id, sandbox.demo_user(H::PROVIDER).id);
    assert_eq!(me.user_name, "demo");
    assert_eq!(me.teams.len(), 1);
    assert!(!me.teams[0].id.is_empty() && !me.teams[0].name.is_empty(), "{:?}", me.teams);
}

/// `channels` lists the live channels the user belongs to, each in a team of the identity.
pub async fn channels_are_the_live_ones_the_user_belongs_to<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let source = source::<H>(&sandbox, H::TOKEN);
    let listed = source.channels().await.unwrap();
    let team = &source.identity().await.unwrap().teams[0].id;
    assert!(listed.iter().all(|c| &c.team_id == team && !c.archived), "{listed:?}");
    let listed: BTreeSet<String> = listed.into_iter().map(|c| c.id).collect();
    let expected: BTreeSet<String> = sandbox
        .channels(H::PROVIDER)
        .into_iter()
        .filter(|c| c.member && !c.archived)
        .map(|c| c.id)
        .collect();
    assert_eq!(listed, expected);
}

/// A backfill pages through every live post of each readable channel exactly once, threads
/// with their roots, and nothing of other channels.
pub async fn a_backfill_walks_every_live_post_exactly_once<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let source = source::<H>(&sandbox, H::TOKEN);
    let channels = source.channels().await.unwrap();
    let (mut seen, mut live_seen) = (0, 0);
    for channel in &channels {
        let posts = by_id(walk(&source, &channel.id, FULL).await);
        let info = sandbox.channels(H::PROVIDER).into_iter().find(|c| c.id == channel.id);
        let live = posts.values().filter(|p| !p.deleted).count();
        assert_eq!(live, info.unwrap().live_posts, "channel {}", channel.name);
        if !H::DIALECT.tombstones {
            assert_eq!(live, posts.len(), "a deleted post listed in {}", channel.name);
        }
        for post in posts.values() {
            assert_eq!(post.channel_id, channel.id);
            if let Some(root) = &post.thread_root {
                assert!(posts.contains_key(root), "reply {} without its root", post.id);
            }
        }
        assert!(posts.values().any(|p| p.thread_root.is_some()), "no threads in {}", channel.name);
        seen += posts.len();
        live_seen += live;
    }
    // Every live post of every channel the user reads, and nothing else.
    let readable: usize = sandbox
        .channels(H::PROVIDER)
        .into_iter()
        .filter(|c| channels.iter().any(|mine| mine.id == c.id))
        .map(|c| c.live_posts)
        .sum();
    assert_eq!(live_seen, readable);
    assert!(seen > 0 && seen <= sandbox.post_count(H::PROVIDER));
}

/// Posts created in one millisecond (a bulk import, a burst of integration posts) are each
/// listed once, however the pages fall across them: a page boundary inside them, and whole
/// pages of them.
pub async fn posts_of_one_millisecond_are_each_listed_once<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let source = source::<H>(&sandbox, H::TOKEN);
    let channel = source.channels().await.unwrap()[0].id.clone();
    let texts: Vec<String> = (0..150).map(|i| format!("imported {i}")).collect();
    let burst: Vec<NewPost<'_>> = texts
        .iter()
        .map(|text| NewPost { channel_id: &channel, text, user_id: None, root_id: None })
        .collect();
    let imported = sandbox.post_together(H::PROVIDER, &burst).unwrap();
    // Newer posts, so the first page ends inside the burst.
    for i in 0..30 {
        let text = format!("after {i}");
        let post = NewPost { channel_id: &channel, text: &text, user_id: None, root_id: None };
        sandbox.post(H::PROVIDER, post).unwrap();
    }
    let posts = by_id(walk(&source, &channel, FULL).await);
    let missing: Vec<&str> =
        imported.iter().map(|p| p.id.as_str()).filter(|id| !posts.contains_key(*id)).collect();
    assert!(missing.is_empty(), "{} of the burst not listed", missing.len());
    let live = sandbox.channels(H::PROVIDER).into_iter().find(|c| c.id == channel);
    assert_eq!(posts.values().filter(|p| !p.deleted).count(), live.unwrap().live_posts);
}

/// A backfill from a time lists only posts at or after it: every thread started since, and
/// (where the provider lists them) the late replies to older threads.
pub async fn a_backfill_from_a_time_starts_there<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let source = source::<H>(&sandbox, H::TOKEN);
    let channel = &source.channels().await.unwrap()[0];
    let oldest = sandbox.now() - TimeDelta::days(3);
    let posts =
        by_id(walk(&source, &channel.id, HistoryScope::Backfill { oldest: Some(oldest) }).await);
    assert!(!posts.is_empty());
    // Replies may be newer than their root, never older.
    assert!(posts.values().all(|p| p.posted_at >= oldest));
    let all = walk(&source, &channel.id, FULL).await;
    let recent: Vec<&ChatPost> = all.iter().filter(|p| p.posted_at >= oldest).collect();
    assert!(!recent.is_empty() && recent.len() < all.len() && posts.len() < all.len());
    let roots = recent.iter().filter(|p| p.thread_root.is_none());
    assert!(roots.clone().all(|p| posts.contains_key(&p.id)), "a recent root is missing");
    if H::DIALECT.windowed_backfill_has_late_replies {
        assert_eq!(posts.len(), recent.len());
    }
}

/// A change scan reports exactly what was posted, edited and deleted since its time: new
/// roots and replies (to new and older threads), edits with their time, deletions as the
/// provider reports them; a thread's root is not reported for a new reply alone.
pub async fn changes_are_exactly_what_was_posted_edited_and_deleted_since<H: ChatSourceHarness>() {
    let dialect = H::DIALECT;
    let sandbox = start::<H>();
    let source = source::<H>(&sandbox, H::TOKEN);
    let channel = source.channels().await.unwrap()[0].id.clone();
    let before = by_id(walk(&source, &channel, FULL).await);
    let since = sandbox.clock();
    // Deleted roots from before `since` are tombstones in the lookback: reported every scan.
    let baseline = by_id(walk(&source, &channel, HistoryScope::Changes { since }).await);
    assert!(baseline.values().all(|p| p.deleted));
    if !dialect.tombstones {
        let quiet = source.history(&channel, HistoryScope::Changes { since }, None).await;
        let quiet = quiet.unwrap();
        assert!(quiet.posts.is_empty() && quiet.next.is_none(), "a quiet channel reports changes");
    }

    let newest = |pred: &dyn Fn(&ChatPost) -> bool| {
        before
            .values()
            .filter(|p| !p.deleted && pred(p))
            .max_by_key(|p| p.posted_at)
            .unwrap()
            .clone()
    };
    let roots: BTreeSet<&str> = before.values().filter_map(|p| p.thread_root.as_deref()).collect();
    let thread = newest(&|p| roots.contains(p.id.as_str()));
    let plain = newest(&|p| p.thread_root.is_none() && !roots.contains(p.id.as_str()));
    let to_edit = newest(&|p| p.thread_root.is_none() && p.id != thread.id && p.id != plain.id);
    let post = |text: &str, root: Option<&str>| {
        let new = NewPost { channel_id: &channel, text, user_id: None, root_id: root };
        sandbox.post(H::PROVIDER, new).unwrap().id
    };
    let fresh = post("fresh root", None);
    let fresh_reply = post("reply to the fresh root", Some(&fresh));
    let late_reply = post("late reply to an older thread", Some(&thread.id));
    sandbox.edit_post(H::PROVIDER, &channel, &to_edit.id, "edited text").unwrap();
    let doomed = post("soon deleted with or without its thread", None);
    let doomed_reply = post("a reply to a root deleted next", Some(&doomed));
    sandbox.delete_post(H::PROVIDER, &channel, &doomed).unwrap();
    sandbox.delete_post(H::PROVIDER, &channel, &plain.id).unwrap();

    if !dialect.tombstones {
        // A few changes fit one page.
        let page = source.history(&channel, HistoryScope::Changes { since }, None).await.unwrap();
        assert!(page.next.is_none() && !page.truncated);
    }
    let changes = by_id(walk(&source, &channel, HistoryScope::Changes { since }).await);
    let new: BTreeSet<&str> =
        changes.keys().map(String::as_str).filter(|id| !baseline.contains_key(*id)).collect();
    let mut expected: BTreeSet<&str> =
        [&fresh, &fresh_reply, &late_reply, &to_edit.id, &doomed, &doomed_reply]
            .into_iter()
            .map(String::as_str)
            .collect();
    if dialect.change_scan_reports_deletions {
        expected.insert(&plain.id);
    }
    // The older thread's root changed only by its new reply: not reported.
    assert_eq!(new, expected);
    assert!(baseline.keys().all(|id| changes.contains_key(id)));

    assert_eq!(changes[&fresh_reply].thread_root.as_deref(), Some(fresh.as_str()));
    assert_eq!(changes[&late_reply].thread_root.as_deref(), Some(thread.id.as_str()));
    assert_eq!(changes[&to_edit.id].text, "edited text");
    assert!(changes[&to_edit.id].edited_at.is_some_and(|at| at > since));
    assert!(changes[&doomed].deleted, "a deleted root reported live");
    if dialect.change_scan_reports_deletions {
        assert!(changes[&plain.id].deleted);
    }
    // A tombstone keeps no text, and its replies live on; otherwise they go with it.
    if dialect.tombstones {
        assert!(changes[&doomed].text.is_empty());
    }
    assert_eq!(changes[&doomed_reply].deleted, !dialect.tombstones);
    let wrongly_deleted: Vec<&str> = [&fresh, &fresh_reply, &late_reply, &to_edit.id]
        .into_iter()
        .map(String::as_str)
        .filter(|id| changes[*id].deleted)
        .collect();
    assert!(wrongly_deleted.is_empty(), "{wrongly_deleted:?}");

    // The next scan, from the time of the last change, has nothing new.
    let later = sandbox.clock();
    let after = by_id(walk(&source, &channel, HistoryScope::Changes { since: later }).await);
    assert!(after.values().all(|p| p.deleted && p.id != plain.id), "{after:?}");
    if !dialect.tombstones {
        assert!(after.is_empty());
    }
    // A backfill no longer lists the deleted post: three posts more, or five with a tombstone
    // and its surviving reply, one less.
    let backfill = by_id(walk(&source, &channel, FULL).await);
    assert!(!backfill.contains_key(&plain.id));
    let added = if dialect.tombstones { 5 } else { 3 };
    assert_eq!(backfill.len(), before.len() + added - 1);
}

/// A 429 is retried after `Retry-After`, within the retry policy: the throttled answers are
/// used up by the retries.
pub async fn a_429_is_retried_after_retry_after<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let source = source::<H>(&sandbox, H::TOKEN);
    sandbox.throttle_token(H::TOKEN, 3, Duration::ZERO);
    assert!(!source.channels().await.unwrap().is_empty());
    // The three throttled answers were used up by the adapter's retries: none is left.
    let strict = RetryPolicy { max_retries: 0, ..RETRY };
    let strict = H::source(&H::base_url(&sandbox), H::TOKEN, strict);
    strict.identity().await.unwrap();
}

/// More 429s than the policy retries give [`ChatError::RateLimited`], a transient error.
pub async fn too_many_429s_give_rate_limited<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let source = source::<H>(&sandbox, H::TOKEN);
    sandbox.throttle_token(H::TOKEN, 4, Duration::ZERO);
    let error = source.identity().await.unwrap_err();
    assert_eq!(error, ChatError::RateLimited { retry_after: Duration::ZERO });
    assert!(error.is_transient() && !error.needs_reauth());
    source.identity().await.unwrap();
}

/// A `Retry-After` longer than the policy's longest wait fails at once, and the source then
/// waits out the pause without calling; another source has its own. Whether the 429 was for
/// the token or for everyone.
pub async fn a_retry_after_beyond_the_longest_wait_fails_at_once<H: ChatSourceHarness>() {
    for provider_wide in [false, true] {
        let sandbox = start::<H>();
        let source = source::<H>(&sandbox, H::TOKEN);
        if provider_wide {
            sandbox.throttle_provider(H::PROVIDER, 1, Duration::from_secs(30));
        } else {
            sandbox.throttle_token(H::TOKEN, 1, Duration::from_secs(30));
        }
        let error = source.identity().await.unwrap_err();
        assert_eq!(error, ChatError::RateLimited { retry_after: Duration::from_secs(30) });
        // The source's calls wait out the pause: this one is refused without asking.
        let requests = sandbox.requests(H::PROVIDER);
        let Err(ChatError::RateLimited { retry_after }) = source.identity().await else {
            panic!("called during the pause")
        };
        assert!(retry_after > Duration::from_secs(29) && retry_after <= Duration::from_secs(30));
        assert_eq!(sandbox.requests(H::PROVIDER), requests);
        // Another source (another sync) has its own pause.
        self::source::<H>(&sandbox, H::TOKEN).identity().await.unwrap();
    }
}

/// A token revoked after it was validated fails the next call with an error that asks for a
/// new token.
pub async fn a_revoked_token_needs_reauth<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let token = H::token("revokedsoon");
    sandbox.add_token(H::PROVIDER, &token);
    let source = source::<H>(&sandbox, &token);
    source.identity().await.unwrap();
    assert!(sandbox.revoke_token(&token));
    let error = source.channels().await.unwrap_err();
    if H::DIALECT.revocation_is_distinct {
        assert_eq!(error, ChatError::TokenRevoked);
    } else {
        assert!(matches!(error, ChatError::Unauthorized { .. }), "{error:?}");
    }
    assert!(error.needs_reauth() && !error.is_transient());
}

/// A token the provider does not know is [`ChatError::Unauthorized`].
pub async fn an_unknown_token_is_unauthorized<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let error = source::<H>(&sandbox, &H::token("nobody")).identity().await.unwrap_err();
    assert!(matches!(error, ChatError::Unauthorized { .. }), "{error:?}");
    assert!(error.needs_reauth());
}

/// A channel that does not exist, and another's private channel, are both
/// [`ChatError::NotFound`]: the answer does not tell them apart.
pub async fn an_unknown_or_foreign_channel_is_not_found<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let source = source::<H>(&sandbox, H::TOKEN);
    let error = source.history(H::UNKNOWN_CHANNEL, FULL, None).await;
    assert!(matches!(error, Err(ChatError::NotFound { .. })), "{error:?}");
    let foreign = sandbox.channels(H::PROVIDER).into_iter().find(|c| c.private && !c.member);
    let error = source.history(&foreign.unwrap().id, FULL, None).await;
    assert!(matches!(error, Err(ChatError::NotFound { .. })), "{error:?}");
}

/// `users` resolves a few ids and a whole workspace's (past the adapters' one-by-one limit),
/// leaving unknown ids out and flagging deactivated accounts; no ids ask nothing.
pub async fn users_resolve_one_by_one_and_in_bulk<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let source = source::<H>(&sandbox, H::TOKEN);
    let people = sandbox.users(H::PROVIDER);
    let few: Vec<String> =
        people.iter().take(3).map(|u| u.id.clone()).chain([H::UNKNOWN_USER.to_owned()]).collect();
    let found = source.users(&few).await.unwrap();
    assert_eq!(found.len(), 3);
    let second = found.iter().find(|u| u.id == people[1].id).unwrap();
    assert_eq!(second.display_name, people[1].real_name);
    assert_eq!(second.username, people[1].username);

    let mut all: Vec<String> = people.iter().map(|u| u.id.clone()).collect();
    assert!(all.len() > 20);
    all.push(H::UNKNOWN_USER.to_owned());
    let found = source.users(&all).await.unwrap();
    assert_eq!(found.len(), people.len());
    assert_eq!(found.iter().filter(|u| u.deleted).count(), 1);

    let requests = sandbox.requests(H::PROVIDER);
    assert!(source.users(&[]).await.unwrap().is_empty());
    assert_eq!(sandbox.requests(H::PROVIDER), requests, "no ids, no request");
}

/// A provider that cannot be reached is [`ChatError::Transport`], transient, naming the
/// cause; it never asks for a new token.
pub async fn an_unreachable_provider_is_a_transport_error<H: ChatSourceHarness>() {
    // A port just freed: nothing listens there, so the connection is refused at once.
    let addr = TcpListener::bind(("127.0.0.1", 0)).unwrap().local_addr().unwrap();
    let source = H::source(&format!("http://{addr}"), H::TOKEN, RETRY);
    let error = source.identity().await.unwrap_err();
    assert!(matches!(&error, ChatError::Transport(why) if why.contains("onnect")), "{error:?}");
    assert!(error.is_transient() && !error.needs_reauth());
    let error = source.history(H::UNKNOWN_CHANNEL, FULL, None).await.unwrap_err();
    assert!(matches!(error, ChatError::Transport(_)), "{error:?}");
}

/// One `#[tokio::test]` per case of the chat-source contract, for the harness given.
///
/// ```ignore
/// switchboard_contracts::chat_source_contract!(SlackHarness);
/// ```
#[macro_export]
macro_rules! chat_source_contract {
    ($harness:ty) => {
        $crate::chat_source_contract!(@cases $harness;
            identity_names_the_demo_user_and_the_workspace,
            channels_are_the_live_ones_the_user_belongs_to,
            a_backfill_walks_every_live_post_exactly_once,
            a_backfill_from_a_time_starts_there,
            posts_of_one_millisecond_are_each_listed_once,
            changes_are_exactly_what_was_posted_edited_and_deleted_since,
            a_429_is_retried_after_retry_after,
            too_many_429s_give_rate_limited,
            a_retry_after_beyond_the_longest_wait_fails_at_once,
            a_revoked_token_needs_reauth,
            an_unknown_token_is_unauthorized,
            an_unknown_or_foreign_channel_is_not_found,
            users_resolve_one_by_one_and_in_bulk,
            an_unreachable_provider_is_a_transport_error,
        );
        $crate::chat_source_contract!(@kinds $harness;
            posts_say_whether_a_person_a_bot_or_the_system_wrote_them,
            a_webhook_post_is_the_webhooks_never_its_creators,
            an_integrations_attachments_are_read_as_its_words,
            a_file_shared_without_a_comment_is_read_by_its_name,
            direct_and_group_messages_are_listed_as_such_or_not_at_all,
            a_server_error_is_unavailable_with_its_retry_after,
            a_url_without_the_api_is_not_found,
        );
    };
    (@kinds $harness:ty; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                $crate::chat_kinds::$case::<$harness>().await;
            }
        )*
    };
    (@cases $harness:ty; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                $crate::chat_source::$case::<$harness>().await;
            }
        )*
    };
}
