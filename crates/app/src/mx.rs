//! MX lookups for provider detection: a fixed table from configuration first (`mail.mx_overrides`,
//! for tests and the sandbox's tenant), then DNS through hickory-resolver (the system's
//! resolver, or `mail.dns_servers`). A domain without MX records (or that does not exist) has
//! no hosts: the caller asks the user for the provider. Only a resolver that does not answer is
//! an error.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::xfer::Protocol;
use hickory_resolver::{ResolveError, TokioResolver};
use switchboard_ports::mail::{MxError, MxResolver};

use crate::error::AppError;

/// The app's MX lookup.
#[derive(Clone)]
pub struct AppMx {
    overrides: Arc<BTreeMap<String, Vec<String>>>,
    resolver: TokioResolver,
}

impl std::fmt::Debug for AppMx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppMx").field("overrides", &self.overrides.len()).finish_non_exhaustive()
    }
}

impl AppMx {
    /// A lookup with these fixed answers, asking `dns_servers` (`ip:port`, UDP then TCP) or,
    /// when there are none, the system's resolver.
    ///
    /// # Errors
    /// [`AppError::Config`] for a server that is not `ip:port`, or no system configuration.
    pub fn new(
        overrides: &BTreeMap<String, Vec<String>>,
        dns_servers: &[String],
        timeout: Duration,
    ) -> Result<Self, AppError> {
        let mut options = ResolverOpts::default();
        options.timeout = timeout;
        options.attempts = 2;
        let builder = if dns_servers.is_empty() {
            TokioResolver::builder_tokio().map_err(|e| {
                AppError::Command(format!("cannot read the system's DNS configuration: {e}"))
            })?
        } else {
            let mut config = ResolverConfig::new();
            for server in dns_servers {
                let address: SocketAddr = server.parse().map_err(|e| {
                    AppError::Command(format!("mail.dns_servers: {server:?} is not ip:port: {e}"))
                })?;
                config.add_name_server(NameServerConfig::new(address, Protocol::Udp));
                config.add_name_server(NameServerConfig::new(address, Protocol::Tcp));
            }
            TokioResolver::builder_with_config(config, TokioConnectionProvider::default())
        };
        let resolver = builder.with_options(options).build();
        let overrides = overrides
            .iter()
            .map(|(domain, hosts)| (normalise(domain), hosts.clone()))
            .collect::<BTreeMap<_, _>>();
        Ok(Self { overrides: Arc::new(overrides), resolver })
    }
}

fn normalise(domain: &str) -> String {
    domain.trim().trim_end_matches('.').to_ascii_lowercase()
}

impl MxResolver for AppMx {
    async fn mx_hosts(&self, domain: &str) -> Result<Vec<String>, MxError> {
        let domain = normalise(domain);
        if let Some(hosts) = self.overrides.get(&domain) {
            return Ok(hosts.clone());
        }
        // Fully qualified, so no search domain of the host's configuration is appended.
        match self.resolver.mx_lookup(format!("{domain}.")).await {
            Ok(found) => {
                let mut records: Vec<_> = found.iter().collect();
                records.sort_by_key(|mx| mx.preference());
                Ok(records
                    .into_iter()
                    .map(|mx| mx.exchange().to_utf8().trim_end_matches('.').to_owned())
                    .collect())
            }
            Err(e) if no_records(&e) => Ok(Vec::new()),
            Err(e) => Err(MxError { domain, reason: e.to_string() }),
        }
    }
}

/// NXDOMAIN and an empty answer both mean "no MX": the domain names no provider.
fn no_records(error: &ResolveError) -> bool {
    error.is_no_records_found() || error.is_nx_domain()
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use std::collections::BTreeMap;
    use std::net::SocketAddr;
    use std::time::Duration;

    use hickory_proto::op::{Message, MessageType, ResponseCode};
    use hickory_proto::rr::rdata::MX;
    use hickory_proto::rr::{Name, RData, Record};
    use switchboard_ports::mail::MxResolver;
    use tokio::net::UdpSocket;

    use super::AppMx;

    /// A DNS server on loopback answering MX queries from `zone` (NXDOMAIN otherwise), as an
    /// authoritative server would on the wire.
    async fn dns_server(zone: Vec<(&'static str, Vec<(u16, &'static str)>)>) -> SocketAddr {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let address = socket.local_addr().unwrap();
        tokio::spawn(async move {
            let mut buffer = vec![0_u8; 4096];
            loop {
                let Ok((n, peer)) = socket.recv_from(&mut buffer).await else { return };
                let query = Message::from_vec(&buffer[..n]).unwrap();
                let question = query.queries()[0].clone();
                let asked = question.name().to_utf8().trim_end_matches('.').to_owned();
                let mut reply = Message::new();
                reply
                    .set_id(query.id())
                    .set_message_type(MessageType::Response)
                    .set_recursion_desired(query.recursion_desired())
                    .set_recursion_available(true)
                    .add_query(question.clone());
                match zone.iter().find(|(domain, _)| *domain == asked) {
                    Some((_, hosts)) => {
                        for (preference, host) in hosts {
                            let exchange = Name::from_ascii(format!("{host}.")).unwrap();
                            reply.add_answer(Record::from_rdata(
                                question.name().clone(),
                                300,
                                RData::MX(MX::new(*preference, exchange)),
                            ));
                        }
                    }
                    None => {
                        reply.set_response_code(ResponseCode::NXDomain);
                    }
                }
                socket.send_to(&reply.to_vec().unwrap(), peer).await.unwrap();
            }
        });
        address
    }

    #[tokio::test]
    async fn mx_hosts_come_from_dns_by_preference_and_overrides_come_first() {
        let server = dns_server(vec![
            (
                "contoso.com",
                vec![(20, "backup.contoso.com"), (10, "contoso-com.mail.protection.outlook.com")],
            ),
            ("fabrikam.com", vec![(1, "aspmx.l.google.com")]),
        ])
        .await;
        let overrides = BTreeMap::from([(
            "Halden.onmicrosoft.com".to_owned(),
            vec!["fixed.example".to_owned()],
        )]);
        let mx = AppMx::new(&overrides, &[server.to_string()], Duration::from_secs(2)).unwrap();
        assert_eq!(
            mx.mx_hosts("Contoso.com").await.unwrap(),
            ["contoso-com.mail.protection.outlook.com", "backup.contoso.com"],
            "most preferred first, names without the root dot"
        );
        assert_eq!(mx.mx_hosts("fabrikam.com").await.unwrap(), ["aspmx.l.google.com"]);
        assert_eq!(mx.mx_hosts("halden.onmicrosoft.com").await.unwrap(), ["fixed.example"]);
        assert!(mx.mx_hosts("nowhere.example").await.unwrap().is_empty(), "NXDOMAIN: no hosts");
    }

    #[tokio::test]
    async fn a_resolver_that_does_not_answer_is_an_error() {
        // Bound and never read: queries go unanswered.
        let silent = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let address = silent.local_addr().unwrap().to_string();
        let mx = AppMx::new(&BTreeMap::new(), &[address], Duration::from_millis(100)).unwrap();
        let error = mx.mx_hosts("contoso.com").await.unwrap_err();
        assert_eq!(error.domain, "contoso.com");
        drop(silent);
    }

    #[test]
    fn a_dns_server_must_be_an_address() {
        let refused = AppMx::new(&BTreeMap::new(), &["dns.example".to_owned()], Duration::ZERO);
        assert!(refused.is_err());
    }
}
