//! Verifying a token the identity platform issued to a client for this API (the
//! On-Behalf-Of assertion, or the token a mobile app signs in with): RS256 only, a key the
//! platform publishes, `aud` one of this API's audiences, the issuer the authority's for the
//! token's own tenant, `exp`/`nbf` within the leeway, `oid` and `tid` present
//! (<https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens>).
//!
//! Both token versions are accepted: an API's app registration gets v1.0 access tokens unless
//! its manifest asks for v2.0 (`accessTokenAcceptedVersion`), so a mobile app's token for this
//! API is often v1.0. The two differ in their issuer (v1.0: `https://sts.windows.net/{tid}/`,
//! given by the v1.0 OpenID metadata) and in where the sign-in name is (`upn`,
//! `unique_name` rather than `preferred_username`); the keys are the same.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use switchboard_ports::MailAuthError;
use switchboard_ports::mail_auth::VerifiedAssertion;

use super::config::{MicrosoftAuthConfig, TenantPolicy};
use super::keys::KeyCache;

/// The claims read from an assertion (v1.0 or v2.0 access tokens).
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
    unique_name: Option<String>,
    email: Option<String>,
    name: Option<String>,
}

/// An access token's version, as its `ver` claim says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// `"1.0"`.
    V1,
    /// `"2.0"`, and anything that is not a v1.0 token.
    V2,
}

/// The version `assertion` claims, read before it is verified: only to pick the metadata whose
/// issuer it is then verified against (it must match it, signed by the platform's keys).
pub(crate) fn version(assertion: &str) -> Version {
    #[derive(Deserialize)]
    struct Ver {
        #[serde(default)]
        ver: String,
    }
    let claimed = assertion
        .split('.')
        .nth(1)
        .and_then(|payload| URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok())
        .and_then(|json| serde_json::from_slice::<Ver>(&json).ok());
    match claimed {
        Some(Ver { ver }) if ver == "1.0" => Version::V1,
        _ => Version::V2,
    }
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
        username: claims.preferred_username.or(claims.upn).or(claims.unique_name).or(claims.email),
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

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::{Version, version};

    fn token(payload: &str) -> String {
        format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(payload))
    }

    #[test]
    fn only_a_token_saying_1_0_is_read_as_v1() {
        assert_eq!(version(&token(r#"{"ver":"1.0"}"#)), Version::V1);
        assert_eq!(version(&token(r#"{"ver":"2.0"}"#)), Version::V2);
        assert_eq!(version(&token(r#"{"ver":1.0}"#)), Version::V2);
        assert_eq!(version(&token("{}")), Version::V2);
        assert_eq!(version("not-a-jwt"), Version::V2);
    }
}
