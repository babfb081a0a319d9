//! Authentication: one extractor, [`Caller`], and the guards it is parameterised by. Handlers
//! name what they need in their signature (`Caller<P, Write>`, `Caller<P, AdminRead>`) and
//! never check credentials, roles or scopes by hand.
//!
//! Credentials: `Authorization: Bearer <access token or API key>`, or `X-API-Key: <key>`.
//! None or a refused one is 401; a role or scope that does not allow the route is 403.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev, web};
use switchboard_domain::identity::{Role, Scope};
use switchboard_ports::Ports;
use switchboard_services::{AuthService, ClientInfo, Principal};

use crate::error::ApiError;

/// What a route demands of its caller beyond being authenticated.
pub trait Guard: 'static {
    /// Refuses a caller that does not qualify.
    ///
    /// # Errors
    /// [`ApiError::Forbidden`].
    fn check(principal: &Principal) -> Result<(), ApiError>;
}

fn scope(principal: &Principal, scope: Scope) -> Result<(), ApiError> {
    if principal.has_scope(scope) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!("this API key lacks the `{}` scope", scope.as_str())))
    }
}

fn role(principal: &Principal, role: Role) -> Result<(), ApiError> {
    if principal.role.at_least(role) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!("this needs the {role} role")))
    }
}

/// Any authenticated caller.
#[derive(Debug)]
pub struct Authenticated;
/// A caller whose credential may read.
#[derive(Debug)]
pub struct Read;
/// A caller whose credential may write.
#[derive(Debug)]
pub struct Write;
/// A signed-in session (an access token), never an API key: for actions that mint
/// credentials, so that a leaked key cannot create keys and keep itself alive.
#[derive(Debug)]
pub struct SignedIn;
/// An admin (or superadmin) whose credential may read.
#[derive(Debug)]
pub struct AdminRead;
/// An admin (or superadmin) whose credential may write.
#[derive(Debug)]
pub struct AdminWrite;

impl Guard for Authenticated {
    fn check(_: &Principal) -> Result<(), ApiError> {
        Ok(())
    }
}
impl Guard for Read {
    fn check(p: &Principal) -> Result<(), ApiError> {
        scope(p, Scope::Read)
    }
}
impl Guard for Write {
    fn check(p: &Principal) -> Result<(), ApiError> {
        scope(p, Scope::Write)
    }
}
impl Guard for SignedIn {
    fn check(p: &Principal) -> Result<(), ApiError> {
        match p.session() {
            Some(_) => Ok(()),
            None => Err(ApiError::Forbidden(
                "this needs a signed-in session (an access token), not an API key".into(),
            )),
        }
    }
}
impl Guard for AdminRead {
    fn check(p: &Principal) -> Result<(), ApiError> {
        role(p, Role::Admin).and_then(|()| scope(p, Scope::Read))
    }
}
impl Guard for AdminWrite {
    fn check(p: &Principal) -> Result<(), ApiError> {
        role(p, Role::Admin).and_then(|()| scope(p, Scope::Write))
    }
}

/// The authenticated caller of a request, checked by guard `G`.
pub struct Caller<P, G = Authenticated> {
    /// Who is calling.
    pub principal: Principal,
    marker: PhantomData<fn() -> (P, G)>,
}

impl<P, G> std::fmt::Debug for Caller<P, G> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller").field("principal", &self.principal).finish()
    }
}

fn credential(req: &HttpRequest) -> Option<String> {
    let headers = req.headers();
    if let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let (scheme, token) = value.split_once(' ')?;
        return scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned());
    }
    headers.get("x-api-key").and_then(|v| v.to_str().ok()).map(|v| v.trim().to_owned())
}

impl<P: Ports, G: Guard> FromRequest for Caller<P, G> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut dev::Payload) -> Self::Future {
        let auth = req.app_data::<web::Data<AuthService<P>>>().cloned();
        let credential = credential(req);
        Box::pin(async move {
            let auth =
                auth.ok_or_else(|| ApiError::Internal("AuthService not registered".into()))?;
            let credential = credential
                .ok_or_else(|| ApiError::Unauthorized("authentication required".into()))?;
            let principal = auth.authenticate(&credential).await?;
            G::check(&principal)?;
            Ok(Self { principal, marker: PhantomData })
        })
    }
}

/// Whether `X-Forwarded-For` is believed (only behind a proxy that sets it).
#[derive(Debug, Clone, Copy, Default)]
pub struct TrustForwardedFor(pub bool);

/// The client's address and user agent.
///
/// Behind a trusted proxy, the address is the last `X-Forwarded-For` entry: the one our proxy
/// added for the peer it saw. Entries before it come from the request as the client sent it
/// (a proxy appends to the header it received), so a client could put any address there and
/// pick its own per-IP limits.
pub fn client_info(req: &HttpRequest) -> ClientInfo {
    let trust = req.app_data::<web::Data<TrustForwardedFor>>().is_some_and(|t| t.0);
    let forwarded = trust
        .then(|| req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        .and_then(|v| v.rsplit(',').next())
        .map(|ip| ip.trim().to_owned())
        .filter(|ip| ip.parse::<std::net::IpAddr>().is_ok());
    let ip = forwarded
        .or_else(|| req.peer_addr().map(|a| a.ip().to_string()))
        .unwrap_or_else(|| "unknown".to_owned());
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    ClientInfo { ip, user_agent }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn ip_of(trust: bool, forwarded: Option<&str>) -> String {
        let mut req = TestRequest::default()
            .peer_addr("10.0.0.9:4000".parse().unwrap_or_else(|_| unreachable!()))
            .app_data(web::Data::new(TrustForwardedFor(trust)));
        if let Some(value) = forwarded {
            req = req.insert_header(("x-forwarded-for", value));
        }
        client_info(&req.to_http_request()).ip
    }

    #[test]
    fn the_address_is_the_last_forwarded_entry_and_only_when_trusted() {
        // A client that sends its own header: the proxy appends the address it saw.
        assert_eq!(ip_of(true, Some("1.2.3.4, 203.0.113.7")), "203.0.113.7");
        assert_eq!(ip_of(true, Some("203.0.113.7")), "203.0.113.7");
        assert_eq!(ip_of(true, Some("1.2.3.4, not-an-address")), "10.0.0.9", "the peer then");
        assert_eq!(ip_of(false, Some("203.0.113.7")), "10.0.0.9", "not believed");
        assert_eq!(ip_of(true, None), "10.0.0.9");
    }
}
