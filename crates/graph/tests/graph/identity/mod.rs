//! The Microsoft identity platform client against the sandbox's fake identity platform over
//! HTTP (and, for the key cache, a local recording server with keys of the test's own).

mod assertions;
mod code_flow;
mod keys;
mod obo;
mod wire;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use switchboard_graph::{MicrosoftAuth, MicrosoftAuthConfig};
use switchboard_sandbox::{MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET, RunningSandbox};

pub const REDIRECT: &str = "http://127.0.0.1:9999/mail/callback";
pub const VERIFIER: &str = "M25iVXpKU3puUjFaYWg3T1NDTDQ2LWt6cFhiZW1kcjVacy1sb2NhbC12ZXJpZmllcg";

pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The sandbox's app at the `organizations` alias.
pub fn config(sb: &RunningSandbox) -> MicrosoftAuthConfig {
    MicrosoftAuthConfig::new(
        sb.microsoft_login_base_url(),
        "organizations",
        MICROSOFT_CLIENT_ID,
        MICROSOFT_CLIENT_SECRET.into(),
    )
}

pub fn auth(sb: &RunningSandbox) -> MicrosoftAuth {
    MicrosoftAuth::new(config(sb)).unwrap()
}

/// Follows an authorization URL as a browser would; the query it is sent back to
/// [`REDIRECT`] with.
pub async fn approve(url: &str) -> Vec<(String, String)> {
    let browser = reqwest_graph::Client::builder()
        .redirect(reqwest_graph::redirect::Policy::none())
        .build()
        .unwrap();
    let response = browser.get(url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 302, "{:?}", response.text().await);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let back = url::Url::parse(&location).unwrap();
    assert_eq!(&location[..REDIRECT.len()], REDIRECT);
    back.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

pub fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// An RSA key of the test's own: signs as the platform would, but is not the platform's.
pub struct OwnKey {
    pub encoding: jsonwebtoken::EncodingKey,
    /// The public key's modulus and exponent, base64url (a JWK's `n` and `e`).
    pub n: String,
    pub e: String,
}

impl OwnKey {
    pub fn generate(seed: u64) -> Self {
        use rand_chacha::rand_core::SeedableRng;
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::traits::PublicKeyParts;
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
        let private = rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap();
        let der = private.to_pkcs1_der().unwrap();
        Self {
            encoding: jsonwebtoken::EncodingKey::from_rsa_der(der.as_bytes()),
            n: URL_SAFE_NO_PAD.encode(private.n().to_bytes_be()),
            e: URL_SAFE_NO_PAD.encode(private.e().to_bytes_be()),
        }
    }

    /// `claims` signed RS256 with this key, under the key id `kid`.
    pub fn sign(&self, kid: &str, claims: &serde_json::Value) -> String {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap()
    }
}
