//! Signing what a grant yields: the Graph access token (recorded by its `uti`, so the expiry
//! switch can reach it), the rotating refresh token, and the ID token.

use serde_json::{Value, json};

use super::claims::{GraphClaims, IdClaims, TokenVersion, is_graph, issuer_v1};
use super::keys::KeyError;
use super::state::{Issued, Refresh, RefreshState};
use super::{AadError, GRAPH_AUDIENCE, issuer};
use crate::store::Store;

/// What a grant yields.
pub(super) struct Grant {
    pub mailbox: usize,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub id_token: bool,
}

/// Signs a v2.0 access token for `mailbox` and records its `uti`: for Graph, or (with another
/// audience) the assertion a client app holds for an API. `expires_in` defaults to the
/// configured token lifetime; a negative one gives a token already expired.
pub(crate) fn mint_access(
    store: &Store,
    mailbox: usize,
    audience: &str,
    azp: &str,
    scp: &str,
    expires_in: Option<i64>,
) -> Result<(String, i64), KeyError> {
    mint_access_of(store, mailbox, (audience, azp, scp), TokenVersion::V2, expires_in)
}

/// [`mint_access`] in either token version (`(audience, client, scopes)`).
pub(crate) fn mint_access_of(
    store: &Store,
    mailbox: usize,
    (audience, azp, scp): (&str, &str, &str),
    version: TokenVersion,
    expires_in: Option<i64>,
) -> Result<(String, i64), KeyError> {
    let (tenant_id, oid, address, name) = {
        let state = store.read();
        let m = &state.microsoft.mailboxes[mailbox];
        (state.microsoft.id.clone(), m.user_id.clone(), m.address.clone(), m.display_name.clone())
    };
    let key = store.signing_key()?;
    let now = chrono::Utc::now().timestamp();
    let (uti, lifetime) = {
        let mut identity = store.identity();
        let lifetime = expires_in.unwrap_or(identity.token_lifetime.as_secs() as i64);
        let uti = identity.mint("", 22);
        identity.access.insert(uti.clone(), Issued { expired: false });
        (uti, lifetime)
    };
    let v1 = version == TokenVersion::V1;
    let claims = GraphClaims {
        aud: audience.to_owned(),
        iss: if v1 { issuer_v1(&tenant_id) } else { issuer(store.origin(), &tenant_id) },
        iat: now.min(now + lifetime),
        nbf: now.min(now + lifetime),
        exp: now + lifetime,
        azp: if v1 { String::new() } else { azp.to_owned() },
        appid: v1.then(|| azp.to_owned()),
        name,
        oid: oid.clone(),
        preferred_username: if v1 { String::new() } else { address.clone() },
        upn: v1.then(|| address.clone()),
        unique_name: v1.then_some(address),
        scp: scp.to_owned(),
        sub: oid,
        tid: tenant_id,
        uti,
        ver: if v1 { "1.0" } else { "2.0" }.to_owned(),
    };
    Ok((key.sign(&claims)?, lifetime))
}

/// Signs the tokens of a grant and records them.
pub(super) fn issue(store: &Store, tenant_id: &str, grant: Grant) -> Result<Value, AadError> {
    let sign_error = |e: KeyError| AadError::new("server_error", 90_000, e.to_string());
    let graph_scopes: Vec<&str> =
        grant.scopes.iter().map(String::as_str).filter(|s| is_graph(s)).collect();
    let (access, lifetime) = mint_access(
        store,
        grant.mailbox,
        GRAPH_AUDIENCE,
        &grant.client_id,
        &graph_scopes.join(" "),
        None,
    )
    .map_err(sign_error)?;
    let mut answer = json!({
        "token_type": "Bearer",
        "scope": grant.scopes.iter().filter(|s| *s != "offline_access").cloned().collect::<Vec<_>>().join(" "),
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access,
    });
    if grant.scopes.iter().any(|s| s == "offline_access") {
        let mut identity = store.identity();
        let refresh = identity.mint("1.AQ0A", 300);
        identity.refresh.insert(
            refresh.clone(),
            Refresh {
                client_id: grant.client_id.clone(),
                mailbox: grant.mailbox,
                scopes: grant.scopes.clone(),
                state: RefreshState::Live,
            },
        );
        answer["refresh_token"] = json!(refresh);
    }
    if grant.id_token && grant.scopes.iter().any(|s| s == "openid") {
        let (oid, address, name) = {
            let state = store.read();
            let m = &state.microsoft.mailboxes[grant.mailbox];
            (m.user_id.clone(), m.address.clone(), m.display_name.clone())
        };
        let now = chrono::Utc::now().timestamp();
        let id = IdClaims {
            aud: grant.client_id,
            iss: issuer(store.origin(), tenant_id),
            iat: now,
            nbf: now,
            exp: now + lifetime,
            name,
            oid: oid.clone(),
            preferred_username: address.clone(),
            email: address,
            sub: oid,
            tid: tenant_id.to_owned(),
            nonce: grant.nonce,
            ver: "2.0".to_owned(),
        };
        let key = store.signing_key().map_err(sign_error)?;
        answer["id_token"] = json!(key.sign(&id).map_err(sign_error)?);
    }
    Ok(answer)
}
