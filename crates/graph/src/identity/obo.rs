//! The On-Behalf-Of exchange
//! (<https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow>),
//! written by hand: the `oauth2` crate has no jwt-bearer grant, and its generic extension
//! point would still want an auth code or refresh token. Same HTTP client, same error mapping,
//! same token answer as the other grants.

use oauth2::basic::BasicTokenResponse;
use reqwest_graph::header::ACCEPT;
use secrecy::ExposeSecret;
use switchboard_ports::{MailAuthError, ProviderTokens};

use super::client::MicrosoftAuth;
use super::errors::{from_answer, from_reqwest};
use super::tokens::provider_tokens;

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

impl MicrosoftAuth {
    pub(super) async fn on_behalf_of(
        &self,
        assertion: &str,
        scopes: &[String],
    ) -> Result<ProviderTokens, MailAuthError> {
        let scopes = if scopes.is_empty() { self.config.scopes() } else { scopes.to_vec() };
        let scope = scopes.join(" ");
        let form = [
            ("grant_type", JWT_BEARER),
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose_secret()),
            ("assertion", assertion),
            ("scope", scope.as_str()),
            ("requested_token_use", "on_behalf_of"),
        ];
        let response = self
            .http
            .post(self.endpoints.token.clone())
            .header(ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(from_reqwest)?;
        let status = response.status();
        let body = response.bytes().await.map_err(from_reqwest)?;
        if !status.is_success() {
            return Err(from_answer(status.as_u16(), &body));
        }
        // The error names the field only: the body holds tokens.
        let answer: BasicTokenResponse = serde_json::from_slice(&body).map_err(|e| {
            MailAuthError::Transport(format!(
                "unreadable answer from the token endpoint (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        Ok(provider_tokens(&answer, &scopes))
    }
}
