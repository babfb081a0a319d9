//! Metrics of the calls to Mattermost: the series every provider adapter records
//! ([`switchboard_ports::provider_calls`]), labelled `mattermost`.

use switchboard_ports::provider_calls::ProviderCalls;

pub(crate) use switchboard_ports::provider_calls::outcome;

/// The calls to Mattermost.
pub(crate) const CALLS: ProviderCalls = ProviderCalls::new("mattermost");
