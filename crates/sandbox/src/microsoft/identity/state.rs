//! What the identity platform remembers: registered apps, codes handed out, refresh-token
//! families, issued access tokens, and the faults asked for.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::data::Rng;

/// How long an authorization code may wait (Microsoft: about ten minutes).
const CODE_TTL: Duration = Duration::from_secs(600);

/// A registered application.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub secret: String,
    pub name: String,
    /// Registered redirect URIs; loopback URIs (`http://127.0.0.1`, `http://localhost`) are
    /// always accepted, on any port, as Microsoft accepts them for native apps.
    pub redirect_uris: Vec<String>,
}

/// A code handed out by the authorization endpoint.
#[derive(Debug)]
pub(crate) struct Code {
    pub client_id: String,
    pub mailbox: usize,
    pub redirect_uri: String,
    /// `(code_challenge, method)` when PKCE was used.
    pub challenge: Option<(String, String)>,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub expires: Instant,
    pub used: bool,
}

/// Why a refresh token no longer works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefreshState {
    Live,
    /// Redeemed once already: rotation retired it.
    Used,
    /// The grant was revoked (or the password changed).
    Revoked,
    /// Expired through inactivity.
    Expired,
}

/// A refresh token.
#[derive(Debug)]
pub(crate) struct Refresh {
    pub client_id: String,
    pub mailbox: usize,
    pub scopes: Vec<String>,
    pub state: RefreshState,
}

/// An access token handed out, by its `uti`.
#[derive(Debug)]
pub(crate) struct Issued {
    pub expired: bool,
}

/// An error the token endpoint is told to answer to the next non-interactive grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenFault {
    /// `interaction_required` (AADSTS50076, multi-factor authentication) with a `claims`
    /// challenge.
    InteractionRequired,
    /// `consent_required` (AADSTS65001).
    ConsentRequired,
}

/// The identity platform's runtime state.
#[derive(Debug)]
pub(crate) struct Identity {
    pub clients: HashMap<String, Client>,
    pub codes: HashMap<String, Code>,
    pub refresh: HashMap<String, Refresh>,
    pub access: HashMap<String, Issued>,
    /// The next `.1` refresh or On-Behalf-Of grants answer `.0`.
    pub forced: Option<(TokenFault, u32)>,
    /// The next `deny` authorizations answer `access_denied`.
    pub deny: u32,
    pub token_lifetime: Duration,
    pub code_ttl: Duration,
    rng: Rng,
}

impl Identity {
    pub(crate) fn new(seed: u64) -> Self {
        let mut clients = HashMap::new();
        clients.insert(
            crate::MICROSOFT_CLIENT_ID.to_owned(),
            Client {
                secret: crate::MICROSOFT_CLIENT_SECRET.to_owned(),
                name: "Switchboard Sandbox".to_owned(),
                redirect_uris: Vec::new(),
            },
        );
        Self {
            clients,
            codes: HashMap::new(),
            refresh: HashMap::new(),
            access: HashMap::new(),
            forced: None,
            deny: 0,
            token_lifetime: Duration::from_secs(3600),
            code_ttl: CODE_TTL,
            rng: Rng::unrepeatable(seed, 0x1d),
        }
    }

    /// An opaque token: base64url-looking characters after a fixed prefix.
    pub(crate) fn mint(&mut self, prefix: &str, len: usize) -> String {
        format!("{prefix}{}", self.rng.token(crate::data::rng::TOKEN_ALPHABET, len))
    }

    /// A GUID for trace and correlation ids.
    pub(crate) fn guid(&mut self) -> String {
        let hex = self.rng.token(b"0123456789abcdef", 32);
        format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
    }

    /// Consumes one forced error, if any is pending.
    pub(crate) fn take_forced(&mut self) -> Option<TokenFault> {
        let (forced, remaining) = self.forced.as_mut()?;
        let forced = *forced;
        *remaining -= 1;
        if *remaining == 0 {
            self.forced = None;
        }
        Some(forced)
    }

    /// Revokes every refresh token of `mailbox`; returns how many were live.
    pub(crate) fn revoke(&mut self, mailbox: usize) -> usize {
        let mut count = 0;
        for refresh in self.refresh.values_mut().filter(|r| r.mailbox == mailbox) {
            if refresh.state == RefreshState::Live {
                count += 1;
            }
            refresh.state = RefreshState::Revoked;
        }
        count
    }
}
