//! [`GoogleAuth`]: this API's OAuth 2.0 client at Google. The authorization URL, the code
//! exchange, refresh and revocation go through the `oauth2` crate over reqwest 0.12.

use std::borrow::Cow;

use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeVerifier, RedirectUrl, RefreshToken, Scope, TokenResponse, TokenUrl,
};
use secrecy::ExposeSecret;
use switchboard_ports::mail_auth::AuthorizationRequest;
use switchboard_ports::{MailAuthError, ProviderTokens};

use super::config::GoogleAuthConfig;
use super::errors::from_oauth;
use crate::config::EndpointError;

/// oauth2's client with the authorization and token endpoints set (revocation is a plain form
/// POST, see `GoogleAuth::revoke`).
type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// Google's OAuth 2.0 client: authorization code with PKCE, refresh without rotation,
/// revocation.
pub struct GoogleAuth {
    config: GoogleAuthConfig,
    http: reqwest_graph::Client,
    oauth: Client,
    revoke_url: url::Url,
}

impl std::fmt::Debug for GoogleAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleAuth").field("config", &self.config).finish_non_exhaustive()
    }
}

/// A redirect URI oauth2 accepts; one it does not is the caller's misconfiguration.
fn redirect(uri: &str) -> Result<RedirectUrl, MailAuthError> {
    RedirectUrl::new(uri.to_owned()).map_err(|e| MailAuthError::Provider {
        code: "invalid_request".to_owned(),
        description: format!("invalid redirect URI: {e}"),
    })
}

/// The port's tokens of `answer`; `asked` stands in for the granted scopes when the answer
/// lists none.
fn provider_tokens(answer: &BasicTokenResponse, asked: &[String]) -> ProviderTokens {
    ProviderTokens::from_answer(
        answer.access_token().secret().clone(),
        answer.refresh_token().map(|t| t.secret().clone()),
        answer.expires_in(),
        answer.scopes().map(|granted| granted.iter().map(|s| s.to_string()).collect()),
        asked,
    )
}

impl GoogleAuth {
    /// A client for `config`.
    ///
    /// # Errors
    /// [`EndpointError`] for an endpoint this build refuses, or when the HTTP client cannot
    /// be built.
    pub fn new(config: GoogleAuthConfig) -> Result<Self, EndpointError> {
        let [auth, token, revoke] = config.endpoints()?;
        // No redirects: a token endpoint that redirects is not one to send a secret after.
        let http = reqwest_graph::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest_graph::redirect::Policy::none())
            .build()
            .map_err(|e| EndpointError::Client(e.to_string()))?;
        let oauth = BasicClient::new(ClientId::new(config.client_id.clone()))
            .set_client_secret(ClientSecret::new(config.client_secret.expose_secret().to_owned()))
            // Google documents the secret in the form body.
            .set_auth_type(AuthType::RequestBody)
            .set_auth_uri(AuthUrl::from_url(auth))
            .set_token_uri(TokenUrl::from_url(token));
        Ok(Self { config, http, oauth, revoke_url: revoke })
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &GoogleAuthConfig {
        &self.config
    }

    pub(super) fn authorization_url(
        &self,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, MailAuthError> {
        let state = request.state.to_owned();
        let mut url = self
            .oauth
            .authorize_url(move || CsrfToken::new(state))
            .set_redirect_uri(Cow::Owned(redirect(request.redirect_uri)?))
            .add_scopes(request.scopes.iter().cloned().map(Scope::new))
            // The caller keeps the verifier (with the state) and hands us the challenge.
            .add_extra_param("code_challenge", request.code_challenge.to_owned())
            .add_extra_param("code_challenge_method", "S256")
            // A refresh token, and only with `prompt=consent` is one granted again to a user
            // who consented before (linking again after a dead grant).
            .add_extra_param("access_type", "offline")
            .add_extra_param("prompt", "consent")
            .add_extra_param("include_granted_scopes", "true");
        if !request.login_hint.is_empty() {
            url = url.add_extra_param("login_hint", request.login_hint.to_owned());
        }
        Ok(url.url().0.into())
    }

    pub(super) async fn exchange_code(
        &self,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        let answer = self
            .oauth
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(code_verifier.to_owned()))
            .set_redirect_uri(Cow::Owned(redirect(redirect_uri)?))
            .request_async(&self.http)
            .await
            .map_err(from_oauth)?;
        Ok(provider_tokens(&answer, &self.config.scopes()))
    }

    /// Google does not rotate refresh tokens: the answer has none, and the old one stays
    /// valid, so it is handed back and the caller always stores a complete set.
    pub(super) async fn refresh(
        &self,
        refresh_token: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        let token = RefreshToken::new(refresh_token.to_owned());
        let answer = self
            .oauth
            .exchange_refresh_token(&token)
            .request_async(&self.http)
            .await
            .map_err(from_oauth)?;
        let mut tokens = provider_tokens(&answer, &self.config.scopes());
        tokens.refresh_token.get_or_insert_with(|| refresh_token.to_owned());
        Ok(tokens)
    }

    /// Revokes the refresh token (which revokes its access tokens too), or the access token
    /// when there is none: a form POST of `token` to the revocation endpoint, as Google
    /// documents it (oauth2's own revocation insists on https, which the sandbox is not). A
    /// token Google no longer knows (`invalid_token`) is as revoked as it gets.
    pub(super) async fn revoke(&self, tokens: &ProviderTokens) -> Result<bool, MailAuthError> {
        let token = tokens.refresh_token.as_deref().unwrap_or(&tokens.access_token);
        let answer = self
            .http
            .post(self.revoke_url.clone())
            .form(&[("token", token)])
            .send()
            .await
            .map_err(|e| MailAuthError::Transport(e.without_url().to_string()))?;
        let status = answer.status();
        if status.is_success() {
            return Ok(true);
        }
        let text = answer.text().await.unwrap_or_default();
        let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let code = body["error"].as_str().unwrap_or_default().to_owned();
        let description = body["error_description"].as_str().unwrap_or_default().to_owned();
        match code.as_str() {
            "invalid_token" => Ok(true),
            _ if status.is_server_error() => {
                Err(MailAuthError::Transport(format!("revocation answered {status}")))
            }
            "" => Err(MailAuthError::Provider {
                code: format!("HTTP {}", status.as_u16()),
                description,
            }),
            _ => Err(MailAuthError::Provider { code, description }),
        }
    }
}
