//! The fake Microsoft Graph mail API (<https://learn.microsoft.com/graph/api/resources/mail-api-overview>)
//! under `/microsoft/graph/v1.0`: `/me`, mail folders, messages with OData paging, message
//! delta, attachments, `PATCH isRead`, `sendMail` and `reply`. Every request needs an access
//! token the fake identity platform signed for Graph; scopes are checked as Graph checks them.

mod attachments;
mod delta;
mod error;
mod folders;
mod messages;
mod odata;
mod render;
mod send;
mod state;

pub(crate) use error::GraphError;
pub(crate) use state::GraphState;

use actix_web::{HttpRequest, HttpResponse, web};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Value, json};

use super::identity::{GRAPH_AUDIENCE, GraphClaims};
use crate::faults::Api;
use crate::store::Store;

/// Where Graph is served unless the builder says otherwise.
pub(crate) const DEFAULT_PATH: &str = "/microsoft/graph/v1.0";

pub(crate) fn routes(cfg: &mut web::ServiceConfig, path: &str) {
    cfg.service(
        web::scope(path)
            .route("/me", web::get().to(me))
            .route("/me/mailFolders", web::get().to(folders::list))
            .route("/me/mailFolders/{folder}", web::get().to(folders::get))
            .route("/me/mailFolders/{folder}/childFolders", web::get().to(folders::children))
            .route("/me/mailFolders/{folder}/messages/delta", web::get().to(delta::delta))
            .route("/me/mailFolders/{folder}/messages/delta()", web::get().to(delta::delta))
            .route("/me/mailFolders/{folder}/messages", web::get().to(messages::in_folder))
            .route("/me/messages", web::get().to(messages::all))
            .route("/me/messages/{id}", web::get().to(messages::get))
            .route("/me/messages/{id}", web::patch().to(messages::patch))
            .route("/me/messages/{id}/attachments", web::get().to(attachments::list))
            .route("/me/messages/{id}/attachments/{attachment}", web::get().to(attachments::get))
            .route(
                "/me/messages/{id}/attachments/{attachment}/$value",
                web::get().to(attachments::value),
            )
            .route("/me/messages/{id}/reply", web::post().to(send::reply))
            .route("/me/sendMail", web::post().to(send::send_mail))
            .default_service(web::to(unknown_segment)),
    );
}

async fn unknown_segment(req: HttpRequest) -> Result<HttpResponse, GraphError> {
    let segment = req.path().rsplit('/').next().unwrap_or("").to_owned();
    Err(GraphError::BadRequest(
        "BadRequest",
        format!("Resource not found for the segment '{segment}'."),
    ))
}

/// `https://graph.microsoft.com/v1.0` of this sandbox.
pub(crate) fn base(store: &Store) -> String {
    format!("{}{}", store.origin(), store.graph_path)
}

/// Who is calling, from the bearer token.
#[derive(Debug)]
pub(crate) struct Caller {
    pub mailbox: usize,
    pub user_id: String,
    scopes: Vec<String>,
}

impl Caller {
    /// Counts the request, applies a pending throttle, then checks the token: signed here,
    /// for Graph, not expired, not expired early by the admin switch.
    pub(crate) fn authenticate(req: &HttpRequest, store: &Store) -> Result<Self, GraphError> {
        let token = crate::credentials::bearer(req);
        if let Some(retry_after) = store.throttled(Api::Graph, token) {
            return Err(GraphError::Throttled(retry_after));
        }
        if let Some(retry_after) = store.graph().take_unavailable() {
            return Err(GraphError::Unavailable(retry_after));
        }
        let token = token.ok_or(GraphError::Unauthenticated("Access token is empty."))?;
        let key = store.signing_key().map_err(|e| GraphError::Internal(e.to_string()))?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = 0;
        validation.set_audience(&[GRAPH_AUDIENCE, "00000003-0000-0000-c000-000000000000"]);
        let claims = jsonwebtoken::decode::<GraphClaims>(token, &key.decoding, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => GraphError::Unauthenticated("Lifetime validation failed, the token is expired."),
                ErrorKind::InvalidAudience => GraphError::Unauthenticated("Access token validation failure. Invalid audience."),
                _ => GraphError::Unauthenticated("IDX14100: JWT is not well formed, there are no dots (.) or the signature is invalid."),
            })?
            .claims;
        match store.identity().access.get(&claims.uti) {
            Some(issued) if issued.expired => {
                return Err(GraphError::Unauthenticated(
                    "Lifetime validation failed, the token is expired.",
                ));
            }
            Some(_) => {}
            None => return Err(GraphError::Unauthenticated("Access token validation failure.")),
        }
        let mailbox = store
            .read()
            .microsoft
            .mailbox_index(&claims.oid)
            .ok_or(GraphError::Unauthenticated("Access token validation failure."))?;
        Ok(Self {
            mailbox,
            user_id: claims.oid,
            scopes: claims.scp.split_whitespace().map(str::to_owned).collect(),
        })
    }

    /// 403 `ErrorAccessDenied` unless the token carries one of `scopes`.
    pub(crate) fn require(&self, scopes: &[&str]) -> Result<(), GraphError> {
        if self.scopes.iter().any(|s| scopes.iter().any(|wanted| s.eq_ignore_ascii_case(wanted))) {
            Ok(())
        } else {
            Err(GraphError::AccessDenied)
        }
    }

    /// Reading mail: `Mail.ReadBasic`, `Mail.Read` or `Mail.ReadWrite`.
    pub(crate) fn require_read(&self) -> Result<(), GraphError> {
        self.require(&["Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite"])
    }
}

/// What a reading request brings: who calls (with a read scope), its query options checked
/// against the resource's properties, and its preferences.
pub(crate) fn reading(
    req: &HttpRequest,
    store: &Store,
    properties: &[&str],
    type_name: &str,
) -> Result<(Caller, odata::Query, odata::Prefer), GraphError> {
    let caller = Caller::authenticate(req, store)?;
    caller.require_read()?;
    let query = odata::Query::parse(req, properties, type_name)?;
    Ok((caller, query, odata::Prefer::parse(req)))
}

/// A JSON request body, or 400 `BadRequest` saying why it cannot be read.
pub(crate) fn payload<'a, T: serde::Deserialize<'a>>(body: &'a [u8]) -> Result<T, GraphError> {
    serde_json::from_slice(body).map_err(|e| {
        GraphError::BadRequest("BadRequest", format!("Unable to read JSON request payload: {e}"))
    })
}

/// This request's URL on the Graph base, without its query (where next links point).
pub(crate) fn self_url(req: &HttpRequest, store: &Store) -> String {
    format!("{}{}", base(store), req.path().trim_start_matches(store.graph_path.as_str()))
}

/// A collection: `@odata.context`, `@odata.count` when asked for, `value`, and
/// `@odata.nextLink` when more follow.
pub(crate) fn collection(
    prefer: &odata::Prefer,
    context: String,
    value: Vec<Value>,
    next: Option<String>,
    count: Option<usize>,
) -> HttpResponse {
    let mut body = json!({"@odata.context": context});
    if let Some(count) = count {
        body["@odata.count"] = json!(count);
    }
    body["value"] = Value::Array(value);
    if let Some(next) = next {
        body["@odata.nextLink"] = json!(next);
    }
    ok(prefer, body)
}

/// 200 with `body`, and `Preference-Applied` when preferences were honoured.
pub(crate) fn ok(prefer: &odata::Prefer, body: Value) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    if let Some(applied) = prefer.applied() {
        response.insert_header(("Preference-Applied", applied));
    }
    response.json(body)
}

/// `GET /me`: the signed-in user.
async fn me(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, GraphError> {
    let caller = Caller::authenticate(&req, &store)?;
    caller.require(&[
        "User.Read",
        "User.ReadBasic.All",
        "User.Read.All",
        "Mail.Read",
        "Mail.ReadWrite",
        "Mail.ReadBasic",
    ])?;
    let state = store.read();
    let mailbox = &state.microsoft.mailboxes[caller.mailbox];
    Ok(HttpResponse::Ok().json(json!({
        "@odata.context": format!("{}/$metadata#users/$entity", base(&store)),
        "businessPhones": [],
        "displayName": mailbox.display_name,
        "givenName": mailbox.given_name,
        "jobTitle": null,
        "mail": mailbox.address,
        "mobilePhone": null,
        "officeLocation": null,
        "preferredLanguage": "en-US",
        "surname": mailbox.surname,
        "userPrincipalName": mailbox.address,
        "id": caller.user_id,
    })))
}
