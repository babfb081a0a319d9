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

/// A token signed by hand with key `a` of `t`, whatever its claims.
fn hand_signed(t: &JwtTokens, claims: &serde_json::Value) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some("a".into());
    jsonwebtoken::encode(&header, claims, &t.inner.keys["a"].encoding).unwrap()
}

#[test]
fn tokens_issued_or_valid_only_in_the_future_are_refused_beyond_the_leeway() {
    for cache in [0, 8] {
        let t = with_cache(&[("a", KEY_A)], "iss", "aud", cache);
        let now = Utc::now();
        let at = |iat: i64, nbf: Option<i64>| {
            let mut claims = serde_json::json!({
                "iss": "iss", "aud": "aud", "sub": UserId::new().to_string(),
                "sid": SessionId::new().to_string(), "jti": "j",
                "iat": now.timestamp() + iat, "exp": now.timestamp() + 3600,
            });
            if let Some(nbf) = nbf {
                claims["nbf"] = serde_json::json!(now.timestamp() + nbf);
            }
            hand_signed(&t, &claims)
        };
        let leeway = CLOCK_SKEW_LEEWAY_SECS;
        assert!(t.verify(&at(0, None), now).is_ok(), "a token issued now");
        assert!(t.verify(&at(-60, Some(-60)), now).is_ok(), "issued and valid a minute ago");
        assert!(t.verify(&at(leeway, Some(leeway)), now).is_ok(), "within the clock skew");
        for (case, token) in [
            ("iat in the future", at(leeway + 1, None)),
            ("iat an hour ahead", at(3599, None)),
            ("nbf in the future", at(0, Some(leeway + 1))),
            ("nbf an hour ahead", at(-60, Some(3599))),
        ] {
            assert_eq!(
                t.verify(&token, now),
                Err(TokenError::NotYetValid),
                "{case}, cache {cache}"
            );
            assert_eq!(t.verify(&token, now), Err(TokenError::NotYetValid), "{case}, again");
        }
        // Once its time has come, the same token is accepted.
        let later = now + chrono::Duration::seconds(3599);
        assert!(t.verify(&at(0, Some(leeway + 1)), later).is_ok());
    }
}

#[test]
fn issued_tokens_carry_no_nbf_and_a_current_iat() {
    let t = tokens(&[("a", KEY_A)], "iss", "aud");
    let now = Utc::now();
    let token = t.issue(UserId::new(), SessionId::new(), now).unwrap().token;
    let body = token.split('.').nth(1).unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).unwrap()).unwrap();
    assert_eq!(claims["iat"], now.timestamp());
    assert!(claims.get("nbf").is_none(), "{claims}");
    // A server whose clock is a little behind the signer's still accepts it.
    let behind = now - chrono::Duration::seconds(CLOCK_SKEW_LEEWAY_SECS);
    assert!(t.verify(&token, behind).is_ok());
    let far_behind = now - chrono::Duration::seconds(CLOCK_SKEW_LEEWAY_SECS + 1);
    assert_eq!(t.verify(&token, far_behind), Err(TokenError::NotYetValid));
}
