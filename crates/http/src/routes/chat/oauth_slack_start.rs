//! `GET /api/chat/oauth/slack/start`

use actix_web::http::header;
use actix_web::{CustomizeResponder, Either, HttpResponse, Responder, web};
use serde::Deserialize;
use switchboard_ports::Ports;
use switchboard_services::ChatService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::oauth_binding;
use crate::proto::v1::ChatOAuthStart;
use crate::query::Query;
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

/// Starts connecting a Slack workspace by OAuth v2: a single-use state bound to the caller and
/// to this browser, valid for `chat.slack_oauth.state_ttl_secs`, and Slack's authorization URL
/// carrying it. The answer sets the `switchboard_oauth_slack` cookie (HttpOnly, SameSite=Lax),
/// which the callback must bring back: call this from the browser that will open the URL
/// (with credentials included), so that nobody else who opens the link can complete it.
#[utoipa::path(
    get, operation_id = "oauth_slack_start", path = "/api/chat/oauth/slack/start", tag = "chat", security(("bearer" = ["write"])),
    params(StartQuery),
    responses(
        (status = 200, description = "Where to send the browser", body = Envelope<ChatOAuthStart>,
            headers(("Set-Cookie" = String, description = "`switchboard_oauth_slack`: the browser binding the callback must bring back"))),
        (status = 303, description = "With `redirect=true`: to Slack's authorization page",
            headers(("Set-Cookie" = String, description = "`switchboard_oauth_slack`: the browser binding the callback must bring back"))),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
        (status = 404, description = "Slack OAuth is not configured", body = ErrorEnvelope),
    )
)]
pub async fn start<P: Ports>(
    chat: web::Data<ChatService<P>>,
    caller: Caller<P, Write>,
    query: Query<StartQuery>,
) -> Result<Either<CustomizeResponder<Reply<ChatOAuthStart>>, HttpResponse>, ApiError> {
    let started = chat.start_slack_oauth(&caller.principal).await?;
    let lifetime = i64::try_from(started.binding_lifetime.as_secs()).unwrap_or(i64::MAX);
    let cookie = oauth_binding::keep("slack", started.binding, lifetime, started.callback_is_https);
    if query.redirect {
        return Ok(Either::Right(
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, started.authorize_url))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .cookie(cookie)
                .finish(),
        ));
    }
    let reply = Reply::ok(ChatOAuthStart {
        authorize_url: started.authorize_url,
        expires_at: time(started.expires_at),
    });
    Ok(Either::Left(reply.customize().insert_header((header::SET_COOKIE, cookie.to_string()))))
}
