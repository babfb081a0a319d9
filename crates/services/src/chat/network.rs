//! A user-supplied provider URL, checked before Switchboard calls it (SSRF): only `http` or
//! `https`, no credentials in it, and, unless configuration allows private networks, every
//! address its host resolves to must be a public unicast address.
//!
//! The check runs on the addresses the name resolves to (through the source factory's port),
//! so a public name pointing at `127.0.0.1` or `169.254.169.254` is refused like the literal
//! address. A provider's redirects go through [`check_redirect`] at each hop, so a public URL
//! that redirects to loopback is refused like loopback itself.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use switchboard_ports::ChatError;

use super::ChatServiceError;

/// `raw` as a base URL to store and call (no trailing slash), after the checks above.
///
/// # Errors
/// [`ChatServiceError::InvalidBaseUrl`] for a malformed URL or a host that does not resolve;
/// [`ChatServiceError::ForbiddenAddress`] for a non-public address when not allowed.
pub async fn checked_base_url<R>(
    raw: &str,
    allow_private: bool,
    resolve: impl FnOnce(String, u16) -> R,
) -> Result<String, ChatServiceError>
where
    R: Future<Output = Result<Vec<IpAddr>, ChatError>>,
{
    let url =
        url::Url::parse(raw.trim()).map_err(|e| ChatServiceError::InvalidBaseUrl(e.to_string()))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ChatServiceError::InvalidBaseUrl("a query or fragment is not accepted".into()));
    }
    check_target(&url, allow_private, resolve).await?;
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The checks of any user-supplied URL Switchboard will call (a provider's base URL, a
/// webhook's target): only `http` or `https`, no credentials, and unless `allow_private`,
/// every address its host resolves to public.
///
/// # Errors
/// [`ChatServiceError::InvalidBaseUrl`] for another scheme, credentials, no host or a host
/// that does not resolve; [`ChatServiceError::ForbiddenAddress`] for a non-public address.
pub async fn check_target<R>(
    url: &url::Url,
    allow_private: bool,
    resolve: impl FnOnce(String, u16) -> R,
) -> Result<(), ChatServiceError>
where
    R: Future<Output = Result<Vec<IpAddr>, ChatError>>,
{
    let invalid = |why: &str| ChatServiceError::InvalidBaseUrl(why.to_owned());
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("only http and https URLs are accepted"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials are not accepted in the URL"));
    }
    let host = match url.host() {
        Some(url::Host::Domain(name)) => name.to_owned(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        None => return Err(invalid("the URL has no host")),
    };
    let port = url.port_or_known_default().unwrap_or(443);
    if !allow_private {
        let addresses = resolve(host, port)
            .await
            .map_err(|e| invalid(&format!("the host does not resolve: {e}")))?;
        if addresses.is_empty() {
            return Err(invalid("the host does not resolve"));
        }
        if let Some(bad) = addresses.iter().find(|ip| !is_public(**ip)) {
            return Err(ChatServiceError::ForbiddenAddress(bad.to_string()));
        }
    }
    Ok(())
}

/// Whether a provider's redirect to `target` may be followed, by a client whose resolver keeps
/// public addresses only: the scheme and credential rules of [`checked_base_url`], and a
/// literal address must be public (the client connects to a literal without resolving it; a
/// name is left to the resolver).
///
/// # Errors
/// [`ChatServiceError::InvalidBaseUrl`] for another scheme or credentials in the URL;
/// [`ChatServiceError::ForbiddenAddress`] for a non-public literal address.
pub fn check_redirect(target: &url::Url) -> Result<(), ChatServiceError> {
    if !matches!(target.scheme(), "http" | "https") {
        return Err(ChatServiceError::InvalidBaseUrl(format!(
            "it redirects to a {} URL; only http and https are followed",
            target.scheme()
        )));
    }
    if !target.username().is_empty() || target.password().is_some() {
        return Err(ChatServiceError::InvalidBaseUrl(
            "it redirects to a URL with credentials".to_owned(),
        ));
    }
    let literal = match target.host() {
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(url::Host::Domain(_)) => None,
        None => return Err(ChatServiceError::InvalidBaseUrl("it redirects to no host".into())),
    };
    match literal {
        Some(ip) if !is_public(ip) => Err(ChatServiceError::ForbiddenAddress(ip.to_string())),
        _ => Ok(()),
    }
}

/// Whether `ip` is a public unicast address: not loopback, private, link-local (cloud
/// metadata services live there), shared (CGNAT), unspecified, broadcast, multicast,
/// documentation, benchmarking or reserved; IPv6 forms embedding an IPv4 address are judged
/// by that address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) and the deprecated IPv4-compatible form (::a.b.c.d).
    if (segments[0] == 0x64 && segments[1] == 0xff9b && segments[2..6] == [0; 4])
        || segments[..6] == [0; 6]
    {
        let [a, b] = segments[6].to_be_bytes();
        let [c, d] = segments[7].to_be_bytes();
        if !(ip.is_loopback() || ip.is_unspecified()) {
            return is_public_v4(Ipv4Addr::new(a, b, c, d));
        }
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00
        || (segments[0] & 0xffc0) == 0xfe80
        || (segments[0] & 0xffc0) == 0xfec0
        || (segments[0] == 0x2001 && segments[1] == 0x0db8))
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    /// `localhost` and literal addresses, as a resolver on a closed network answers.
    async fn resolve(host: String, _port: u16) -> Result<Vec<IpAddr>, ChatError> {
        match host.trim_matches(['[', ']']) {
            "localhost" => Ok(vec![Ipv4Addr::LOCALHOST.into()]),
            literal => literal.parse().map(|ip| vec![ip]).map_err(|_| ChatError::Transport(host)),
        }
    }

    #[test]
    fn redirects_to_non_public_literals_or_other_schemes_are_refused() {
        for (target, refused) in [
            ("https://chat.example.org/api/v4/users/me", false),
            ("http://93.184.216.34/", false),
            ("http://127.0.0.1:8065/api/v4/users/me", true),
            ("http://[::1]/", true),
            ("http://169.254.169.254/latest/meta-data", true),
            ("http://[::ffff:10.0.0.1]/", true),
            ("file:///etc/passwd", true),
            ("https://user:pw@chat.example.org/", true),
        ] {
            let checked = check_redirect(&url::Url::parse(target).unwrap());
            assert_eq!(checked.is_err(), refused, "{target}: {checked:?}");
        }
    }

    #[tokio::test]
    async fn urls_are_checked_and_normalised() {
        let ok = checked_base_url("http://127.0.0.1:8065/", true, resolve).await.unwrap();
        assert_eq!(ok, "http://127.0.0.1:8065");
        for (url, allowed) in [
            ("ftp://example.com", true),
            ("http://user:pw@example.com", true),
            ("not a url", true),
            ("http://127.0.0.1:8065", false),
            ("http://[::1]:8065", false),
            ("http://10.0.0.8", false),
            ("http://169.254.169.254/latest/meta-data", false),
            ("http://localhost:8065", false),
        ] {
            assert!(checked_base_url(url, allowed, resolve).await.is_err(), "{url}");
        }
    }
}
