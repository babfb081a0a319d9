//! `GET /api/chat/oauth/slack/callback`

use actix_web::http::header;
use actix_web::{CustomizeResponder, HttpRequest, Responder, web};
use serde::Deserialize;
use switchboard_ports::Ports;
use switchboard_services::{ChatService, OAuthCallback};

use crate::auth::Caller;
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::oauth_binding;
use crate::proto::v1::ChatSourceInfo;
use crate::query::Query;
use crate::reply::Reply;

/// What Slack sends the browser back with.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    /// The authorization code, when the user approved.
    pub code: Option<String>,
    /// The state given by `start`.
    pub state: Option<String>,
    /// Why there is no code (`access_denied` when the user cancelled).
    pub error: Option<String>,
}

/// Where Slack sends the browser back. Needs no credentials: the single-use state says who
/// started the authorization, and the `switchboard_oauth_slack` cookie set by `start` proves
/// this is the browser that started it (a request that carries credentials instead must be
/// that user's). Anyone else who opens the authorization link gets 403 and connects nothing.
/// The code is exchanged with `oauth.v2.access` and the user token connected like
/// `POST /api/chat/sources`. The answer removes the cookie.
#[utoipa::path(
    get, operation_id = "oauth_slack_callback", path = "/api/chat/oauth/slack/callback", tag = "chat", params(CallbackQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 201, description = "Connected; the backfill is enqueued", body = Envelope<ChatSourceInfo>),
        (status = 200, description = "The account was connected already: its source takes the new token", body = Envelope<ChatSourceInfo>),
        (status = 400, description = "Unknown, used or expired state; a refused code", body = ErrorEnvelope),
        (status = 403, description = "Denied at Slack, another user's authorization, or another browser's", body = ErrorEnvelope),
        (status = 404, description = "Slack OAuth is not configured", body = ErrorEnvelope),
    )
)]
pub async fn callback<P: Ports>(
    req: HttpRequest,
    chat: web::Data<ChatService<P>>,
    caller: Option<Caller<P>>,
    query: Query<CallbackQuery>,
) -> Result<CustomizeResponder<Reply<ChatSourceInfo>>, ApiError> {
    let query = query.into_inner();
    let state = query.state.unwrap_or_default();
    let outcome = match (query.error.filter(|e| !e.is_empty()), query.code) {
        (Some(error), _) => OAuthCallback::Denied(error),
        (None, code) => OAuthCallback::Code(code.unwrap_or_default()),
    };
    let caller = caller.map(|c| c.principal.user_id);
    let binding = oauth_binding::presented(&req, "slack");
    // The state is spent whatever the outcome; on a refusal the cookie is left to expire with it.
    let connected = chat.finish_slack_oauth(&state, outcome, caller, binding.as_deref()).await?;
    let forget = oauth_binding::forget("slack", req.connection_info().scheme() == "https");
    let info = super::source(&connected.source);
    let reply = if connected.reconnected {
        Reply::ok(info).with_message("reconnected")
    } else {
        Reply::created(info)
    };
    Ok(reply.customize().insert_header((header::SET_COOKIE, forget.to_string())))
}
