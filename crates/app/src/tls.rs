//! TLS towards providers (`https://slack.com`, a Mattermost server): rustls, never OpenSSL,
//! with exactly one crypto provider in the whole dependency graph, aws-lc-rs, the one reqwest
//! 0.13 ships with (`cargo tree -i ring` finds nothing). Certificates are checked by the
//! platform verifier: the operating system's trust store (`/etc/ssl/certs` on Debian).
//!
//! A second provider may arrive with a future dependency (graph-rs-sdk's reqwest 0.12 brings
//! ring); rustls then cannot pick one by itself and the first client built panics. The binary
//! therefore installs aws-lc-rs as the process default before anything else runs, so the
//! choice never depends on the graph.

/// Installs aws-lc-rs as the process's default rustls crypto provider. Idempotent: when one is
/// installed already (a second call, or an embedder that chose its own), that one stays.
pub fn install_crypto_provider() {
    // `Err` only says a provider is installed already, which is what we want.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use std::sync::Arc;

    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use secrecy::SecretString;
    use switchboard_domain::chat::ChatProvider;
    use switchboard_mattermost::{MattermostConfig, MattermostSource};
    use switchboard_ports::{ChatError, ChatSource, ChatSourceFactory};
    use switchboard_slack::{SlackConfig, SlackSource};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::install_crypto_provider;
    use crate::chat::ProviderSources;
    use crate::config::ChatConfig;

    const CA: &[u8] = include_bytes!("../tests/fixtures/tls/ca.pem");
    const CERT: &[u8] = include_bytes!("../tests/fixtures/tls/localhost.pem");
    const KEY: &[u8] = include_bytes!("../tests/fixtures/tls/localhost.key");

    fn chat_config() -> ChatConfig {
        ChatConfig { slack_base_url: "https://slack.com/api".into(), ..ChatConfig::for_tests() }
    }

    #[test]
    fn clients_for_https_hosts_build_without_a_provider_panic() {
        // Before and after the explicit install: reqwest's own provider is the same one.
        let config = chat_config();
        let factory = ProviderSources::new(&config).unwrap();
        factory.source(ChatProvider::Slack, "https://slack.com/api", "xoxp-1").unwrap();
        install_crypto_provider();
        install_crypto_provider();
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
        let factory = ProviderSources::new(&config).unwrap();
        factory.source(ChatProvider::Mattermost, "https://chat.example.org", "t").unwrap();
        let token = || SecretString::from("t".to_owned());
        SlackSource::new(&SlackConfig::new("https://slack.com/api"), token()).unwrap();
        MattermostSource::new(&MattermostConfig::new("https://chat.example.org"), token()).unwrap();
    }

    /// A one-connection HTTPS server answering `auth.test` with the localhost certificate.
    async fn tls_server() -> (u16, tokio::task::JoinHandle<()>) {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let certs = CertificateDer::pem_slice_iter(CERT).collect::<Result<Vec<_>, _>>().unwrap();
        let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let Ok(mut tls) = acceptor.accept(tcp).await else { continue };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let body =
                    r#"{"ok":true,"user_id":"U1","user":"ada","team_id":"T1","team":"Acme"}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            }
        });
        (port, task)
    }

    #[tokio::test]
    async fn a_tls_handshake_with_a_trusted_local_server_succeeds_and_an_unknown_ca_fails() {
        install_crypto_provider();
        let (port, server) = tls_server().await;
        let slack = SlackConfig::new(format!("https://localhost:{port}/api"));
        let token = || SecretString::from("xoxp-1".to_owned());

        let trusting = crate::chat::client_builder(&chat_config())
            .tls_certs_merge([reqwest::Certificate::from_pem(CA).unwrap()])
            .build()
            .unwrap();
        let me = SlackSource::with_client(trusting, &slack, token()).identity().await.unwrap();
        assert_eq!((me.user_name.as_str(), me.teams[0].name.as_str()), ("ada", "Acme"));

        let strict = crate::chat::client_builder(&chat_config()).build().unwrap();
        let err = SlackSource::with_client(strict, &slack, token()).identity().await.unwrap_err();
        assert!(matches!(err, ChatError::Transport(_)), "{err:?}");
        server.abort();
    }
}
