//! Slack's OAuth v2 (<https://docs.slack.dev/authentication/installing-with-oauth>): the
//! authorization page `GET /slack/oauth/v2/authorize`, which approves at once as the demo user
//! (or denies, when told to) and sends the browser back to `redirect_uri` with `code` and
//! `state`; and the method `oauth.v2.access`, which exchanges a code, once and within ten
//! minutes, for a user token (`authed_user.access_token`) and, when bot scopes were asked
//! for, a bot token.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::args::{Args, ArgsError};
use super::{Fail, Outcome, respond};
use crate::Provider;
use crate::data::Rng;
use crate::store::{Grant, Store};

/// How long a code may wait before it is exchanged (Slack: ten minutes).
pub(crate) const CODE_TTL: Duration = Duration::from_secs(600);

const CODE_ALPHABET: &[u8] = b"0123456789abcdef";

/// Registered apps, codes handed out, and the faults asked for.
#[derive(Debug)]
pub(crate) struct OAuth {
    /// Client secrets by client id.
    pub clients: HashMap<String, String>,
    codes: HashMap<String, Issued>,
    /// The next `deny` authorizations answer `error=access_denied`.
    pub deny: u32,
    /// How long a code stays valid.
    pub code_ttl: Duration,
    rng: Rng,
    minted: u64,
}

impl Default for OAuth {
    fn default() -> Self {
        Self {
            clients: HashMap::new(),
            codes: HashMap::new(),
            deny: 0,
            code_ttl: CODE_TTL,
            rng: Rng::unrepeatable(0, 0x0a07),
            minted: 0,
        }
    }
}

/// A code handed out by the authorization page.
#[derive(Debug)]
struct Issued {
    client_id: String,
    user: usize,
    redirect_uri: Option<String>,
    user_scope: String,
    scope: String,
    expires: Instant,
    used: bool,
}

impl OAuth {
    fn mint(&mut self, prefix: &str) -> String {
        self.minted += 1;
        format!("{prefix}{}-{}", self.minted, self.rng.token(CODE_ALPHABET, 32))
    }
}

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/slack/oauth/v2/authorize", web::get().to(authorize))
        .route("/slack/api/oauth.v2.access", web::get().to(access))
        .route("/slack/api/oauth.v2.access", web::post().to(access));
}

/// A page-like refusal, as Slack shows one instead of redirecting when the request itself is
/// wrong (an unknown app, no redirect URL).
fn refuse(code: &str) -> HttpResponse {
    HttpResponse::BadRequest()
        .content_type("text/plain; charset=utf-8")
        .body(format!("Slack sandbox: this authorization cannot start ({code})\n"))
}

pub(crate) fn back_to(redirect_uri: &str, params: &[(&str, &str)]) -> HttpResponse {
    let query = serde_urlencoded::to_string(params).unwrap_or_default();
    let glue = if redirect_uri.contains('?') { '&' } else { '?' };
    HttpResponse::Found()
        .insert_header((header::LOCATION, format!("{redirect_uri}{glue}{query}")))
        .finish()
}

async fn authorize(req: HttpRequest, store: web::Data<Store>) -> HttpResponse {
    let Ok(args) = Args::parse(&req, &[]) else { return refuse("invalid_form_data") };
    let Some(client_id) = args.get("client_id") else { return refuse("invalid_client_id") };
    let Some(redirect_uri) = args.get("redirect_uri") else { return refuse("bad_redirect_uri") };
    if !(redirect_uri.starts_with("http://") || redirect_uri.starts_with("https://")) {
        return refuse("bad_redirect_uri");
    }
    let (scope, user_scope) =
        (args.get("scope").unwrap_or(""), args.get("user_scope").unwrap_or(""));
    if scope.is_empty() && user_scope.is_empty() {
        return refuse("invalid_scope");
    }
    let state = args.get("state").unwrap_or("");
    let user = store.read().slack.me;
    let mut oauth = store.oauth();
    if !oauth.clients.contains_key(client_id) {
        return refuse("invalid_client_id");
    }
    if oauth.deny > 0 {
        oauth.deny -= 1;
        return back_to(redirect_uri, &[("error", "access_denied"), ("state", state)]);
    }
    let code = oauth.mint("sandbox-code-");
    let issued = Issued {
        client_id: client_id.to_owned(),
        user,
        redirect_uri: Some(redirect_uri.to_owned()),
        user_scope: user_scope.to_owned(),
        scope: scope.to_owned(),
        expires: Instant::now() + oauth.code_ttl,
        used: false,
    };
    oauth.codes.insert(code.clone(), issued);
    back_to(redirect_uri, &[("code", &code), ("state", state)])
}

/// HTTP Basic `client_id:client_secret`, as Slack recommends sending them.
pub(crate) fn basic(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic "))?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

async fn access(req: HttpRequest, body: web::Bytes, store: web::Data<Store>) -> HttpResponse {
    let args = match Args::parse(&req, &body) {
        Ok(args) => args,
        Err(ArgsError::Form) => return respond(Err(Fail::new("invalid_form_data"))),
        Err(ArgsError::Json) => return respond(Err(Fail::new("invalid_json"))),
    };
    respond(exchange(&req, &args, &store))
}

/// <https://docs.slack.dev/reference/methods/oauth.v2.access>
fn exchange(req: &HttpRequest, args: &Args, store: &Store) -> Outcome {
    let (client_id, secret) = match basic(req) {
        Some(pair) => pair,
        None => (
            args.get("client_id").unwrap_or_default().to_owned(),
            args.get("client_secret").unwrap_or_default().to_owned(),
        ),
    };
    let code = args.get("code").ok_or_else(|| Fail::missing("code"))?;
    let (team_id, team_name) = {
        let state = store.read();
        (state.slack.team_id.clone(), state.slack.team_name.clone())
    };
    let mut oauth = store.oauth();
    let known = oauth.clients.get(&client_id).ok_or(Fail::new("invalid_client_id"))?;
    if *known != secret {
        return Err(Fail::new("bad_client_secret"));
    }
    let issued = oauth.codes.get_mut(code).ok_or(Fail::new("invalid_code"))?;
    if issued.used || issued.client_id != client_id || issued.expires <= Instant::now() {
        return Err(Fail::new("invalid_code"));
    }
    if let Some(expected) = &issued.redirect_uri
        && args.get("redirect_uri").is_some_and(|given| given != expected)
    {
        return Err(Fail::new("bad_redirect_uri"));
    }
    issued.used = true;
    let (user, user_scope, scope) = (issued.user, issued.user_scope.clone(), issued.scope.clone());
    let user_token = (!user_scope.is_empty()).then(|| oauth.mint("xoxp-sandbox-oauth-"));
    let bot_token = (!scope.is_empty()).then(|| oauth.mint("xoxb-sandbox-oauth-"));
    drop(oauth);
    let mut state = store.write();
    let member_id = state.slack.users.get(user).map(|u| u.id.clone()).unwrap_or_default();
    for token in user_token.iter().chain(bot_token.iter()) {
        let grant = Grant { provider: Provider::Slack, user, revoked: false };
        state.tokens.insert(token.clone(), grant);
    }
    drop(state);
    let mut answer = json!({
        "app_id": "A0SANDBOX01",
        "team": {"id": team_id, "name": team_name},
        "enterprise": Value::Null,
        "is_enterprise_install": false,
        "authed_user": {"id": member_id, "scope": user_scope, "token_type": "user"},
    });
    if let Some(token) = user_token {
        answer["authed_user"]["access_token"] = json!(token);
    }
    if let Some(token) = bot_token {
        answer["access_token"] = json!(token);
        answer["token_type"] = json!("bot");
        answer["scope"] = json!(scope);
        answer["bot_user_id"] = json!("U0SANDBOXBOT");
    }
    Ok(answer)
}
