//! A token endpoint answer as the port's [`ProviderTokens`].

use chrono::Utc;
use oauth2::TokenResponse;
use oauth2::basic::BasicTokenResponse;
use switchboard_ports::ProviderTokens;

/// The platform's default access token lifetime, assumed when an answer omits `expires_in`
/// (the identity platform always sends it).
const DEFAULT_LIFETIME: std::time::Duration = std::time::Duration::from_secs(3600);

/// The tokens of `answer`; `asked` stands in for the granted scopes when the answer does not
/// list them.
pub(crate) fn provider_tokens(answer: &BasicTokenResponse, asked: &[String]) -> ProviderTokens {
    let lifetime = answer.expires_in().unwrap_or(DEFAULT_LIFETIME);
    let expires_at = Utc::now()
        + chrono::Duration::from_std(lifetime).unwrap_or_else(|_| chrono::Duration::hours(1));
    let scopes = match answer.scopes() {
        Some(granted) => granted.iter().map(|s| s.to_string()).collect(),
        None => asked.to_vec(),
    };
    ProviderTokens {
        access_token: answer.access_token().secret().clone(),
        refresh_token: answer.refresh_token().map(|t| t.secret().clone()),
        expires_at,
        scopes,
    }
}
