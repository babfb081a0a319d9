#![doc = include_str!("../README.md")]

mod admin;
mod builder;
mod control;
mod credentials;
mod data;
mod error;
mod faults;
mod google;
mod mattermost;
mod microsoft;
mod running;
mod server;
mod slack;
mod store;

pub use builder::{DEFAULT_SEED, Sandbox, SandboxBuilder};
pub use control::{ChannelInfo, NewPost, PostAs, PostRef, UserInfo};
pub use data::{Conversation, Notice, WEBHOOK_APP_NAME};
pub use error::SandboxError;
pub use google::control::{GmailMessageInfo, NewGmail};
pub use microsoft::control::{MailFolderInfo, MailMessageInfo, MailboxInfo, NewMail};
pub use microsoft::identity::{TokenFault, TokenVersion};
pub use running::RunningSandbox;

use serde::{Deserialize, Serialize};

/// The built-in Slack user token of the demo user (`xoxp-` like a real user token).
pub const SLACK_TOKEN: &str = "xoxp-sandbox-demo-user-token";

/// The built-in Mattermost personal access token of the demo user (26 characters, as
/// Mattermost's are).
pub const MATTERMOST_TOKEN: &str = "sandboxdemousertoken000001";

/// The client id of the Slack app every sandbox knows (more with
/// [`Sandbox::add_slack_oauth_client`]).
pub const SLACK_OAUTH_CLIENT_ID: &str = "sandbox-client-id";

/// The client secret of [`SLACK_OAUTH_CLIENT_ID`].
pub const SLACK_OAUTH_CLIENT_SECRET: &str = "sandbox-client-secret";

/// The client id of the Microsoft app every sandbox knows (a confidential web app; loopback
/// redirect URIs accepted on any port). It is also "this API's app" that On-Behalf-Of
/// assertions are minted for.
pub const MICROSOFT_CLIENT_ID: &str = "5b1e0c3a-7d2f-4e8a-9c61-0a4d5e6f7a81";

/// The client secret of [`MICROSOFT_CLIENT_ID`].
pub const MICROSOFT_CLIENT_SECRET: &str = "sbx8Q~sandbox-microsoft-client-secret";

/// The client id of the mobile app that On-Behalf-Of assertions say they were issued to.
pub const MICROSOFT_MOBILE_CLIENT_ID: &str = "9c2a4f10-3b7e-4d55-8f0a-6e1b2c3d4e5f";

/// The client id of the Google OAuth client every sandbox knows (a web application; loopback
/// redirect URIs accepted on any port).
pub const GOOGLE_CLIENT_ID: &str =
    "418934710385-sandbox0halden0mail0client0a1b2.apps.googleusercontent.com";

/// The client secret of [`GOOGLE_CLIENT_ID`].
pub const GOOGLE_CLIENT_SECRET: &str = "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";

/// A fake provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// The Slack Web API.
    Slack,
    /// The Mattermost API v4.
    Mattermost,
}
