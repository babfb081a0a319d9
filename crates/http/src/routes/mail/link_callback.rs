//! `GET /api/mail/link/callback`

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, Responder, web};
use serde::Deserialize;
use switchboard_ports::Ports;
use switchboard_services::MailService;
use switchboard_services::mail::{LinkCallback, LinkFinished};

use crate::auth::Caller;
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::oauth_binding;
use crate::proto::v1::MailLinked;
use crate::query::Query;
use crate::reply::Reply;

/// The callback's path, registered with the providers; the binding cookie goes only here.
pub const PATH: &str = "/api/mail/link/callback";

/// What the provider sends the browser back with.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    /// The authorization code, when the user consented.
    pub code: Option<String>,
    /// The state given by `POST /api/mail/link`.
    pub state: Option<String>,
    /// Why there is no code (`access_denied` when the user cancelled).
    pub error: Option<String>,
    /// The provider's explanation of `error`.
    pub error_description: Option<String>,
    /// Microsoft adds the session state; it is not used.
    pub session_state: Option<String>,
}

/// Where the provider sends the browser back. Needs no credentials: the single-use state says
/// who started, and the `switchboard_oauth_mail` cookie whether this is the browser that
/// started (a request with credentials must be that user's). The code is exchanged (with the
/// PKCE verifier), the mailbox's owner read, the tokens sealed, the account created or updated
/// and its first sync enqueued. With a `redirect_uri` given at the start, the browser is sent
/// there: with `account_id` when linked, or, when this browser is not known to be the
/// starter's, with a one-time `code` the starter's client completes at
/// `POST /api/mail/link/complete`. Without one, the answer is the linked account, or a 403 for
/// another browser. Every answer removes the cookie.
#[utoipa::path(
    get, operation_id = "mail_link_callback", path = "/api/mail/link/callback", tag = "mail", params(CallbackQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Linked (no redirect URI was given)", body = Envelope<MailLinked>),
        (status = 303, description = "To the client's redirect URI, with `account_id` (linked) or `code` (to complete)"),
        (status = 400, description = "Unknown, used or expired state; a code the provider refuses (`errors[0].code` says which)", body = ErrorEnvelope),
        (status = 403, description = "Denied at the provider, another user's authorization, or another browser's", body = ErrorEnvelope),
        (status = 422, description = "The provider is not configured", body = ErrorEnvelope),
        (status = 502, description = "The provider failed", body = ErrorEnvelope),
        (status = 503, description = "The provider cannot be reached, or storage is unavailable", body = ErrorEnvelope),
    )
)]
pub async fn callback<P: Ports>(
    req: HttpRequest,
    mail: web::Data<MailService<P>>,
    caller: Option<Caller<P>>,
    query: Query<CallbackQuery>,
) -> HttpResponse {
    let query = query.into_inner();
    let state = query.state.unwrap_or_default();
    let outcome = match (query.error.filter(|e| !e.is_empty()), query.code) {
        (Some(error), _) => LinkCallback::Denied { error, description: query.error_description },
        (None, code) => LinkCallback::Code(code.unwrap_or_default()),
    };
    let caller = caller.map(|c| c.principal.user_id);
    let binding = oauth_binding::presented(&req, super::link_start::BINDING);
    let finished = mail.finish_link(&state, outcome, caller, binding.as_deref()).await;
    let forget = oauth_binding::forget_at(
        super::link_start::BINDING,
        req.connection_info().scheme() == "https",
        PATH,
    );
    let mut response = match finished {
        Ok(LinkFinished::Linked { account, return_to: Some(to), .. }) => {
            see_other(&to, "account_id", &account.id.to_string())
        }
        Ok(LinkFinished::Linked { account, created, return_to: None }) => {
            let linked = MailLinked { account: Some(super::account(&account)), created };
            let message = if created { "linked" } else { "linked again" };
            Reply::ok(linked).with_message(message).respond_to(&req)
        }
        Ok(LinkFinished::Pending { code, return_to }) => see_other(&return_to, "code", &code),
        Err(e) => HttpResponse::from_error(ApiError::from(e)),
    };
    if let Ok(value) = header::HeaderValue::from_str(&forget.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// A 303 to `uri` with `name=value` added to its query (kept, as the client wrote it).
fn see_other(uri: &str, name: &str, value: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, with_param(uri, name, value)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// `uri` with `name=value` appended to its query, before any fragment.
fn with_param(uri: &str, name: &str, value: &str) -> String {
    let (base, fragment) = match uri.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (uri, None),
    };
    let pair = form_urlencoded::Serializer::new(String::new()).append_pair(name, value).finish();
    let separator = match base.find('?') {
        None => "?",
        Some(i) if i + 1 == base.len() || base.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out = format!("{base}{separator}{pair}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::with_param;

    #[test]
    fn the_parameter_joins_the_query_the_client_gave() {
        assert_eq!(with_param("app://linked", "code", "a b"), "app://linked?code=a+b");
        assert_eq!(
            with_param("https://x/cb?tab=mail", "code", "c"),
            "https://x/cb?tab=mail&code=c"
        );
        assert_eq!(with_param("https://x/cb?", "code", "c"), "https://x/cb?code=c");
        assert_eq!(
            with_param("https://x/cb?a=1#top", "account_id", "i"),
            "https://x/cb?a=1&account_id=i#top"
        );
    }
}
