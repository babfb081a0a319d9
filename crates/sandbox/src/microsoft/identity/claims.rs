//! The claims of the tokens the identity platform signs (v2.0 tokens).

use serde::{Deserialize, Serialize};

/// The audience of access tokens for Microsoft Graph.
pub(crate) const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";

/// `{origin}/microsoft/login/{tenant_id}/v2.0`: the issuer of every token, as
/// `https://login.microsoftonline.com/{tenant_id}/v2.0` is Microsoft's.
pub(crate) fn issuer(origin: &str, tenant_id: &str) -> String {
    format!("{origin}/microsoft/login/{tenant_id}/v2.0")
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
    /// The client the token was issued to.
    pub azp: String,
    pub name: String,
    pub oid: String,
    pub preferred_username: String,
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
