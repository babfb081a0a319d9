//! A token endpoint answer as the port's [`ProviderTokens`].

use oauth2::TokenResponse;
use oauth2::basic::BasicTokenResponse;
use switchboard_ports::ProviderTokens;

/// The tokens of `answer`; `asked` stands in for the granted scopes when the answer does not
/// list them.
pub(crate) fn provider_tokens(answer: &BasicTokenResponse, asked: &[String]) -> ProviderTokens {
    ProviderTokens::from_answer(
        answer.access_token().secret().clone(),
        answer.refresh_token().map(|t| t.secret().clone()),
        answer.expires_in(),
        answer.scopes().map(|granted| granted.iter().map(|s| s.to_string()).collect()),
        asked,
    )
}
