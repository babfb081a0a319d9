//! The Slack adapter against the sandbox's fake Web API, over HTTP, through the real client:
//! the chat-source contract (`switchboard-contracts`), and the events the sandbox sends.
#![expect(clippy::unwrap_used, reason = "tests")]

mod events;

use secrecy::SecretString;
use switchboard_contracts::chat_source::{ChatSourceHarness, Dialect};
use switchboard_ports::RetryPolicy;
use switchboard_sandbox::{Provider, RunningSandbox, SLACK_TOKEN};
use switchboard_slack::{SlackConfig, SlackSource};

struct Slack;

impl ChatSourceHarness for Slack {
    type Source = SlackSource;
    const PROVIDER: Provider = Provider::Slack;
    const TOKEN: &'static str = SLACK_TOKEN;
    const SEED: u64 = 11;
    const DIALECT: Dialect = Dialect {
        tombstones: true,
        change_scan_reports_deletions: false,
        windowed_backfill_has_late_replies: false,
        revocation_is_distinct: true,
        lists_conversations: false,
    };
    const UNKNOWN_CHANNEL: &'static str = "C0NOSUCHCHAN";
    const UNKNOWN_USER: &'static str = "U0NOBODY000";

    fn base_url(sandbox: &RunningSandbox) -> String {
        sandbox.slack_base_url()
    }

    fn source(base_url: &str, token: &str, retry: RetryPolicy) -> SlackSource {
        let mut config = SlackConfig::new(base_url);
        config.page_size = 50;
        config.retry = retry;
        SlackSource::new(&config, SecretString::from(token)).unwrap_or_else(|e| panic!("{e}"))
    }

    fn token(label: &str) -> String {
        format!("xoxp-{label}")
    }
}

switchboard_contracts::chat_source_contract!(Slack);
