//! The browser binding of provider authorizations (see `switchboard_services::oauth_flow`):
//! the nonce `start` hands out travels in a cookie, so the callback, a top-level navigation
//! back from the provider, proves it comes from the browser that started.
//!
//! The cookie is `HttpOnly` (no script reads it), `SameSite=Lax` (sent on the provider's
//! top-level redirect, not on cross-site subrequests), `Secure` whenever the callback is served
//! over HTTPS, scoped to `/api` (mail's to its callback's path alone), one per provider (two providers can be linked at once), and
//! lives as long as the state. The callback removes it, whatever the outcome.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite, time};

/// The cookie's name for `provider` (`slack`, …).
fn name(provider: &str) -> String {
    format!("switchboard_oauth_{provider}")
}

fn cookie(
    provider: &str,
    value: String,
    max_age_secs: i64,
    secure: bool,
    path: &str,
) -> Cookie<'static> {
    Cookie::build(name(provider), value)
        .path(path.to_owned())
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time::Duration::seconds(max_age_secs))
        .finish()
}

/// The cookie that keeps `binding` in the starting browser for `max_age_secs`.
pub fn keep(provider: &str, binding: String, max_age_secs: i64, secure: bool) -> Cookie<'static> {
    keep_for_callback(provider, binding, max_age_secs, secure, "/api")
}

/// The cookie that keeps `binding` for `max_age_secs`, sent only to `callback` (no other
/// request needs it).
pub fn keep_for_callback(
    provider: &str,
    binding: String,
    max_age_secs: i64,
    secure: bool,
    callback: &str,
) -> Cookie<'static> {
    cookie(provider, binding, max_age_secs.max(1), secure, callback)
}

/// A cookie that makes the browser forget the binding.
pub fn forget(provider: &str, secure: bool) -> Cookie<'static> {
    forget_at(provider, secure, "/api")
}

/// A cookie that makes the browser forget the binding kept for `callback`.
pub fn forget_at(provider: &str, secure: bool, callback: &str) -> Cookie<'static> {
    cookie(provider, String::new(), 0, secure, callback)
}

/// The binding the request's browser presents for `provider`, if any.
pub fn presented(req: &HttpRequest, provider: &str) -> Option<String> {
    req.cookie(&name(provider)).map(|c| c.value().to_owned()).filter(|v| !v.is_empty())
}
