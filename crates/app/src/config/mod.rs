//! Typed configuration: `config/default.toml`, then `config/<profile>.toml` (both embedded in
//! the binary), then an optional file given with `--config`, then `SWITCHBOARD__SECTION__KEY`
//! environment variables; `DATABASE_URL` sets `database.url`. An environment value is a string
//! as written unless it starts with `[`, `{` or `"`; a numeric or boolean setting reads its
//! string as a number or boolean.

mod auth;
mod chat;
mod environment;
mod mail;
mod notifications;
mod sandbox;
mod stats;
mod webhooks;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

pub use auth::{
    Argon2Config, AuthConfig, HashPriorityConfig, LimitsConfig, SecretKeyConfig, SigningKeyConfig,
};
pub use chat::{ChatConfig, SlackOAuthConfig};
pub use mail::{GoogleConfig, MailConfig, MicrosoftConfig};
pub use notifications::NotificationsConfig;
pub use sandbox::{DemoConfig, SandboxConfig};
pub use stats::StatsConfig;
pub use webhooks::WebhooksConfig;

use environment::Verbatim;

const DEFAULT: &str = include_str!("../../../../config/default.toml");
const DEVELOPMENT: &str = include_str!("../../../../config/development.toml");
const TEST: &str = include_str!("../../../../config/test.toml");
const PRODUCTION: &str = include_str!("../../../../config/production.toml");

/// Every development secret of the shipped files contains this marker, so production can
/// recognise one left in place.
pub const DEVELOPMENT_SECRET_MARKER: &str = "dev-insecure";

/// Which set of overrides applies, from `SWITCHBOARD_PROFILE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Local work and `make run` (the default).
    Development,
    /// Automated tests.
    Test,
    /// Deployments: refuses development secrets.
    Production,
}

impl FromStr for Profile {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "development" | "dev" => Ok(Self::Development),
            "test" => Ok(Self::Test),
            "production" | "prod" => Ok(Self::Production),
            other => Err(ConfigError::UnknownProfile(other.to_owned())),
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Development => "development",
            Self::Test => "test",
            Self::Production => "production",
        })
    }
}

impl Profile {
    /// The profile named by `SWITCHBOARD_PROFILE`, development when unset.
    ///
    /// # Errors
    /// [`ConfigError::UnknownProfile`] for another name.
    pub fn from_env() -> Result<Self, ConfigError> {
        std::env::var("SWITCHBOARD_PROFILE").map_or(Ok(Self::Development), |p| p.parse())
    }

    fn overrides(self) -> &'static str {
        match self {
            Self::Development => DEVELOPMENT,
            Self::Test => TEST,
            Self::Production => PRODUCTION,
        }
    }
}

/// What can be wrong with the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `SWITCHBOARD_PROFILE` names no profile.
    #[error("unknown profile {0:?}: use development, test or production")]
    UnknownProfile(String),
    /// A value is missing, of the wrong type, or unknown.
    #[error("invalid configuration: {0}")]
    Invalid(#[from] Box<figment::Error>),
    /// Settings that cannot work together, or not in this profile.
    #[error("invalid configuration: {0}")]
    Inconsistent(String),
    /// The production profile found development secrets still in place.
    #[error(
        "refusing to start in production with development secrets still in place: {}; \
         set them through the environment",
        .0.join(", ")
    )]
    DevelopmentSecrets(Vec<&'static str>),
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The HTTP server.
    pub server: ServerConfig,
    /// PostgreSQL.
    pub database: DatabaseConfig,
    /// Logging.
    pub log: LogConfig,
    /// Cross-origin requests from browsers.
    pub cors: CorsConfig,
    /// Background job workers.
    pub jobs: JobsConfig,
    /// Identity and access.
    pub auth: AuthConfig,
    /// Chat providers and ingest.
    pub chat: ChatConfig,
    /// Mailboxes.
    pub mail: MailConfig,
    /// Fake providers and the demo account (development).
    pub sandbox: SandboxConfig,
    /// Channel analytics.
    pub stats: StatsConfig,
    /// Prometheus metrics.
    pub metrics: MetricsConfig,
    /// Webhooks.
    pub webhooks: WebhooksConfig,
    /// Per-user notifications.
    pub notifications: NotificationsConfig,
    /// The live event stream.
    pub stream: StreamConfig,
}

/// Prometheus metrics (`GET /metrics`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// Whether metrics are recorded and served.
    pub enabled: bool,
    /// `serve`: the address of a separate metrics listener (`host:port`); empty serves
    /// `/metrics` on the API port.
    pub listen: String,
    /// `worker`: the address of its metrics listener; empty for none.
    pub worker_listen: String,
    /// How long the database figures (queue depth, consumer lag, sync lag) read at a scrape
    /// are reused, in seconds.
    pub sample_interval_secs: u64,
}

/// The live event stream.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamConfig {
    /// Seconds between heartbeat comments on an idle stream.
    pub heartbeat_secs: u64,
    /// Events buffered per connection before it is closed as too slow.
    pub channel_capacity: usize,
    /// Seconds a stream ticket stays valid.
    pub ticket_ttl_secs: u64,
    /// Longest wait between reads of the log without a notification, in milliseconds.
    pub poll_interval_ms: u64,
}

/// Background job workers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobsConfig {
    /// Worker loops inside `serve`; 0 for none.
    pub workers_in_serve: usize,
    /// Worker loops in each `switchboard worker` process.
    pub workers: usize,
    /// Jobs each loop runs at once.
    pub concurrency: usize,
    /// A claimed job's lease, in seconds.
    pub lease_secs: u64,
    /// Longest wait for work without a notification, in milliseconds.
    pub poll_interval_ms: u64,
    /// First retry delay, in milliseconds.
    pub backoff_base_ms: u64,
    /// Longest retry delay, in seconds.
    pub backoff_max_secs: u64,
    /// Time jobs in hand may take after SIGTERM, in seconds.
    pub shutdown_grace_secs: u64,
}

/// The HTTP server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to bind.
    pub host: String,
    /// Port to bind; 0 picks a free one.
    pub port: u16,
    /// Worker threads; 0 means one per core.
    pub workers: usize,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// How long in-flight requests may take to finish after SIGTERM.
    pub shutdown_timeout_secs: u64,
    /// MiB of memory for the encoded answers kept and sent again (0: none).
    pub reply_cache_mb: u64,
}

/// PostgreSQL.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// Connection URL; may hold a password, so it is a secret and never printed.
    pub url: SecretString,
    /// Connections for requests, split into one pool per HTTP worker; `serve` keeps another
    /// pool of this size for jobs and start-up.
    pub pool_size: usize,
    /// Whether `serve` applies pending migrations when it starts.
    pub migrate_on_start: bool,
    /// The URL of the connection that listens for new events; empty means `url`. A secret,
    /// like `url`.
    pub listen_url: SecretString,
}

impl DatabaseConfig {
    /// The URL to `LISTEN` on: `listen_url`, or `url` when it is empty.
    pub fn listen_url(&self) -> &str {
        match self.listen_url.expose_secret() {
            "" => self.url.expose_secret(),
            url => url,
        }
    }
}

/// Log output.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// Human-readable or JSON lines.
    pub format: LogFormat,
    /// tracing `EnvFilter` directives; `RUST_LOG` overrides them.
    pub filter: String,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// For people at a terminal.
    Pretty,
    /// One JSON object per line, for collectors.
    Json,
}

/// Cross-origin requests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorsConfig {
    /// Allowed origins; `*` allows any; empty allows none.
    pub allowed_origins: Vec<String>,
    /// How long a preflight answer may be cached, in seconds.
    pub max_age_secs: usize,
}

impl Config {
    /// The layered sources for `profile`, without reading them yet.
    pub fn figment(profile: Profile, file: Option<&Path>) -> Figment {
        let mut figment =
            Figment::new().merge(Toml::string(DEFAULT)).merge(Toml::string(profile.overrides()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
            .merge(Verbatim(Env::prefixed("SWITCHBOARD__").split("__")))
            .merge(Verbatim(Env::raw().only(&["DATABASE_URL"]).map(|_| "database.url".into())))
    }

    /// Loads and checks the configuration for `profile`.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] for a bad value, [`ConfigError::DevelopmentSecrets`] when the
    /// production profile still has a development secret.
    pub fn load(profile: Profile, file: Option<&Path>) -> Result<Self, ConfigError> {
        // Lossy: environment values arrive as strings (see `environment`), so a number or a
        // boolean setting must accept its text.
        let config: Config = Self::figment(profile, file).extract_lossy().map_err(Box::new)?;
        config.check(profile)?;
        if profile == Profile::Production {
            let left = config.development_secrets();
            if !left.is_empty() {
                return Err(ConfigError::DevelopmentSecrets(left));
            }
        }
        Ok(config)
    }

    /// Refuses settings that cannot work together.
    fn check(&self, profile: Profile) -> Result<(), ConfigError> {
        let refuse = |why: &str| Err(ConfigError::Inconsistent(why.to_owned()));
        if self.sandbox.enabled && profile == Profile::Production {
            return refuse(
                "sandbox.enabled serves fake providers without authentication; \
                 it is refused in the production profile",
            );
        }
        if self.sandbox.enabled && !self.chat.allow_private_networks {
            return refuse(
                "sandbox.enabled needs chat.allow_private_networks: the sandbox is on loopback",
            );
        }
        let microsoft = &self.mail.microsoft;
        let plain = [&microsoft.login_base_url, &microsoft.graph_base_url]
            .into_iter()
            .find(|url| !url.starts_with("https://"));
        if let (Some(url), Profile::Production) = (plain, profile) {
            return Err(ConfigError::Inconsistent(format!(
                "mail.microsoft endpoints must be https in production ({url:?})"
            )));
        }
        let plain =
            self.mail.google.endpoints().into_iter().find(|url| !url.starts_with("https://"));
        if let (Some(url), Profile::Production) = (plain, profile) {
            return Err(ConfigError::Inconsistent(format!(
                "mail.google endpoints must be https in production ({url:?})"
            )));
        }
        if let Some(uri) =
            self.mail.allowed_redirect_uris.iter().find(|u| url::Url::parse(u).is_err())
        {
            return Err(ConfigError::Inconsistent(format!(
                "mail.allowed_redirect_uris: {uri:?} is not an absolute URI"
            )));
        }
        Ok(())
    }

    /// Every secret of the configuration, with its key (a key once per list entry). The
    /// production check reads them, and `.env.example` must name each key.
    pub fn secrets(&self) -> Vec<(&'static str, &SecretString)> {
        let mut secrets: Vec<(&'static str, &SecretString)> = vec![
            ("database.url", &self.database.url),
            ("database.listen_url", &self.database.listen_url),
        ];
        secrets
            .extend(self.auth.signing_keys.iter().map(|k| ("auth.signing_keys", &k.private_key)));
        secrets.extend(self.auth.secret_keys.iter().map(|k| ("auth.secret_keys", &k.key)));
        secrets.push(("chat.slack_oauth.client_secret", &self.chat.slack_oauth.client_secret));
        secrets.push(("chat.slack_signing_secret", &self.chat.slack_signing_secret));
        secrets.push(("mail.microsoft.client_secret", &self.mail.microsoft.client_secret));
        secrets.push(("mail.google.client_secret", &self.mail.google.client_secret));
        secrets.push(("sandbox.demo.password", &self.sandbox.demo.password));
        secrets
    }

    /// The keys whose secret is still a development value.
    pub fn development_secrets(&self) -> Vec<&'static str> {
        let mut found: Vec<&'static str> = self
            .secrets()
            .into_iter()
            .filter(|(_, secret)| secret.expose_secret().contains(DEVELOPMENT_SECRET_MARKER))
            .map(|(key, _)| key)
            .collect();
        found.dedup();
        found
    }

    /// Worker threads to run: the configured count, or one per core.
    pub fn workers(&self) -> usize {
        match self.server.workers {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        }
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, clippy::result_large_err, reason = "tests")]

    use super::*;
    use figment::Jail;

    #[test]
    fn defaults_load_for_every_profile() {
        Jail::expect_with(|_| {
            for profile in [Profile::Development, Profile::Test] {
                let config = Config::load(profile, None).unwrap();
                assert!(config.database.pool_size > 0);
            }
            let dev = Config::load(Profile::Development, None).unwrap();
            assert_eq!(dev.server.port, 8000);
            assert_eq!(dev.log.format, LogFormat::Pretty);
            assert!(!dev.cors.allowed_origins.is_empty());
            assert!(dev.chat.allow_private_networks);
            assert_eq!(dev.chat.backfill_days, 30);
            Ok(())
        });
    }

    #[test]
    fn environment_overrides_files() {
        Jail::expect_with(|jail| {
            jail.set_env("SWITCHBOARD__SERVER__PORT", "9123");
            jail.set_env("SWITCHBOARD__CORS__ALLOWED_ORIGINS", r#"["https://a.example"]"#);
            jail.set_env("DATABASE_URL", "postgres://u:real@db/x");
            let config = Config::load(Profile::Development, None).unwrap();
            assert_eq!(config.server.port, 9123);
            assert_eq!(config.cors.allowed_origins, ["https://a.example"]);
            assert_eq!(config.database.url.expose_secret(), "postgres://u:real@db/x");
            Ok(())
        });
    }

    #[test]
    fn string_settings_keep_numeric_looking_values_verbatim() {
        Jail::expect_with(|jail| {
            jail.set_env("SWITCHBOARD__CHAT__SLACK_OAUTH__CLIENT_ID", "3336676569.1234567890123");
            jail.set_env("SWITCHBOARD__MAIL__MICROSOFT__CLIENT_ID", "0042");
            jail.set_env("SWITCHBOARD__SANDBOX__DEMO__PASSWORD", "true");
            jail.set_env("SWITCHBOARD__CHAT__SLACK_OAUTH__CLIENT_SECRET", "1e3");
            let config = Config::load(Profile::Development, None).unwrap();
            assert_eq!(config.chat.slack_oauth.client_id, "3336676569.1234567890123");
            assert_eq!(config.mail.microsoft.client_id, "0042");
            assert_eq!(config.sandbox.demo.password.expose_secret(), "true");
            assert_eq!(config.chat.slack_oauth.client_secret.expose_secret(), "1e3");
            Ok(())
        });
    }

    #[test]
    fn numbers_booleans_and_lists_still_parse_from_the_environment() {
        Jail::expect_with(|jail| {
            jail.set_env("SWITCHBOARD__SERVER__PORT", "9000");
            jail.set_env("SWITCHBOARD__CHAT__ALLOW_PRIVATE_NETWORKS", "true");
            jail.set_env("SWITCHBOARD__SANDBOX__ENABLED", "false");
            jail.set_env(
                "SWITCHBOARD__CHAT__SLACK_OAUTH__USER_SCOPES",
                r#"["channels:read", "1"]"#,
            );
            jail.set_env("SWITCHBOARD__MAIL__MX_OVERRIDES", r#"{"a.example"=["mx.a.example"]}"#);
            jail.set_env(
                "SWITCHBOARD__AUTH__SECRET_KEYS",
                r#"[{kid="2024",key="s3cretBBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]"#,
            );
            let config = Config::load(Profile::Development, None).unwrap();
            assert_eq!(config.server.port, 9000);
            assert!(config.chat.allow_private_networks && !config.sandbox.enabled);
            assert_eq!(config.chat.slack_oauth.user_scopes, ["channels:read", "1"]);
            assert_eq!(config.mail.mx_overrides["a.example"], ["mx.a.example"]);
            assert_eq!(config.auth.secret_keys[0].kid, "2024");

            jail.set_env("SWITCHBOARD__SERVER__PORT", "80.5");
            let err = Config::load(Profile::Development, None).unwrap_err();
            assert!(err.to_string().contains("SERVER.PORT"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_are_refused() {
        Jail::expect_with(|jail| {
            jail.set_env("SWITCHBOARD__SERVER__PROT", "1");
            let err = Config::load(Profile::Development, None).unwrap_err();
            assert!(err.to_string().contains("prot"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn a_file_given_on_the_command_line_overrides_the_profile() {
        Jail::expect_with(|jail| {
            jail.create_file("local.toml", "[server]\nworkers = 3\n")?;
            let config = Config::load(Profile::Development, Some(Path::new("local.toml"))).unwrap();
            assert_eq!(config.workers(), 3);
            Ok(())
        });
    }

    #[test]
    fn production_refuses_development_secrets_and_names_them() {
        Jail::expect_with(|_| {
            let err = Config::load(Profile::Production, None).unwrap_err();
            assert!(matches!(&err, ConfigError::DevelopmentSecrets(keys)
                    if keys == &["database.url", "auth.signing_keys", "auth.secret_keys"]));
            assert!(err.to_string().contains("database.url"));
            Ok(())
        });
    }

    #[test]
    fn production_starts_with_real_secrets_and_strict_defaults() {
        Jail::expect_with(|jail| {
            jail.set_env("DATABASE_URL", "postgres://app:s3cret@db.internal/switchboard");
            real_keys(jail);
            let config = Config::load(Profile::Production, None).unwrap();
            assert_eq!(config.log.format, LogFormat::Json);
            assert!(config.cors.allowed_origins.is_empty());
            assert!(!config.database.migrate_on_start);
            assert!(!config.chat.allow_private_networks);
            Ok(())
        });
    }

    #[test]
    fn secrets_are_not_printed() {
        Jail::expect_with(|jail| {
            jail.set_env("DATABASE_URL", "postgres://app:s3cret@db.internal/switchboard");
            real_keys(jail);
            let config = Config::load(Profile::Production, None).unwrap();
            assert!(!format!("{config:?}").contains("s3cret"));
            Ok(())
        });
    }

    fn real_keys(jail: &mut Jail) {
        jail.set_env(
            "SWITCHBOARD__AUTH__SIGNING_KEYS",
            r#"[{kid="k1",private_key="s3cretAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]"#,
        );
        jail.set_env(
            "SWITCHBOARD__AUTH__SECRET_KEYS",
            r#"[{kid="k1",key="s3cretBBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]"#,
        );
    }

    #[test]
    fn the_sandbox_is_on_in_development_only_and_needs_loopback() {
        Jail::expect_with(|jail| {
            let dev = Config::load(Profile::Development, None).unwrap();
            assert!(dev.sandbox.enabled && dev.sandbox.demo.enabled);
            assert!(!dev.chat.slack_oauth.client_id.is_empty());
            let test = Config::load(Profile::Test, None).unwrap();
            assert!(!test.sandbox.enabled);
            assert!(test.chat.slack_oauth.client_id.is_empty(), "OAuth is off unless configured");

            jail.set_env("SWITCHBOARD__CHAT__ALLOW_PRIVATE_NETWORKS", "false");
            let err = Config::load(Profile::Development, None).unwrap_err();
            assert!(err.to_string().contains("allow_private_networks"), "{err}");

            jail.set_env("DATABASE_URL", "postgres://app:s3cret@db.internal/switchboard");
            real_keys(jail);
            jail.set_env("SWITCHBOARD__SANDBOX__ENABLED", "true");
            let err = Config::load(Profile::Production, None).unwrap_err();
            assert!(err.to_string().contains("sandbox.enabled"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn production_refuses_the_development_demo_password_and_oauth_secret() {
        Jail::expect_with(|jail| {
            jail.set_env("DATABASE_URL", "postgres://app:s3cret@db.internal/switchboard");
            real_keys(jail);
            jail.set_env("SWITCHBOARD__SANDBOX__DEMO__PASSWORD", "dev-insecure-demo-password");
            jail.set_env("SWITCHBOARD__CHAT__SLACK_OAUTH__CLIENT_SECRET", "dev-insecure-x");
            let err = Config::load(Profile::Production, None).unwrap_err();
            assert!(matches!(&err, ConfigError::DevelopmentSecrets(keys)
                    if keys == &["chat.slack_oauth.client_secret", "sandbox.demo.password"]));
            Ok(())
        });
    }

    #[test]
    fn production_refuses_plain_http_google_endpoints() {
        Jail::expect_with(|jail| {
            jail.set_env("DATABASE_URL", "postgres://app:s3cret@db.internal/switchboard");
            real_keys(jail);
            let config = Config::load(Profile::Production, None).unwrap();
            assert!(config.mail.google.endpoints().iter().all(|u| u.starts_with("https://")));
            for key in ["AUTHORIZE_URL", "TOKEN_URL", "REVOKE_URL", "GMAIL_BASE_URL"] {
                let name = format!("SWITCHBOARD__MAIL__GOOGLE__{key}");
                jail.set_env(&name, "http://127.0.0.1:9/google");
                let err = Config::load(Profile::Production, None).unwrap_err();
                assert!(err.to_string().contains("mail.google endpoints"), "{key}: {err}");
                assert!(Config::load(Profile::Development, None).is_ok(), "{key}");
                jail.set_env(&name, "https://oauth2.googleapis.com/x");
            }
            Ok(())
        });
    }

    #[test]
    fn profiles_parse() {
        assert_eq!("production".parse::<Profile>().unwrap(), Profile::Production);
        assert!("staging".parse::<Profile>().is_err());
    }
}
