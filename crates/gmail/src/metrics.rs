//! Metrics of the calls to Gmail: the series every provider adapter records
//! ([`switchboard_ports::provider_calls`]), labelled `google`.

use switchboard_ports::provider_calls::ProviderCalls;

pub(crate) use switchboard_ports::provider_calls::outcome;

/// The calls to Gmail.
pub(crate) const CALLS: ProviderCalls = ProviderCalls::new("google");
