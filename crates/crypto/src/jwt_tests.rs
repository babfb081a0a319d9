#![expect(clippy::unwrap_used, reason = "tests")]

use super::*;

const KEY_A: &str = "dev-insecure-jwt-signing-key-one-AAAAAAAAAA";
const KEY_B: &str = "dev-insecure-jwt-signing-key-two-AAAAAAAAAA";

fn tokens(keys: &[(&str, &str)], issuer: &str, audience: &str) -> JwtTokens {
    JwtTokens::new(JwtSettings {
        issuer: issuer.into(),
        audience: audience.into(),
        lifetime_secs: 900,
        keys: keys
            .iter()
            .map(|(kid, key)| SigningKeySetting {
                kid: (*kid).into(),
                private_key: SecretString::from(*key),
            })
            .collect(),
    })
    .unwrap()
}

fn b64(v: &serde_json::Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

#[test]
fn issued_tokens_verify_until_they_expire() {
    let t = tokens(&[("a", KEY_A)], "iss", "aud");
    let (user, session, now) = (UserId::new(), SessionId::new(), Utc::now());
    let issued = t.issue(user, session, now).unwrap();
    let claims = t.verify(&issued.token, now).unwrap();
    assert_eq!((claims.user_id, claims.session_id), (user, session));
    let later = now + chrono::Duration::seconds(900);
    assert_eq!(t.verify(&issued.token, later), Err(TokenError::Expired));
}

#[test]
fn rotation_keeps_old_tokens_valid_and_jwks_lists_every_key() {
    let old = tokens(&[("a", KEY_A)], "iss", "aud");
    let rotated = tokens(&[("b", KEY_B), ("a", KEY_A)], "iss", "aud");
    let now = Utc::now();
    let token = old.issue(UserId::new(), SessionId::new(), now).unwrap().token;
    assert!(rotated.verify(&token, now).is_ok());
    let new = rotated.issue(UserId::new(), SessionId::new(), now).unwrap().token;
    assert_eq!(header_fields(&new).unwrap().1.as_deref(), Some("b"));
    assert_eq!(old.verify(&new, now), Err(TokenError::UnknownKey));
    let jwks = rotated.jwks();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    assert_eq!(jwks["keys"][0]["kid"], "b");
}

#[test]
fn every_forgery_is_refused() {
    let t = tokens(&[("a", KEY_A)], "iss", "aud");
    let now = Utc::now();
    let token = t.issue(UserId::new(), SessionId::new(), now).unwrap().token;
    let parts: Vec<&str> = token.split('.').collect();

    let none = format!("{}.{}.", b64(&serde_json::json!({"alg": "none", "kid": "a"})), parts[1]);
    assert_eq!(t.verify(&none, now), Err(TokenError::Algorithm));
    let hs = format!(
        "{}.{}.{}",
        b64(&serde_json::json!({"alg": "HS256", "kid": "a"})),
        parts[1],
        parts[2]
    );
    assert_eq!(t.verify(&hs, now), Err(TokenError::Algorithm));
    let unknown = format!(
        "{}.{}.{}",
        b64(&serde_json::json!({"alg": "EdDSA", "kid": "zz"})),
        parts[1],
        parts[2]
    );
    assert_eq!(t.verify(&unknown, now), Err(TokenError::UnknownKey));

    let other_key = tokens(&[("a", KEY_B)], "iss", "aud");
    let forged = other_key.issue(UserId::new(), SessionId::new(), now).unwrap().token;
    assert_eq!(t.verify(&forged, now), Err(TokenError::Signature));

    let wrong_iss =
        tokens(&[("a", KEY_A)], "evil", "aud").issue(UserId::new(), SessionId::new(), now);
    assert_eq!(t.verify(&wrong_iss.unwrap().token, now), Err(TokenError::Issuer));
    let wrong_aud =
        tokens(&[("a", KEY_A)], "iss", "evil").issue(UserId::new(), SessionId::new(), now);
    assert_eq!(t.verify(&wrong_aud.unwrap().token, now), Err(TokenError::Audience));
    assert_eq!(t.verify("garbage", now), Err(TokenError::Malformed));
}

#[test]
fn pem_keys_with_a_comment_load() {
    let seed = raw_32(KEY_A).unwrap();
    let pem = SigningKey::from_bytes(&seed)
        .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
        .unwrap();
    let text = format!("# a comment\n{}", pem.as_str());
    let from_pem = tokens(&[("a", &text)], "iss", "aud");
    let from_raw = tokens(&[("a", KEY_A)], "iss", "aud");
    assert_eq!(from_pem.jwks(), from_raw.jwks());
}
