//! Metrics of the calls to Slack: the series every provider adapter records
//! ([`switchboard_ports::provider_calls`]), labelled `slack`.

use switchboard_ports::provider_calls::ProviderCalls;

pub(crate) use switchboard_ports::provider_calls::outcome;

/// The calls to Slack.
pub(crate) const CALLS: ProviderCalls = ProviderCalls::new("slack");
