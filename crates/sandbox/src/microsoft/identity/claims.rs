//! The claims of the tokens the identity platform signs (v2.0 tokens, and the v1.0 access
//! tokens it issues for an API whose app registration accepts those).

use serde::{Deserialize, Serialize};

/// The audience of access tokens for Microsoft Graph.
pub(crate) const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";

/// `{origin}/microsoft/login/{tenant_id}/v2.0`: the issuer of every token, as
/// `https://login.microsoftonline.com/{tenant_id}/v2.0` is Microsoft's.
pub(crate) fn issuer(origin: &str, tenant_id: &str) -> String {
    format!("{origin}/microsoft/login/{tenant_id}/v2.0")
}

/// `https://sts.windows.net/{tenant_id}/`: the issuer of v1.0 tokens, the same whatever the
/// host that signed them (Microsoft's v1.0 OpenID metadata names it so).
pub(crate) fn issuer_v1(tenant_id: &str) -> String {
    format!("https://sts.windows.net/{tenant_id}/")
}

/// The version of the access tokens an API's app registration accepts
/// (`accessTokenAcceptedVersion`: 2, or 1 and unset alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenVersion {
    /// v1.0: issuer `https://sts.windows.net/{tid}/`, the client as `appid`, the user's
    /// sign-in name as `upn` and `unique_name`.
    V1,
    /// v2.0: issuer `…/{tid}/v2.0`, the client as `azp`, the sign-in name as
    /// `preferred_username`.
    V2,
}

/// An access token's claims: for Graph (`aud` = Graph) or for an app's own API (`aud` = its
/// client id, the assertion a mobile app hands to its backend for On-Behalf-Of).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct GraphClaims {
    pub aud: String,
    pub iss: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// The client the token was issued to (v2.0).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub azp: String,
    /// The same, in a v1.0 token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
    pub name: String,
    pub oid: String,
    /// The sign-in name (v2.0).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub preferred_username: String,
    /// The sign-in name in a v1.0 token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    /// The same, as v1.0 also writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique_name: Option<String>,
    /// Delegated scopes, space-separated.
    pub scp: String,
    pub sub: String,
    pub tid: String,
    /// Unique token id: Graph looks it up to honour the sandbox's expiry switch.
    pub uti: String,
    pub ver: String,
}

/// An ID token's claims.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct IdClaims {
    pub aud: String,
    pub iss: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub name: String,
    pub oid: String,
    pub preferred_username: String,
    pub email: String,
    pub sub: String,
    pub tid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    pub ver: String,
}

/// Scopes as a request names them, normalised: Graph's `https://graph.microsoft.com/` prefix
/// dropped, `.default` read as what the app registration asks for (`Mail.Read`), and
/// `User.Read` always granted with any Graph scope, as app registrations carry it by default.
pub(crate) fn normalize_scopes(raw: &str) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in raw.split_whitespace() {
        let short = scope.strip_prefix("https://graph.microsoft.com/").unwrap_or(scope);
        let short = if short == ".default" { "Mail.Read" } else { short };
        if !scopes.iter().any(|s| s.eq_ignore_ascii_case(short)) {
            scopes.push(short.to_owned());
        }
    }
    if scopes.iter().any(|s| is_graph(s)) && !scopes.iter().any(|s| s == "User.Read") {
        scopes.push("User.Read".to_owned());
    }
    scopes
}

/// Whether `scope` is a Graph permission (not one of OpenID Connect's).
pub(crate) fn is_graph(scope: &str) -> bool {
    !matches!(scope, "openid" | "profile" | "email" | "offline_access")
}
