//! The `[sandbox]` section: fake Slack and Mattermost served by `serve` itself, and the demo
//! account connected to them, for `make run`. Development only: the production profile refuses
//! to start with the sandbox enabled.

use secrecy::SecretString;
use serde::Deserialize;

/// The in-process sandbox.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxConfig {
    /// Serve the fake providers, and point `chat.slack_base_url`, `chat.mattermost_base_url`
    /// and `chat.slack_oauth.authorize_url` at them.
    pub enabled: bool,
    /// Address to bind (loopback: the sandbox has no authentication at all).
    pub host: String,
    /// Port to bind; 0 picks a free one.
    pub port: u16,
    /// The seed of the generated workspaces: the same seed gives the same people, channels
    /// and conversations.
    pub seed: u64,
    /// Posts in each regular channel (the defaults give 57,200 posts in all).
    pub posts_per_channel: usize,
    /// The demo account.
    pub demo: DemoConfig,
}

/// The demo account `serve` creates and connects to the sandbox.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoConfig {
    /// Create (or reset) the account, connect it to both fake providers and sync them.
    pub enabled: bool,
    /// Its email, the login.
    pub email: String,
    /// Its password; empty: a random one at each start. Printed at start either way.
    pub password: SecretString,
    /// Its display name.
    pub display_name: String,
}
