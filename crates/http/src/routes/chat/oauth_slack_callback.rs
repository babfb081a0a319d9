//! `GET /api/chat/oauth/slack/callback`

use actix_web::web;
use serde::Deserialize;
use switchboard_ports::Ports;
use switchboard_services::{ChatService, OAuthCallback};

use crate::auth::Caller;
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::ChatSourceInfo;
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
/// started the authorization (a request that does carry credentials must be that user's).
/// The code is exchanged with `oauth.v2.access` and the user token connected like
/// `POST /api/chat/sources`.
#[utoipa::path(
    get, operation_id = "oauth_slack_callback", path = "/api/chat/oauth/slack/callback", tag = "chat", params(CallbackQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 201, description = "Connected; the backfill is enqueued", body = Envelope<ChatSourceInfo>),
        (status = 200, description = "The account was connected already: its source takes the new token", body = Envelope<ChatSourceInfo>),
        (status = 400, description = "Unknown, used or expired state; a refused code", body = ErrorEnvelope),
        (status = 403, description = "Denied at Slack, or another user's authorization", body = ErrorEnvelope),
        (status = 404, description = "Slack OAuth is not configured", body = ErrorEnvelope),
    )
)]
pub async fn callback<P: Ports>(
    chat: web::Data<ChatService<P>>,
    caller: Option<Caller<P>>,
    query: web::Query<CallbackQuery>,
) -> Result<Reply<ChatSourceInfo>, ApiError> {
    let query = query.into_inner();
    let state = query.state.unwrap_or_default();
    let outcome = match (query.error.filter(|e| !e.is_empty()), query.code) {
        (Some(error), _) => OAuthCallback::Denied(error),
        (None, code) => OAuthCallback::Code(code.unwrap_or_default()),
    };
    let caller = caller.map(|c| c.principal.user_id);
    let connected = chat.finish_slack_oauth(&state, outcome, caller).await?;
    let info = super::source(&connected.source);
    Ok(if connected.reconnected {
        Reply::ok(info).with_message("reconnected")
    } else {
        Reply::created(info)
    })
}
