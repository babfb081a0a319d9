//! The chat-source contract, continued: who a post comes from (a person, a bot or webhook,
//! the provider itself), direct messages, and the failures a caller tells apart when
//! connecting (a provider failing, a URL where no API answers). Run by
//! [`crate::chat_source_contract!`] with the other cases.

use std::time::Duration;

use chrono::{DateTime, Utc};
use switchboard_domain::chat::{ChannelKind, ChatPost, HistoryScope, PostKind};
use switchboard_ports::{ChatError, ChatSource};
use switchboard_sandbox::{
    ChannelInfo, NewPost, Notice, PostAs, RunningSandbox, UserInfo, WEBHOOK_APP_NAME,
};

use crate::chat_source::{ChatSourceHarness, RETRY, by_id, source, start, walk};

/// A regular channel the demo user belongs to, and someone else of the workspace.
fn channel_and_other<H: ChatSourceHarness>(sandbox: &RunningSandbox) -> (ChannelInfo, UserInfo) {
    let channel = sandbox
        .channels(H::PROVIDER)
        .into_iter()
        .find(|c| c.member && !c.private && !c.archived && c.conversation.is_none())
        .expect("a public channel of the demo user's");
    let me = sandbox.demo_user(H::PROVIDER);
    let other = sandbox
        .users(H::PROVIDER)
        .into_iter()
        .find(|u| u.id != me.id && !u.deleted)
        .expect("someone else");
    (channel, other)
}

/// Posts `text` in `channel` as `from`, by `user`; returns its id and time.
fn post_as<H: ChatSourceHarness>(
    sandbox: &RunningSandbox,
    channel: &str,
    user: &str,
    text: &str,
    from: PostAs<'_>,
) -> (String, DateTime<Utc>) {
    let new = NewPost { channel_id: channel, text, user_id: Some(user), root_id: None };
    let posted = sandbox.post_as(H::PROVIDER, new, from).expect("posted");
    (posted.id, posted.at)
}

/// The posts of `channel` from `since` on.
async fn since<H: ChatSourceHarness>(
    sandbox: &RunningSandbox,
    channel: &str,
    since: DateTime<Utc>,
) -> std::collections::HashMap<String, ChatPost> {
    let source = source::<H>(sandbox, H::TOKEN);
    by_id(walk(&source, channel, HistoryScope::Backfill { oldest: Some(since) }).await)
}

/// A person's post is theirs; a bot's is a bot's, named as it posted; a notice of the
/// provider's own (a member joined) is the system's. No post is left without an author.
pub async fn posts_say_whether_a_person_a_bot_or_the_system_wrote_them<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let (channel, other) = channel_and_other::<H>(&sandbox);
    let post = |text, from| post_as::<H>(&sandbox, &channel.id, &other.id, text, from);
    let (person, first) = post("the release notes are ready", PostAs::Person);
    let (bot, _) = post("deploy finished", PostAs::Bot { name: "Deploy Bot" });
    let (joined, _) = post("joined the channel", PostAs::Notice(Notice::Join));
    let (topic, _) = post("set the topic: releases", PostAs::Notice(Notice::Topic));
    let posts = since::<H>(&sandbox, &channel.id, first).await;
    assert_eq!(posts.len(), 4, "{posts:?}");

    let person = &posts[&person];
    assert_eq!((person.kind, person.author_id.as_str()), (PostKind::User, other.id.as_str()));
    let bot = &posts[&bot];
    assert_eq!(bot.kind, PostKind::Bot);
    assert_eq!(bot.author_name.as_deref(), Some("Deploy Bot"));
    for notice in [&posts[&joined], &posts[&topic]] {
        assert_eq!(notice.kind, PostKind::System, "{notice:?}");
    }
    assert!(posts.values().all(|p| !p.author_id.is_empty()), "{posts:?}");
}

/// A webhook posts as the user who created it: its posts are the webhook's, named as they
/// show (the name it overrides its own with, else the webhook's), never that user's.
pub async fn a_webhook_post_is_the_webhooks_never_its_creators<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let (channel, creator) = channel_and_other::<H>(&sandbox);
    let post = |text, from| post_as::<H>(&sandbox, &channel.id, &creator.id, text, from);
    let (named, first) = post("build 42 failed", PostAs::Webhook { name: Some("Jenkins") });
    let (plain, _) = post("disk almost full", PostAs::Webhook { name: None });
    let posts = since::<H>(&sandbox, &channel.id, first).await;

    let named = &posts[&named];
    let plain = &posts[&plain];
    assert_eq!((named.kind, plain.kind), (PostKind::Bot, PostKind::Bot));
    assert_eq!(named.author_name.as_deref(), Some("Jenkins"));
    assert_eq!(plain.author_name.as_deref(), Some(WEBHOOK_APP_NAME));
    for post in [named, plain] {
        assert!(!post.author_id.is_empty() && post.author_id != creator.id, "{post:?}");
    }
    assert_ne!(named.author_id, plain.author_id, "two names, two authors");
}

/// A webhook's alert that says everything in its attachments (Slack's secondary
/// attachments, Mattermost's `props.attachments`, one format) is read with their words after
/// its own text: pretext, title, text and each field as `title: value`, a fallback only for an
/// attachment with none of those.
pub async fn an_integrations_attachments_are_read_as_its_words<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let (channel, creator) = channel_and_other::<H>(&sandbox);
    let post = |text, attachments| {
        let new =
            NewPost { channel_id: &channel.id, text, user_id: Some(&creator.id), root_id: None };
        let from = PostAs::Webhook { name: Some("Grafana") };
        sandbox.post_with_attachments(H::PROVIDER, new, from, attachments).expect("posted")
    };
    let alert = post(
        "",
        vec![serde_json::json!({
            "fallback": "[FIRING] Disk almost full on db-1",
            "color": "#ff0000",
            "title": "Disk almost full",
            "text": "db-1 is at 97 percent",
            "fields": [{"title": "Severity", "value": "critical", "short": true}]
        })],
    );
    let summary =
        post("Nightly build", vec![serde_json::json!({"fallback": "all 412 tests passed"})]);
    let posts = since::<H>(&sandbox, &channel.id, alert.at).await;
    assert_eq!(
        posts[&alert.id].text,
        "Disk almost full\ndb-1 is at 97 percent\nSeverity: critical"
    );
    assert_eq!(posts[&summary.id].text, "Nightly build\nall 412 tests passed");
    assert_eq!(posts[&alert.id].kind, PostKind::Bot);
}

/// A file shared without a comment is read by its files' names (a post with no words
/// otherwise); with a comment, the comment says what it is and stays the post's text alone.
pub async fn a_file_shared_without_a_comment_is_read_by_its_name<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let (channel, other) = channel_and_other::<H>(&sandbox);
    let share = |text, names: &[&str]| {
        let new =
            NewPost { channel_id: &channel.id, text, user_id: Some(&other.id), root_id: None };
        sandbox.post_with_files(H::PROVIDER, new, names).expect("posted")
    };
    let bare = share("", &["Q3 budget forecast.xlsx", "hiring plan.pdf"]);
    let commented = share("the numbers for Thursday", &["Q3 budget forecast.xlsx"]);
    let posts = since::<H>(&sandbox, &channel.id, bare.at).await;
    assert_eq!(posts[&bare.id].text, "Q3 budget forecast.xlsx\nhiring plan.pdf");
    assert_eq!(posts[&commented.id].text, "the numbers for Thursday");
    for post in [&posts[&bare.id], &posts[&commented.id]] {
        assert_eq!((post.kind, post.author_id.as_str()), (PostKind::User, other.id.as_str()));
    }
}

/// Direct and group messages are listed as [`ChannelKind::Direct`] and
/// [`ChannelKind::Group`] when the adapter reads them, and never as channels.
pub async fn direct_and_group_messages_are_listed_as_such_or_not_at_all<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let people: Vec<UserInfo> =
        sandbox.users(H::PROVIDER).into_iter().filter(|u| !u.deleted).collect();
    let me = sandbox.demo_user(H::PROVIDER);
    let others: Vec<&str> =
        people.iter().filter(|u| u.id != me.id).map(|u| u.id.as_str()).collect();
    let direct = sandbox.add_conversation(H::PROVIDER, &others[..1]).expect("a direct message");
    let group = sandbox.add_conversation(H::PROVIDER, &others[1..3]).expect("a group message");
    let listed = source::<H>(&sandbox, H::TOKEN).channels().await.unwrap();
    let kind_of = |id: &str| listed.iter().find(|c| c.id == id).map(|c| c.kind);
    if H::DIALECT.lists_conversations {
        assert_eq!(kind_of(&direct), Some(ChannelKind::Direct), "{listed:?}");
        assert_eq!(kind_of(&group), Some(ChannelKind::Group), "{listed:?}");
    } else {
        assert_eq!((kind_of(&direct), kind_of(&group)), (None, None), "{listed:?}");
    }
    assert!(listed.iter().all(|c| c.kind.is_conversation() == (c.id == direct || c.id == group)));
}

/// A provider answering a server error is [`ChatError::Unavailable`], transient, with the
/// `Retry-After` it sent; never a reason for a new token.
pub async fn a_server_error_is_unavailable_with_its_retry_after<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let source = source::<H>(&sandbox, H::TOKEN);
    sandbox.fail_provider(H::PROVIDER, 1, 503, Some(Duration::from_secs(7)));
    let error = source.identity().await.unwrap_err();
    let retry_after = Some(Duration::from_secs(7));
    assert!(
        matches!(&error, ChatError::Unavailable { retry_after: r, .. } if *r == retry_after),
        "{error:?}"
    );
    assert!(error.is_transient() && !error.needs_reauth());
    sandbox.fail_provider(H::PROVIDER, 1, 500, None);
    let error = source.channels().await.unwrap_err();
    assert!(matches!(error, ChatError::Unavailable { retry_after: None, .. }), "{error:?}");
    assert!(source.identity().await.is_ok(), "the failure is over");
}

/// A URL where the provider's API does not answer (a wrong path) is
/// [`ChatError::NotFound`] or [`ChatError::InvalidResponse`]: not transient, not the token's
/// fault — the URL is.
pub async fn a_url_without_the_api_is_not_found<H: ChatSourceHarness>() {
    let sandbox = start::<H>();
    let wrong = format!("{}/no/api/here", H::base_url(&sandbox));
    let error = H::source(&wrong, H::TOKEN, RETRY).identity().await.unwrap_err();
    assert!(
        matches!(error, ChatError::NotFound { .. } | ChatError::InvalidResponse(_)),
        "{error:?}"
    );
    assert!(!error.is_transient() && !error.needs_reauth());
}
