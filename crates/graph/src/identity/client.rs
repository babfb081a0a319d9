//! [`MicrosoftAuth`]: the app's OAuth 2.0 client of the Microsoft identity platform. The
//! authorization URL, the code exchange and refresh go through the `oauth2` crate, handed
//! graph-rs-sdk's reqwest 0.12 client (so no second TLS stack or crypto provider).

use std::borrow::Cow;

use oauth2::basic::{
    BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenResponse,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeVerifier, RedirectUrl, RefreshToken, Scope, StandardRevocableToken,
    TokenUrl,
};
use secrecy::ExposeSecret;
use switchboard_ports::mail_auth::AuthorizationRequest;
use switchboard_ports::mail_auth::VerifiedAssertion;
use switchboard_ports::{MailAuthError, ProviderTokens};

use super::assertion;
use super::config::{AuthorityError, Endpoints, MicrosoftAuthConfig};
use super::errors::{AadErrorBody, from_oauth};
use super::keys::{KeyCache, KeyTimes};
use super::tokens::provider_tokens;

/// oauth2's client with Microsoft's error body (for `error_codes`, `suberror`, `claims`),
/// the authorization and token endpoints set.
type AadClient = oauth2::Client<
    AadErrorBody,
    BasicTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The Microsoft identity platform client: authorization code with PKCE, refresh with
/// rotation, On-Behalf-Of, and verification of the tokens clients hand to this API.
pub struct MicrosoftAuth {
    pub(super) config: MicrosoftAuthConfig,
    pub(super) endpoints: Endpoints,
    pub(super) http: reqwest_graph::Client,
    oauth: AadClient,
    keys: KeyCache,
    /// The same keys with the v1.0 issuer, fetched only once a v1.0 token arrives.
    keys_v1: KeyCache,
}

impl std::fmt::Debug for MicrosoftAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MicrosoftAuth")
            .field("config", &self.config)
            .field("endpoints", &self.endpoints)
            .finish_non_exhaustive()
    }
}

/// A redirect URI oauth2 accepts; one it does not is the caller's misconfiguration.
fn redirect(uri: &str) -> Result<RedirectUrl, MailAuthError> {
    RedirectUrl::new(uri.to_owned()).map_err(|e| MailAuthError::Provider {
        code: "invalid_request".to_owned(),
        description: format!("invalid redirect URI: {e}"),
    })
}

impl MicrosoftAuth {
    /// A client for `config`.
    ///
    /// Builds an HTTP client: with rustls, install the process's crypto provider first when
    /// more than one is compiled in (see the crate's README).
    ///
    /// # Errors
    /// [`AuthorityError`] for an authority or tenant this build refuses, or when the HTTP
    /// client cannot be built.
    pub fn new(config: MicrosoftAuthConfig) -> Result<Self, AuthorityError> {
        let endpoints = config.endpoints()?;
        // No redirects: a token endpoint that redirects is not one to send a secret after.
        let http = reqwest_graph::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest_graph::redirect::Policy::none())
            .build()
            .map_err(|e| AuthorityError::Invalid(format!("HTTP client: {e}")))?;
        let oauth = oauth2::Client::new(ClientId::new(config.client_id.clone()))
            .set_client_secret(ClientSecret::new(config.client_secret.expose_secret().to_owned()))
            // Microsoft documents the secret in the form body (client_secret_post).
            .set_auth_type(AuthType::RequestBody)
            .set_auth_uri(AuthUrl::from_url(endpoints.authorize.clone()))
            .set_token_uri(TokenUrl::from_url(endpoints.token.clone()));
        let times = KeyTimes {
            refetch: config.key_refetch,
            max_age: config.key_max_age,
            stale_limit: config.key_stale_limit,
        };
        let keys = KeyCache::new(endpoints.discovery.clone(), http.clone(), times);
        let keys_v1 = KeyCache::new(endpoints.discovery_v1.clone(), http.clone(), times);
        Ok(Self { config, endpoints, http, oauth, keys, keys_v1 })
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &MicrosoftAuthConfig {
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
            .add_extra_param("response_mode", "query")
            // oauth2 builds a challenge only from a verifier it holds; the caller keeps the
            // verifier (with the state) and hands us the challenge, so it goes in as is.
            .add_extra_param("code_challenge", request.code_challenge.to_owned())
            .add_extra_param("code_challenge_method", "S256");
        if !request.login_hint.is_empty() {
            url = url.add_extra_param("login_hint", request.login_hint.to_owned());
        }
        if self.config.select_account {
            url = url.add_extra_param("prompt", "select_account");
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

    /// Refresh asks for the configured scopes again (the platform requires `scope`): a grant
    /// without a scope enabled since answers `consent_required`, so the account is linked
    /// again rather than failing later with a 403.
    pub(super) async fn refresh(
        &self,
        refresh_token: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        let scopes = self.config.scopes();
        let token = RefreshToken::new(refresh_token.to_owned());
        let answer = self
            .oauth
            .exchange_refresh_token(&token)
            .add_scopes(scopes.iter().cloned().map(Scope::new))
            .request_async(&self.http)
            .await
            .map_err(from_oauth)?;
        let mut tokens = provider_tokens(&answer, &scopes);
        // Without rotation the old refresh token stays valid: hand it back, so the caller
        // always stores a complete set.
        tokens.refresh_token.get_or_insert_with(|| refresh_token.to_owned());
        Ok(tokens)
    }

    pub(super) async fn verify_assertion(
        &self,
        assertion: &str,
    ) -> Result<VerifiedAssertion, MailAuthError> {
        let keys = match assertion::version(assertion) {
            assertion::Version::V1 => &self.keys_v1,
            assertion::Version::V2 => &self.keys,
        };
        assertion::verify(&self.config, keys, assertion).await
    }
}
