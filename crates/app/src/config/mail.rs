//! The `[mail]` section: linking and syncing mailboxes (Outlook through Microsoft Graph, Gmail
//! through the Gmail API).

use std::collections::BTreeMap;

use secrecy::SecretString;
use serde::Deserialize;

/// Mail settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// How far back (days) the first sync of a mailbox reads.
    pub window_days: u32,
    /// Messages written per transaction while syncing.
    pub batch_size: usize,
    /// How often (seconds) every mailbox syncs by delta.
    pub sync_interval_secs: u64,
    /// How long (seconds) a started link may take at the provider.
    pub state_ttl_secs: u64,
    /// How long (seconds) a one-time link code waits for the client.
    pub link_code_ttl_secs: u64,
    /// This server's OAuth callback as registered with the providers (its public URL); empty:
    /// `http://{server.host}:{server.port}/api/mail/link/callback`.
    pub callback_uri: String,
    /// Client redirect URIs a link may send the browser back to (exact matches).
    pub allowed_redirect_uris: Vec<String>,
    /// Write read state back to the provider (asks `Mail.ReadWrite`, `gmail.modify`).
    pub write_back: bool,
    /// Allow sending mail (asks `Mail.Send`, `gmail.send`).
    pub send: bool,
    /// Refresh an access token this many seconds before it expires.
    pub refresh_margin_secs: u64,
    /// Timeout (seconds) of one provider request.
    pub request_timeout_secs: u64,
    /// MiB of memory per process for the pages of messages and threads served lately, each
    /// served again while its account's mail is unchanged; 0 keeps none.
    pub page_cache_mb: u64,
    /// DNS servers (`ip:port`) for MX lookups; empty: the system's resolver.
    pub dns_servers: Vec<String>,
    /// Fixed MX hosts per domain, looked up before DNS (tests, the sandbox's tenant).
    pub mx_overrides: BTreeMap<String, Vec<String>>,
    /// Outlook through the Microsoft identity platform and Graph.
    pub microsoft: MicrosoftConfig,
    /// Gmail through Google's OAuth 2.0 and the Gmail API.
    pub google: GoogleConfig,
}

/// The Azure AD (Entra ID) app and Microsoft's endpoints.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MicrosoftConfig {
    /// The app's client id; empty: Outlook is not offered.
    pub client_id: String,
    /// The app's client secret.
    pub client_secret: SecretString,
    /// `common`, `organizations`, `consumers` or a tenant id.
    pub tenant: String,
    /// The identity platform's authority host.
    pub login_base_url: String,
    /// Microsoft Graph's service root.
    pub graph_base_url: String,
    /// Audiences accepted in On-Behalf-Of assertions besides the client id and
    /// `api://{client_id}`.
    pub audiences: Vec<String>,
    /// The identity platform's signing keys are fetched again when older than this.
    pub signing_keys_max_age_secs: u64,
    /// While they cannot be fetched, the last keys fetched are trusted for up to this long.
    pub signing_keys_stale_limit_secs: u64,
}

/// The Google Cloud OAuth client and Google's endpoints.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoogleConfig {
    /// The OAuth client's id (a "Web application" client); empty: Gmail is not offered.
    pub client_id: String,
    /// The OAuth client's secret.
    pub client_secret: SecretString,
    /// The authorization endpoint.
    pub authorize_url: String,
    /// The token endpoint.
    pub token_url: String,
    /// The revocation endpoint (unlinking revokes the grant there).
    pub revoke_url: String,
    /// Where the Gmail API's `gmail/v1/users/…` (and `upload/gmail/v1/…`) paths start.
    pub gmail_base_url: String,
}

impl GoogleConfig {
    /// Every endpoint, for the production check.
    pub fn endpoints(&self) -> [&str; 4] {
        [&self.authorize_url, &self.token_url, &self.revoke_url, &self.gmail_base_url]
    }
}
