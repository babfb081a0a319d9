//! The Mattermost adapter against the sandbox's fake API v4, over HTTP, through the real
//! client: the chat-source contract (`switchboard-contracts`), and what only Mattermost does.

use secrecy::SecretString;
use switchboard_contracts::chat_source::{self, ChatSourceHarness, Dialect};
use switchboard_domain::chat::HistoryScope;
use switchboard_mattermost::{MattermostConfig, MattermostSource};
use switchboard_ports::{ChatError, ChatSource, RetryPolicy};
use switchboard_sandbox::{MATTERMOST_TOKEN, Provider, RunningSandbox};

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
