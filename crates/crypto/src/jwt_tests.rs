#![expect(clippy::unwrap_used, reason = "tests")]

use super::*;

const KEY_A: &str = "dev-insecure-jwt-signing-key-one-AAAAAAAAAA";
const KEY_B: &str = "dev-insecure-jwt-signing-key-two-AAAAAAAAAA";

fn tokens(keys: &[(&str, &str)], issuer: &str, audience: &str) -> JwtTokens {
    with_cache(keys, issuer, audience, 0)
}

fn with_cache(keys: &[(&str, &str)], issuer: &str, audience: &str, cache: usize) -> JwtTokens {
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
        verified_cache: cache,
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
fn the_cache_answers_like_the_full_check() {
    let t = with_cache(&[("a", KEY_A)], "iss", "aud", 4);
    let (user, session, now) = (UserId::new(), SessionId::new(), Utc::now());
    let token = t.issue(user, session, now).unwrap().token;
    let first = t.verify(&token, now).unwrap();
    assert_eq!(t.verify(&token, now).unwrap(), first, "a hit gives the same claims");

    // A cached token altered anywhere (another signature, other claims) is checked in full.
    let parts: Vec<&str> = token.split('.').collect();
    let other_sig = tokens(&[("a", KEY_B)], "iss", "aud")
        .issue(user, session, now)
        .unwrap()
        .token
        .rsplit('.')
        .next()
        .unwrap()
        .to_owned();
    let swapped = format!("{}.{}.{other_sig}", parts[0], parts[1]);
    assert_eq!(t.verify(&swapped, now), Err(TokenError::Signature));
    let mut flipped = token.clone().into_bytes();
    let last = flipped.len() - 2;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    assert_eq!(t.verify(&flipped, now), Err(TokenError::Signature));
    let uncached = tokens(&[("a", KEY_A)], "iss", "aud");
    for altered in [format!("{token}x"), format!("{token}.x"), token[..token.len() - 1].to_owned()]
    {
        let answer = t.verify(&altered, now);
        assert!(answer.is_err(), "{altered}");
        assert_eq!(answer, uncached.verify(&altered, now));
    }

    // Expiry is checked on every hit, against the caller's clock, to the second.
    let just_before = now + chrono::Duration::milliseconds(899_000);
    assert!(t.verify(&token, just_before).is_ok());
    let at_exp = now + chrono::Duration::seconds(900);
    assert_eq!(t.verify(&token, at_exp), Err(TokenError::Expired));
    assert_eq!(t.verify(&token, at_exp), Err(TokenError::Expired), "and after the entry went");
}

#[test]
fn the_cache_stays_bounded_and_correct_past_its_capacity() {
    let t = with_cache(&[("a", KEY_A)], "iss", "aud", 2);
    let now = Utc::now();
    let issued: Vec<(UserId, String)> = (0..20)
        .map(|_| {
            let user = UserId::new();
            (user, t.issue(user, SessionId::new(), now).unwrap().token)
        })
        .collect();
    for _ in 0..2 {
        for (user, token) in &issued {
            assert_eq!(t.verify(token, now).unwrap().user_id, *user);
        }
    }
    assert!(t.inner.verified.as_ref().unwrap().len() <= 2);
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
