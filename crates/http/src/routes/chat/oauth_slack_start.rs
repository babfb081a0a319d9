//! `GET /api/chat/oauth/slack/start`

use actix_web::http::header;
use actix_web::{Either, HttpResponse, web};
use serde::Deserialize;
use switchboard_ports::Ports;
use switchboard_services::ChatService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::ChatOAuthStart;
use crate::reply::Reply;
use crate::routes::convert::time;

/// How to answer.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartQuery {
    /// `true`: answer `303 See Other` to Slack's page instead of the URL in the envelope.
    #[serde(default)]
    pub redirect: bool,
}

/// Starts connecting a Slack workspace by OAuth v2: a single-use state bound to the caller,
/// valid for `chat.slack_oauth.state_ttl_secs`, and Slack's authorization URL carrying it.
/// Open that URL in the user's browser; Slack sends it back to the callback.
#[utoipa::path(
    get, operation_id = "oauth_slack_start", path = "/api/chat/oauth/slack/start", tag = "chat", security(("bearer" = ["write"])),
    params(StartQuery),
    responses(
        (status = 200, description = "Where to send the browser", body = Envelope<ChatOAuthStart>),
        (status = 303, description = "With `redirect=true`: to Slack's authorization page"),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
        (status = 404, description = "Slack OAuth is not configured", body = ErrorEnvelope),
    )
)]
pub async fn start<P: Ports>(
    chat: web::Data<ChatService<P>>,
    caller: Caller<P, Write>,
    query: web::Query<StartQuery>,
) -> Result<Either<Reply<ChatOAuthStart>, HttpResponse>, ApiError> {
    let started = chat.start_slack_oauth(&caller.principal).await?;
    if query.redirect {
        return Ok(Either::Right(
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, started.authorize_url))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish(),
        ));
    }
    Ok(Either::Left(Reply::ok(ChatOAuthStart {
        authorize_url: started.authorize_url,
        expires_at: time(started.expires_at),
    })))
}
