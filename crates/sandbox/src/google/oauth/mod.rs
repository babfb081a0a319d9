//! Google's OAuth 2.0 server for web server applications: the authorization endpoint (code
//! flow with PKCE, `access_type=offline`, `prompt`, `include_granted_scopes`, `login_hint`),
//! the token endpoint (`authorization_code` and `refresh_token`, which never rotates: Google
//! answers a refresh with no new refresh token) and the revocation endpoint. Errors are
//! `{"error", "error_description"}`.

mod authorize;
mod token;

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;
use serde_json::json;

use crate::data::Rng;

/// Gmail's scopes and what each allows.
pub(crate) const READONLY: &str = "https://www.googleapis.com/auth/gmail.readonly";
pub(crate) const MODIFY: &str = "https://www.googleapis.com/auth/gmail.modify";
pub(crate) const SEND: &str = "https://www.googleapis.com/auth/gmail.send";
pub(crate) const METADATA: &str = "https://www.googleapis.com/auth/gmail.metadata";
pub(crate) const FULL: &str = "https://mail.google.com/";

/// Scopes the server knows; any other is `invalid_scope`.
const KNOWN: &[&str] = &[
    READONLY,
    MODIFY,
    SEND,
    METADATA,
    FULL,
    "https://www.googleapis.com/auth/gmail.compose",
    "https://www.googleapis.com/auth/gmail.labels",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
    "openid",
    "email",
    "profile",
];

/// Google's authorization codes live ten minutes.
const CODE_TTL: Duration = Duration::from_secs(600);

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/google/oauth")
            .route("/o/oauth2/v2/auth", web::get().to(authorize::authorize))
            .route("/token", web::post().to(token::token))
            .route("/revoke", web::post().to(token::revoke)),
    );
}

/// A code handed out by the authorization endpoint.
#[derive(Debug)]
pub(crate) struct Code {
    pub client_id: String,
    pub mailbox: usize,
    pub redirect_uri: String,
    pub challenge: Option<(String, String)>,
    pub scopes: BTreeSet<String>,
    /// Whether the exchange hands out a refresh token (offline access, on first consent or
    /// `prompt=consent`).
    pub refresh: bool,
    pub expires: Instant,
    pub used: bool,
}

/// A refresh token.
#[derive(Debug)]
pub(crate) struct Refresh {
    pub client_id: String,
    pub mailbox: usize,
    pub scopes: BTreeSet<String>,
    pub revoked: bool,
}

/// An access token.
#[derive(Debug)]
pub(crate) struct Access {
    pub mailbox: usize,
    pub scopes: BTreeSet<String>,
    pub expires: Instant,
    /// Expired early by the admin switch, or revoked.
    pub dead: bool,
    /// The refresh token it came from, if any (revoking one revokes the other).
    pub refresh: Option<String>,
}

/// The OAuth server's state.
#[derive(Debug)]
pub(crate) struct GoogleAuth {
    pub clients: HashMap<String, String>,
    pub codes: HashMap<String, Code>,
    pub refresh: HashMap<String, Refresh>,
    pub access: HashMap<String, Access>,
    /// Scopes each (client, mailbox) was granted: a later consent is not a "first" one.
    pub granted: HashMap<(String, usize), BTreeSet<String>>,
    /// The next `deny` authorizations answer `access_denied`.
    pub deny: u32,
    pub token_lifetime: Duration,
    rng: Rng,
}

impl GoogleAuth {
    pub(crate) fn new(seed: u64) -> Self {
        let mut clients = HashMap::new();
        clients.insert(crate::GOOGLE_CLIENT_ID.to_owned(), crate::GOOGLE_CLIENT_SECRET.to_owned());
        Self {
            clients,
            codes: HashMap::new(),
            refresh: HashMap::new(),
            access: HashMap::new(),
            granted: HashMap::new(),
            deny: 0,
            token_lifetime: Duration::from_secs(3599),
            rng: Rng::unrepeatable(seed, 0x600613),
        }
    }

    /// An opaque token after Google's prefix (`4/0A…` codes, `ya29.` access, `1//` refresh).
    pub(crate) fn mint(&mut self, prefix: &str, len: usize) -> String {
        format!("{prefix}{}", self.rng.token(crate::data::rng::TOKEN_ALPHABET, len))
    }

    /// A new access token for `mailbox` with `scopes`.
    pub(crate) fn issue_access(
        &mut self,
        mailbox: usize,
        scopes: BTreeSet<String>,
        refresh: Option<String>,
    ) -> String {
        let token = self.mint("ya29.a0", 120);
        let expires = Instant::now() + self.token_lifetime;
        self.access
            .insert(token.clone(), Access { mailbox, scopes, expires, dead: false, refresh });
        token
    }

    /// Revokes every refresh and access token of `mailbox`; returns how many refresh tokens
    /// were live.
    pub(crate) fn revoke_mailbox(&mut self, mailbox: usize) -> usize {
        let mut count = 0;
        for refresh in self.refresh.values_mut().filter(|r| r.mailbox == mailbox) {
            count += usize::from(!refresh.revoked);
            refresh.revoked = true;
        }
        self.access.values_mut().filter(|a| a.mailbox == mailbox).for_each(|a| a.dead = true);
        self.granted.retain(|(_, m), _| *m != mailbox);
        count
    }
}

/// Splits a `scope` parameter (space-separated) into the set asked for.
pub(crate) fn scopes(raw: &str) -> BTreeSet<String> {
    raw.split_whitespace().map(str::to_owned).collect()
}

/// Whether every scope is one Google knows.
pub(crate) fn known(scopes: &BTreeSet<String>) -> Option<&String> {
    scopes.iter().find(|s| !KNOWN.contains(&s.as_str()))
}

/// `{"error", "error_description"}` with `status`.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("Cache-Control", "no-store"))
        .json(json!({"error": error, "error_description": description}))
}
