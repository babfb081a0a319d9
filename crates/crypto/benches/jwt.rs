//! The per-request cost of checking an access token (EdDSA signature, claims), with and
//! without the cache of verified tokens.

#![expect(missing_docs, clippy::unwrap_used, reason = "criterion entry points")]

use std::hint::black_box;

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use secrecy::SecretString;
use switchboard_crypto::{JwtSettings, JwtTokens, SigningKeySetting};
use switchboard_domain::UserId;
use switchboard_domain::identity::SessionId;
use switchboard_ports::TokenIssuer;

fn tokens(verified_cache: usize) -> JwtTokens {
    JwtTokens::new(JwtSettings {
        issuer: "switchboard".into(),
        audience: "switchboard-api".into(),
        lifetime_secs: 900,
        keys: vec![SigningKeySetting {
            kid: "k1".into(),
            private_key: SecretString::from("dev-insecure-jwt-signing-key-one-AAAAAAAAAA"),
        }],
        verified_cache,
    })
    .unwrap()
}

fn verify(c: &mut Criterion) {
    let now = Utc::now();
    let plain = tokens(0);
    let token = plain.issue(UserId::new(), SessionId::new(), now).unwrap().token;
    c.bench_function("jwt/verify_eddsa", |b| {
        b.iter(|| plain.verify(black_box(&token), now).unwrap())
    });
    let cached = tokens(10_000);
    cached.verify(&token, now).unwrap();
    c.bench_function("jwt/verify_eddsa_cached", |b| {
        b.iter(|| cached.verify(black_box(&token), now).unwrap())
    });
    c.bench_function("jwt/issue_eddsa", |b| {
        b.iter(|| plain.issue(UserId::new(), SessionId::new(), now).unwrap());
    });
}

criterion_group!(benches, verify);
criterion_main!(benches);
