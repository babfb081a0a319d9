//! Metrics of the calls to Microsoft Graph: the series every provider adapter records
//! ([`switchboard_ports::provider_calls`]), labelled `microsoft`.

use switchboard_ports::provider_calls::ProviderCalls;

pub(crate) use switchboard_ports::provider_calls::outcome;

/// The calls to Microsoft Graph.
pub(crate) const CALLS: ProviderCalls = ProviderCalls::new("microsoft");
