//! `switchboard admin rotate-secrets` over real rows: secrets sealed under key A are
//! re-encrypted under B once the keys are [B, A], and then open with B alone.

use secrecy::SecretString;
use switchboard_crypto::{AeadSecretBox, SecretBoxKey};
use switchboard_memory::ManualClock;
use switchboard_ports::{SealedSecret, SecretBox};
use switchboard_services::SecretService;
use switchboard_test_support::TestDb;

use crate::support::{PgTestPorts, config, identity, switchboard};

const KEY_A: &str = "dev-insecure-secret-box-key-one-AAAAAAAAAAA";
const KEY_B: &str = "dev-insecure-secret-box-key-two-AAAAAAAAAAA";

fn secret_box(keys: &[(&str, &str)]) -> AeadSecretBox {
    let keys: Vec<SecretBoxKey> = keys
        .iter()
        .map(|(kid, key)| SecretBoxKey { kid: (*kid).into(), key: SecretString::from(*key) })
        .collect();
    AeadSecretBox::new(&keys).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn rotate_secrets_reseals_every_row_under_the_new_key() {
    let db = TestDb::migrated().await;
    let id = identity(&db, &config(), &ManualClock::default());
    let sealed_under_a =
        SecretService::<PgTestPorts>::new(id.uow.clone(), secret_box(&[("a", KEY_A)]));
    let mut plain = Vec::new();
    for n in 0..250 {
        let secret = SealedSecret {
            id: uuid::Uuid::new_v4(),
            owner_id: None,
            purpose: "gmail_refresh_token".into(),
            key_id: String::new(),
            ciphertext: Vec::new(),
        };
        let text = format!("token number {n}").into_bytes();
        sealed_under_a.store(secret.clone(), &text).await.unwrap();
        plain.push((secret.id, text));
    }
    let client = db.client().await;
    let kids = "SELECT key_id, count(*) FROM sealed_secrets GROUP BY key_id";
    let rows = client.query(kids, &[]).await.unwrap();
    assert_eq!(
        rows.iter().map(|r| (r.get(0), r.get(1))).collect::<Vec<(String, i64)>>(),
        [("a".into(), 250)]
    );

    let file =
        std::env::temp_dir().join(format!("switchboard-rotate-{}.toml", uuid::Uuid::new_v4()));
    std::fs::write(
        &file,
        format!("[auth]\nsecret_keys = [\n  {{ kid = \"b\", key = \"{KEY_B}\" }},\n  {{ kid = \"a\", key = \"{KEY_A}\" }},\n]\n"),
    )
    .unwrap();
    let out = switchboard(&db)
        .arg("--config")
        .arg(&file)
        .args(["admin", "rotate-secrets"])
        .output()
        .await
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("re-encrypted 250 secret(s)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let rows = client.query(kids, &[]).await.unwrap();
    assert_eq!(
        rows.iter().map(|r| (r.get(0), r.get(1))).collect::<Vec<(String, i64)>>(),
        [("b".into(), 250)]
    );
    let b_alone = SecretService::<PgTestPorts>::new(id.uow.clone(), secret_box(&[("b", KEY_B)]));
    let a_alone = secret_box(&[("a", KEY_A)]);
    for (secret_id, text) in &plain {
        assert_eq!(b_alone.open(*secret_id).await.unwrap().as_deref(), Some(text.as_slice()));
        let row = client
            .query_one(
                "SELECT ciphertext FROM sealed_secrets WHERE id::text = $1",
                &[&secret_id.to_string()],
            )
            .await
            .unwrap();
        let ciphertext: Vec<u8> = row.get(0);
        assert_eq!(
            AeadSecretBox::key_id_of(&ciphertext).unwrap(),
            "b",
            "the key id in the ciphertext"
        );
        assert!(a_alone.open(&ciphertext, secret_id.as_bytes()).is_err(), "sealed under b, not a");
    }
}
