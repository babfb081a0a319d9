//! The `[chat]` section: chat providers and ingest.

use secrecy::SecretString;
use serde::Deserialize;

/// Chat sources and their sync.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatConfig {
    /// The Slack Web API base URL (without the method).
    pub slack_base_url: String,
    /// The Mattermost server used when a source is connected without `base_url`; empty:
    /// `base_url` is required.
    pub mattermost_base_url: String,
    /// How many days of history the first sync of a channel reads.
    pub backfill_days: u32,
    /// Seconds between scheduled syncs of every source.
    pub sync_interval_secs: u64,
    /// Accept provider URLs resolving to loopback, private or link-local addresses.
    pub allow_private_networks: bool,
    /// Per-request timeout towards providers, in seconds.
    pub request_timeout_secs: u64,
    /// How far before a channel's sync mark a change scan starts, in seconds.
    pub change_margin_secs: u64,
    /// Hours of a channel's latest history read again in full at each sync, to notice
    /// deletions a change scan cannot see (Slack); 0: never.
    pub reconcile_hours: u64,
    /// Channels of one source synced at once.
    pub channel_concurrency: usize,
    /// Slack: thread reads (`conversations.replies`) in flight at once per channel.
    pub thread_concurrency: usize,
    /// MiB of memory per process for the pages of posts served lately, each served again while
    /// its channel's posts are unchanged; 0 keeps none.
    pub page_cache_mb: u64,
    /// The Slack app's signing secret, checking the requests of Slack's Events API
    /// (`POST /api/chat/slack/events`); empty: events are refused.
    pub slack_signing_secret: SecretString,
    /// Connecting Slack with OAuth v2 instead of a pasted token.
    pub slack_oauth: SlackOAuthConfig,
}

/// Slack OAuth v2: `GET /api/chat/oauth/slack/start` and `/callback`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlackOAuthConfig {
    /// The Slack app's client id; empty turns OAuth off (the routes answer 404).
    pub client_id: String,
    /// The Slack app's client secret, sent to `oauth.v2.access` only.
    pub client_secret: SecretString,
    /// This server's callback as registered in the Slack app
    /// (`https://…/api/chat/oauth/slack/callback`); empty: derived from the address `serve`
    /// binds (development).
    pub redirect_uri: String,
    /// Slack's authorization page (the sandbox's when it runs).
    pub authorize_url: String,
    /// Scopes of the user token, which reads the user's own channels.
    pub user_scopes: Vec<String>,
    /// Scopes of a bot token (none needed: Switchboard reads with the user token).
    pub bot_scopes: Vec<String>,
    /// How long a started authorization stays usable, in seconds.
    pub state_ttl_secs: u64,
}

#[cfg(test)]
impl ChatConfig {
    /// Loopback allowed, short timeouts: what unit tests of the wiring need.
    pub(crate) fn for_tests() -> Self {
        Self {
            slack_base_url: "https://slack.com/api".into(),
            mattermost_base_url: String::new(),
            backfill_days: 30,
            sync_interval_secs: 60,
            allow_private_networks: true,
            request_timeout_secs: 5,
            change_margin_secs: 60,
            reconcile_hours: 24,
            channel_concurrency: 2,
            thread_concurrency: 2,
            page_cache_mb: 1,
            slack_signing_secret: SecretString::from("signing-secret-1"),
            slack_oauth: SlackOAuthConfig {
                client_id: "client-1".into(),
                client_secret: SecretString::from("secret-1"),
                redirect_uri: "http://127.0.0.1:8000/api/chat/oauth/slack/callback".into(),
                authorize_url: "https://slack.com/oauth/v2/authorize".into(),
                user_scopes: vec!["channels:history".into()],
                bot_scopes: Vec::new(),
                state_ttl_secs: 600,
            },
        }
    }
}
