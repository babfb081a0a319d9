//! Verifying a token the identity platform issued to a client for this API (the
//! On-Behalf-Of assertion, or the token a mobile app signs in with): RS256 only, a key the
//! platform publishes, `aud` one of this API's audiences, the issuer the authority's for the
//! token's own tenant, `exp`/`nbf` within the leeway, `oid` and `tid` present
//! (<https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens>).

use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use switchboard_ports::MailAuthError;
use switchboard_ports::mail_auth::VerifiedAssertion;

use super::config::{MicrosoftAuthConfig, TenantPolicy};
use super::keys::KeyCache;

/// The claims read from an assertion (v2.0 access tokens).
#[derive(Debug, Deserialize)]
struct Claims {
    iss: String,
    exp: i64,
    #[serde(default)]
    tid: String,
    #[serde(default)]
    oid: String,
    preferred_username: Option<String>,
    upn: Option<String>,
    email: Option<String>,
    name: Option<String>,
}

fn invalid(reason: impl Into<String>) -> MailAuthError {
    MailAuthError::InvalidAssertion(reason.into())
}

/// Verifies `assertion` against the keys in `keys` and the rules of `config`.
pub(crate) async fn verify(
    config: &MicrosoftAuthConfig,
    keys: &KeyCache,
    assertion: &str,
) -> Result<VerifiedAssertion, MailAuthError> {
    let header = jsonwebtoken::decode_header(assertion).map_err(|_| invalid("not a JWT"))?;
    if header.alg != Algorithm::RS256 {
        return Err(invalid(format!("signed with {:?}; only RS256 is accepted", header.alg)));
    }
    let kid = header.kid.ok_or_else(|| invalid("no key id (kid) in the header"))?;
    let signing = keys.key(&kid).await?;

    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = config.leeway.as_secs();
    validation.validate_nbf = true;
    validation.set_audience(&config.audiences);
    validation.set_required_spec_claims(&["exp", "aud", "iss"]);
    let claims = jsonwebtoken::decode::<Claims>(assertion, &signing.key, &validation)
        .map_err(|e| invalid(rejection(e.kind())))?
        .claims;

    if claims.oid.is_empty() || claims.tid.is_empty() {
        return Err(invalid("no object id (oid) or tenant id (tid)"));
    }
    if let TenantPolicy::Only(tenants) = &config.tenants
        && !tenants.iter().any(|t| t.eq_ignore_ascii_case(&claims.tid))
    {
        return Err(invalid(format!("tenant {} is not allowed", claims.tid)));
    }
    // The multi-tenant aliases publish `…/{tenantid}/v2.0`: the token's own tenant fills it.
    let expected = signing.issuer.replace("{tenantid}", &claims.tid);
    if claims.iss != expected {
        return Err(invalid(format!("issuer {} is not {expected}", claims.iss)));
    }
    Ok(VerifiedAssertion {
        object_id: claims.oid,
        tenant_id: claims.tid,
        username: claims.preferred_username.or(claims.upn).or(claims.email),
        name: claims.name,
        expires_at: DateTime::<Utc>::from_timestamp(claims.exp, 0).unwrap_or_default(),
    })
}

/// Why jsonwebtoken refused the token, in words that quote nothing of it.
fn rejection(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ExpiredSignature => "expired",
        ErrorKind::ImmatureSignature => "not valid yet (nbf)",
        ErrorKind::InvalidAudience => "not issued for this API (aud)",
        ErrorKind::InvalidSignature => "the signature does not verify",
        ErrorKind::MissingRequiredClaim(_) => "a required claim (exp, aud, iss) is missing",
        ErrorKind::InvalidAlgorithm => "the key does not match the algorithm",
        _ => "malformed token",
    }
}
