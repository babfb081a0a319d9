//! Tokens minted directly, and the fault switches of the identity platform and Graph.

use std::time::Duration;

use super::mailbox_index;
use crate::control::seconds;
use crate::faults::{Api, Target};
use crate::microsoft::identity::{
    Client, GRAPH_AUDIENCE, RefreshState, TokenFault, TokenVersion, mint_access, mint_access_of,
};
use crate::{MICROSOFT_CLIENT_ID, MICROSOFT_MOBILE_CLIENT_ID, Sandbox, SandboxError};

impl Sandbox {
    /// A Graph access token for a mailbox with these (space-separated) scopes, as the token
    /// endpoint would issue it to [`MICROSOFT_CLIENT_ID`].
    ///
    /// # Errors
    /// Unknown mailbox, or the signing key failed.
    pub fn microsoft_access_token(
        &self,
        mailbox: &str,
        scopes: &str,
    ) -> Result<String, SandboxError> {
        let index = mailbox_index(&self.store.read().microsoft, mailbox)?;
        mint_access(&self.store, index, GRAPH_AUDIENCE, MICROSOFT_CLIENT_ID, scopes, None)
            .map(|(token, _)| token)
            .map_err(|e| SandboxError::Signing(e.to_string()))
    }

    /// What Microsoft would give a mobile app ([`MICROSOFT_MOBILE_CLIENT_ID`]) that signed the
    /// user in for an API: an access token whose audience is `audience` (default
    /// [`MICROSOFT_CLIENT_ID`], the API's app), scope `access_as_user`, valid for
    /// `expires_in` seconds (negative: already expired). The assertion of On-Behalf-Of.
    ///
    /// # Errors
    /// Unknown mailbox, or the signing key failed.
    pub fn microsoft_assertion(
        &self,
        mailbox: &str,
        audience: Option<&str>,
        expires_in: i64,
    ) -> Result<String, SandboxError> {
        self.microsoft_assertion_of(mailbox, audience, expires_in, TokenVersion::V2)
    }

    /// [`Sandbox::microsoft_assertion`] in the token version `version`: v1.0 is what Microsoft
    /// issues for an API whose app registration leaves `accessTokenAcceptedVersion` unset
    /// (issuer `https://sts.windows.net/{tid}/`, `appid`, `upn`).
    ///
    /// # Errors
    /// Unknown mailbox, or the signing key failed.
    pub fn microsoft_assertion_of(
        &self,
        mailbox: &str,
        audience: Option<&str>,
        expires_in: i64,
        version: TokenVersion,
    ) -> Result<String, SandboxError> {
        let index = mailbox_index(&self.store.read().microsoft, mailbox)?;
        let audience = audience.unwrap_or(MICROSOFT_CLIENT_ID);
        let grant = (audience, MICROSOFT_MOBILE_CLIENT_ID, "access_as_user");
        mint_access_of(&self.store, index, grant, version, Some(expires_in))
            .map(|(token, _)| token)
            .map_err(|e| SandboxError::Signing(e.to_string()))
    }

    /// Registers a Microsoft app with its secret and redirect URIs (loopback ones are always
    /// accepted, on any port).
    pub fn add_microsoft_client(
        &self,
        client_id: &str,
        client_secret: &str,
        redirect_uris: &[&str],
    ) {
        self.store.identity().clients.insert(
            client_id.to_owned(),
            Client {
                secret: client_secret.to_owned(),
                name: client_id.to_owned(),
                redirect_uris: redirect_uris.iter().map(|u| (*u).to_owned()).collect(),
            },
        );
    }

    /// Revokes every grant of a mailbox: its refresh tokens answer `invalid_grant`
    /// (AADSTS50173) from now on; access tokens already issued live until they expire.
    /// Returns how many refresh tokens were live.
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn revoke_microsoft_grants(&self, mailbox: &str) -> Result<usize, SandboxError> {
        let index = mailbox_index(&self.store.read().microsoft, mailbox)?;
        Ok(self.store.identity().revoke(index))
    }

    /// The next `requests` refresh-token and On-Behalf-Of grants answer `fault`. Zero lifts it.
    pub fn force_microsoft_error(&self, fault: TokenFault, requests: u32) {
        self.store.identity().forced = (requests > 0).then_some((fault, requests));
    }

    /// The next `requests` authorizations are declined by the user (`access_denied`).
    pub fn deny_microsoft_authorizations(&self, requests: u32) {
        self.store.identity().deny = requests;
    }

    /// Every access token issued so far expires now: Graph answers 401
    /// `InvalidAuthenticationToken`. Returns how many there were.
    pub fn expire_microsoft_access_tokens(&self) -> usize {
        let mut identity = self.store.identity();
        identity.access.values_mut().for_each(|issued| issued.expired = true);
        identity.access.len()
    }

    /// Every live refresh token expires (AADSTS700082, inactivity). Returns how many.
    pub fn expire_microsoft_refresh_tokens(&self) -> usize {
        let mut identity = self.store.identity();
        let mut count = 0;
        for refresh in identity.refresh.values_mut().filter(|r| r.state == RefreshState::Live) {
            refresh.state = RefreshState::Expired;
            count += 1;
        }
        count
    }

    /// The lifetime of access tokens issued from now on (`expires_in`; default one hour).
    pub fn set_microsoft_token_lifetime(&self, lifetime: Duration) {
        self.store.identity().token_lifetime = lifetime;
    }

    /// How long authorization codes handed out from now on stay valid (default ten minutes).
    pub fn set_microsoft_code_ttl(&self, ttl: Duration) {
        self.store.identity().code_ttl = ttl;
    }

    /// The next `requests` Graph requests, whatever their token, answer 429 `TooManyRequests`
    /// with `Retry-After` (whole seconds, rounded up). Zero lifts it. A single token is
    /// throttled with [`Sandbox::throttle_token`].
    pub fn throttle_graph(&self, requests: u32, retry_after: Duration) {
        self.store.faults().throttle(Target::Api(Api::Graph), 0, requests, seconds(retry_after));
    }

    /// The next `requests` Graph requests answer 503 `serviceNotAvailable` with
    /// `Retry-After`, as Graph does when a backend is busy. Zero lifts it.
    pub fn make_graph_unavailable(&self, requests: u32, retry_after: Duration) {
        self.store.graph().unavailable = (requests, seconds(retry_after));
    }

    /// Forgets every delta round and token: their next use answers 410 `syncStateNotFound`.
    /// Returns how many there were.
    pub fn expire_delta_tokens(&self) -> usize {
        self.store.graph().forget()
    }

    /// Graph requests served so far (429s included).
    pub fn graph_requests(&self) -> u64 {
        self.store.faults().requests(Api::Graph)
    }
}
