//! The Mattermost adapter against the sandbox's fake API v4, over HTTP, through the real
//! client: the chat-source contract (`switchboard-contracts`), and what only Mattermost does.

#![expect(clippy::unwrap_used, reason = "tests")]

use secrecy::SecretString;
use switchboard_contracts::chat_source::{self, ChatSourceHarness, Dialect};
use switchboard_domain::chat::HistoryScope;
use switchboard_mattermost::{MattermostConfig, MattermostSource};
use switchboard_ports::{ChatError, ChatSource, RetryPolicy};
use switchboard_sandbox::{MATTERMOST_TOKEN, NewPost, Provider, RunningSandbox, UserInfo};

struct Mattermost;

impl ChatSourceHarness for Mattermost {
    type Source = MattermostSource;
    const PROVIDER: Provider = Provider::Mattermost;
    const TOKEN: &'static str = MATTERMOST_TOKEN;
    const SEED: u64 = 13;
    const DIALECT: Dialect = Dialect {
        tombstones: false,
        change_scan_reports_deletions: true,
        windowed_backfill_has_late_replies: true,
        revocation_is_distinct: false,
        lists_conversations: true,
    };
    const UNKNOWN_CHANNEL: &'static str = "abcdefghijkmnopqrstuwxyz13";
    const UNKNOWN_USER: &'static str = "abcdefghijkmnopqrstuwxyz13";

    fn base_url(sandbox: &RunningSandbox) -> String {
        sandbox.mattermost_base_url()
    }

    fn source(base_url: &str, token: &str, retry: RetryPolicy) -> MattermostSource {
        let mut config = MattermostConfig::new(base_url);
        config.page_size = 70;
        config.retry = retry;
        MattermostSource::new(&config, SecretString::from(token)).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Personal access tokens are 26 characters.
    fn token(label: &str) -> String {
        format!("{label:0<26}")
    }
}

switchboard_contracts::chat_source_contract!(Mattermost);

/// Mattermost checks an id's shape before looking it up: a malformed one is its
/// `invalid_url_param` error, not a missing channel.
#[tokio::test]
async fn a_malformed_channel_id_is_a_provider_error() {
    let sandbox = chat_source::start::<Mattermost>();
    let scope = HistoryScope::Backfill { oldest: None };
    let source = chat_source::source::<Mattermost>(&sandbox, MATTERMOST_TOKEN);
    let error = source.history("nope", scope, None).await;
    assert!(
        matches!(&error, Err(ChatError::Provider { code, .. }) if code.contains("invalid_url_param")),
        "{error:?}"
    );
}

/// An edit keeps the version it replaced as a deleted copy with its own id and `original_id`
/// naming the post, which `since` lists (and lists again when the thread's root is deleted);
/// no history holds it: only the edited post is a change.
#[tokio::test]
async fn the_copies_edits_keep_are_in_no_history() {
    let sandbox = chat_source::start::<Mattermost>();
    let source = chat_source::source::<Mattermost>(&sandbox, MATTERMOST_TOKEN);
    let channel = source.channels().await.unwrap()[0].id.clone();
    let since = sandbox.clock();
    let post = |text: &str, root: Option<&str>| {
        let new = NewPost { channel_id: &channel, text, user_id: None, root_id: root };
        sandbox.post(Provider::Mattermost, new).unwrap().id
    };
    let root = post("a root", None);
    let reply = post("a reply", Some(&root));
    let plain = post("a plain post", None);
    sandbox.edit_post(Provider::Mattermost, &channel, &plain, "edited once").unwrap();
    sandbox.edit_post(Provider::Mattermost, &channel, &plain, "edited twice").unwrap();
    sandbox.edit_post(Provider::Mattermost, &channel, &reply, "an edited reply").unwrap();

    // The fake answers as the server does: one deleted copy per edit.
    let url = format!("{}/api/v4/channels/{channel}/posts", sandbox.mattermost_base_url());
    let since_ms = since.timestamp_millis().to_string();
    let raw: serde_json::Value = reqwest::Client::new()
        .get(&url)
        .query(&[("since", since_ms.as_str())])
        .bearer_auth(MATTERMOST_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let copies: Vec<&serde_json::Value> = raw["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| &raw["posts"][id.as_str().unwrap()])
        .filter(|p| p["original_id"] != "")
        .collect();
    let originals: Vec<&str> = copies.iter().map(|p| p["original_id"].as_str().unwrap()).collect();
    assert_eq!(originals, [plain.as_str(), plain.as_str(), reply.as_str()], "{raw}");
    assert!(copies.iter().all(|p| p["delete_at"].as_i64().unwrap() > 0));

    let changes = chat_source::walk(&source, &channel, HistoryScope::Changes { since }).await;
    let mut ids: Vec<&str> = changes.iter().map(|p| p.id.as_str()).collect();
    ids.sort_unstable();
    let mut expected = [root.as_str(), reply.as_str(), plain.as_str()];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    assert!(changes.iter().all(|p| !p.deleted), "{changes:?}");

    // Deleting the root stamps its replies' copies again: still no post.
    let later = sandbox.clock();
    sandbox.delete_post(Provider::Mattermost, &channel, &root).unwrap();
    let changes = chat_source::walk(&source, &channel, HistoryScope::Changes { since: later });
    let mut ids: Vec<String> = changes.await.into_iter().map(|p| p.id).collect();
    ids.sort_unstable();
    let mut expected = [root.clone(), reply.clone()];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    let backfill = chat_source::walk(&source, &channel, HistoryScope::Backfill { oldest: None });
    assert!(backfill.await.iter().all(|p| !p.deleted && p.id != root));
}

/// Channels are shown by their display names (`Town Square`, not `town-square`); a direct
/// channel by the other member's username, a group by its members' usernames.
#[tokio::test]
async fn channels_are_shown_by_the_names_people_see() {
    let sandbox = chat_source::start::<Mattermost>();
    let me = sandbox.demo_user(Provider::Mattermost);
    let people: Vec<UserInfo> = sandbox
        .users(Provider::Mattermost)
        .into_iter()
        .filter(|u| u.id != me.id && !u.deleted)
        .collect();
    let direct = sandbox.add_conversation(Provider::Mattermost, &[&people[0].id]).unwrap();
    let group =
        sandbox.add_conversation(Provider::Mattermost, &[&people[1].id, &people[2].id]).unwrap();
    let town = sandbox
        .channels(Provider::Mattermost)
        .into_iter()
        .find(|c| c.name == "town-square")
        .unwrap();

    let listed = chat_source::source::<Mattermost>(&sandbox, MATTERMOST_TOKEN).channels().await;
    let listed = listed.unwrap();
    let name = |id: &str| listed.iter().find(|c| c.id == id).map(|c| c.name.as_str());
    assert_eq!(name(&town.id), Some("Town Square"));
    assert_eq!(name(&direct), Some(people[0].username.as_str()));
    let mut members = [me.username.as_str(), &people[1].username, &people[2].username];
    members.sort_unstable();
    assert_eq!(name(&group), Some(members.join(", ").as_str()));
}
