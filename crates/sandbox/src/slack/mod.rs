//! The fake Slack Web API (<https://docs.slack.dev/reference/methods>): `POST` or `GET`
//! `/slack/api/{method}`, arguments in the query, a form or JSON body; answers are HTTP 200
//! with `ok: true|false`, except 429 (`Retry-After`) when throttled and 404 for an unknown
//! method.

mod args;
mod conversations;
mod cursor;
pub(crate) mod events;
pub(crate) mod oauth;
pub(crate) mod render;
mod users;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use crate::Provider;
use crate::data::Workspace;
use crate::store::{Store, TokenCheck};
use args::{Args, ArgsError};

/// A method's answer: its fields besides `ok`, or an error code.
pub(crate) type Outcome = Result<Value, Fail>;

/// A documented error code, with `response_metadata.messages` for argument errors.
#[derive(Debug)]
pub(crate) struct Fail {
    error: &'static str,
    messages: Vec<String>,
}

impl Fail {
    pub(crate) fn new(error: &'static str) -> Self {
        Self { error, messages: Vec::new() }
    }

    /// `invalid_arguments` naming a missing required argument.
    pub(crate) fn missing(argument: &str) -> Self {
        Self {
            error: "invalid_arguments",
            messages: vec![format!("[ERROR] missing required field: {argument}")],
        }
    }
}

type Method = fn(&Workspace, usize, &Args) -> Outcome;

fn method(name: &str) -> Option<Method> {
    Some(match name {
        "auth.test" => auth_test,
        "conversations.list" => conversations::list,
        "conversations.history" => conversations::history,
        "conversations.replies" => conversations::replies,
        "conversations.info" => conversations::info,
        "users.conversations" => conversations::users_conversations,
        "users.info" => users::info,
        "users.list" => users::list,
        _ => return None,
    })
}

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    // Before `{method}`: the OAuth exchange is the one method called without a token.
    oauth::routes(cfg);
    cfg.route("/slack/api/{method}", web::get().to(call))
        .route("/slack/api/{method}", web::post().to(call));
}

async fn call(
    req: HttpRequest,
    name: web::Path<String>,
    body: web::Bytes,
    store: web::Data<Store>,
) -> HttpResponse {
    let name = name.into_inner();
    let Some(method) = method(&name) else {
        return HttpResponse::NotFound()
            .json(json!({"ok": false, "error": "unknown_method", "req_method": name}));
    };
    let args = match Args::parse(&req, &body) {
        Ok(args) => args,
        Err(ArgsError::Form) => return respond(Err(Fail::new("invalid_form_data"))),
        Err(ArgsError::Json) => return respond(Err(Fail::new("invalid_json"))),
    };
    let token = args::token(&req, &args);
    store.faults().count_slack_call(&name);
    if let Some(failure) = store.failing(Provider::Slack) {
        let status = StatusCode::from_u16(failure.status).unwrap_or(StatusCode::BAD_GATEWAY);
        let mut answer = HttpResponse::build(status);
        if let Some(retry_after) = failure.retry_after {
            answer.insert_header(("Retry-After", retry_after.to_string()));
        }
        return answer.content_type("text/html").body("<html><body>Server Error</body></html>");
    }
    if let Some(retry_after) = store.throttled(Provider::Slack, token.as_deref()) {
        return HttpResponse::build(StatusCode::TOO_MANY_REQUESTS)
            .insert_header(("Retry-After", retry_after.to_string()))
            .json(json!({"ok": false, "error": "ratelimited"}));
    }
    let Some(token) = token else {
        return respond(Err(Fail::new("not_authed")));
    };
    let state = store.read();
    let me = match state.check(Provider::Slack, &token) {
        TokenCheck::Valid(user) => user,
        TokenCheck::Unknown => return respond(Err(Fail::new("invalid_auth"))),
        TokenCheck::Revoked => return respond(Err(Fail::new("token_revoked"))),
    };
    respond(method(&state.slack, me, &args))
}

fn respond(outcome: Outcome) -> HttpResponse {
    let body = match outcome {
        Ok(Value::Object(mut fields)) => {
            fields.insert("ok".to_owned(), Value::Bool(true));
            Value::Object(fields)
        }
        Ok(_) => json!({"ok": true}),
        Err(fail) if fail.messages.is_empty() => json!({"ok": false, "error": fail.error}),
        Err(fail) => json!({
            "ok": false,
            "error": fail.error,
            "response_metadata": {"messages": fail.messages},
        }),
    };
    HttpResponse::Ok().json(body)
}

/// <https://docs.slack.dev/reference/methods/auth.test>
fn auth_test(ws: &Workspace, me: usize, _args: &Args) -> Outcome {
    let user = &ws.users[me];
    Ok(json!({
        "url": format!("https://{}.slack.com/", ws.team_slug),
        "team": ws.team_name,
        "user": user.username,
        "team_id": ws.team_id,
        "user_id": user.id,
        "is_enterprise_install": false,
    }))
}

/// `response_metadata` with the next cursor, empty at the end.
pub(crate) fn metadata(next_cursor: Option<String>) -> Value {
    json!({"next_cursor": next_cursor.unwrap_or_default()})
}

pub(crate) fn to_value<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
