//! What the configuration's documents promise, checked against the configuration itself:
//! `.env.example` names every secret, and the README's configuration table lists every key of
//! `config/default.toml` (and no other) with the default that file gives.

#![expect(clippy::unwrap_used, clippy::result_large_err, reason = "tests")]

use std::collections::{BTreeMap, BTreeSet};

use figment::Jail;
use switchboard_app::config::{Config, Profile};

const ENV_EXAMPLE: &str = include_str!("../../../.env.example");

/// The environment variable that sets `key` (`auth.secret_keys` → `SWITCHBOARD__AUTH__SECRET_KEYS`).
fn env_name(key: &str) -> String {
    format!("SWITCHBOARD__{}", key.to_uppercase().replace('.', "__"))
}

#[test]
fn the_env_example_names_every_secret() {
    Jail::expect_with(|_| {
        let config = Config::load(Profile::Development, None).unwrap();
        let secrets = config.secrets();
        // Every secret field is a `SecretString`, which prints as [REDACTED]: a secret field
        // missing from `Config::secrets` would show here.
        let redacted = format!("{config:?}").matches("REDACTED").count();
        assert_eq!(redacted, secrets.len(), "Config::secrets() misses a secret field");
        let missing: BTreeSet<&str> = secrets
            .iter()
            .map(|(key, _)| *key)
            .filter(|key| {
                !ENV_EXAMPLE.contains(&env_name(key))
                    && !(*key == "database.url" && ENV_EXAMPLE.contains("DATABASE_URL="))
            })
            .collect();
        assert!(missing.is_empty(), ".env.example does not name {missing:?}");
        Ok(())
    });
}
