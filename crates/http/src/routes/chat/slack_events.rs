//! `POST /api/chat/slack/events`

use actix_web::{HttpRequest, HttpResponse, Responder, web};
use switchboard_domain::chat::ChatProvider;
use switchboard_domain::chat_events::SignedDelivery;
use switchboard_ports::Ports;
use switchboard_services::ChatService;
use switchboard_services::chat::DeliveryOutcome;

use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::ChatEventReceived;
use crate::reply::Reply;

/// Slack's answer to a `url_verification`: the challenge, at the top level as Slack reads it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Challenge {
    /// The `challenge` Slack sent.
    pub challenge: String,
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Where the operator's Slack app sends its Events API requests (Event Subscriptions'
/// Request URL). Needs no credentials: a request counts only when `X-Slack-Signature` is
/// Slack's signature of `v0:{X-Slack-Request-Timestamp}:{body}` with the app's signing secret
/// (`chat.slack_signing_secret`) and that timestamp is within five minutes of now. Answers
/// `url_verification` with its challenge; applies `message` events (new, `message_changed`,
/// `message_deleted`, `thread_broadcast`) to the stored posts of every source on that
/// workspace that follows the channel, with the same events in the log as a sync. A retry
/// (`X-Slack-Retry-Num`) writes nothing more. Nothing is called or enqueued on the way.
#[utoipa::path(
    post, operation_id = "slack_events", path = "/api/chat/slack/events", tag = "chat",
    security(()),
    request_body(content = serde_json::Value, description = "Slack's event envelope", content_type = "application/json"),
    responses(
        (status = 200, description = "An event received (applied, repeated, or ignored); or, for `url_verification`, `{challenge}`", body = Envelope<ChatEventReceived>),
        (status = 400, description = "Signed, but not an event Slack documents", body = ErrorEnvelope),
        (status = 401, description = "Not signed by Slack with the configured secret, or the timestamp is more than five minutes off", body = ErrorEnvelope),
        (status = 404, description = "No signing secret is configured", body = ErrorEnvelope),
    )
)]
pub async fn receive<P: Ports>(
    req: HttpRequest,
    chat: web::Data<ChatService<P>>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let delivery = SignedDelivery {
        timestamp: header(&req, "X-Slack-Request-Timestamp"),
        signature: header(&req, "X-Slack-Signature"),
        body: &body,
    };
    let retry = header(&req, "X-Slack-Retry-Num");
    let outcome = chat.receive(ChatProvider::Slack, delivery).await?;
    let (channels, written) = match outcome {
        DeliveryOutcome::Challenge(challenge) => {
            return Ok(HttpResponse::Ok().json(Challenge { challenge }));
        }
        DeliveryOutcome::Applied { channels, written } => (channels, written),
        DeliveryOutcome::Ignored => (0, 0),
    };
    if retry.is_some() {
        tracing::debug!(retry, written, "slack: event delivered again");
    }
    let channels = u32::try_from(channels).unwrap_or(u32::MAX);
    Ok(Reply::ok(ChatEventReceived { channels, written }).respond_to(&req).map_into_boxed_body())
}
