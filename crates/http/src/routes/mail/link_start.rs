//! `POST /api/mail/link`

use actix_web::http::header;
use actix_web::{CustomizeResponder, Responder, web};
use switchboard_ports::Ports;
use switchboard_services::MailService;
use switchboard_services::mail::LinkStart;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::oauth_binding;
use crate::payload::Payload;
use crate::proto::v1::{MailLinkRequest, MailLinkStarted};
use crate::reply::Reply;
use crate::routes::convert::time;

/// The browser-binding cookie's provider part: one cookie for every mail provider, since one
/// callback serves them all.
pub const BINDING: &str = "mail";

/// Starts linking a mailbox: the provider comes from `provider`, else the address's domain,
/// else the domain's MX records; the answer is the provider's consent page with a single-use
/// state bound to the caller (10 minutes by default). It sets the `switchboard_oauth_mail`
/// cookie (HttpOnly, SameSite=Lax, sent only to the callback): call this from the browser that
/// will open the page, with credentials included. A browser without it that comes back with
/// `redirect_uri` set gets a one-time `code` for the signed-in client to complete the link
/// (`POST /api/mail/link/complete`); without `redirect_uri` it links nothing.
#[utoipa::path(
    post, operation_id = "mail_link_start", path = "/api/mail/link", tag = "mail", security(("bearer" = ["write"])),
    request_body = MailLinkRequest,
    responses(
        (status = 200, description = "Where to send the browser", body = Envelope<MailLinkStarted>,
            headers(("Set-Cookie" = String, description = "`switchboard_oauth_mail`: the browser binding the callback checks"))),
        (status = 422, description = "An invalid email; `provider` needed (the domain's provider cannot be told), unknown or not configured; `redirect_uri` not allowed", body = ErrorEnvelope),
        (status = 503, description = "The domain's MX lookup failed (see Retry-After), or storage is unavailable", body = ErrorEnvelope),
    )
)]
pub async fn start<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Write>,
    body: Payload<MailLinkRequest>,
) -> Result<CustomizeResponder<Reply<MailLinkStarted>>, ApiError> {
    let body = body.into_inner();
    let provider = body.provider.filter(|p| !p.is_empty()).map(|p| p.parse()).transpose().map_err(
        |e: switchboard_domain::mail::UnknownProvider| {
            ApiError::Validation(vec![FieldError::new("provider", "invalid", e.to_string())])
        },
    )?;
    let request = LinkStart {
        email: body.email,
        provider,
        redirect_uri: body.redirect_uri.filter(|r| !r.is_empty()),
    };
    let started = mail.start_link(&caller.principal, request).await?;
    let lifetime = i64::try_from(started.binding_lifetime.as_secs()).unwrap_or(i64::MAX);
    let cookie = oauth_binding::keep_for_callback(
        BINDING,
        started.binding,
        lifetime,
        started.callback_is_https,
        super::link_callback::PATH,
    );
    let reply = Reply::ok(MailLinkStarted {
        provider: started.provider.to_string(),
        authorization_url: started.authorization_url,
        expires_at: time(started.expires_at),
    });
    Ok(reply.customize().insert_header((header::SET_COOKIE, cookie.to_string())))
}
