//! The OpenAPI 3.1 document, generated from the handlers' annotations.
//!
//! Handlers document their JSON success schema, their security and their own errors;
//! [`WireFormats`] then adds to every operation what follows from those: the Protobuf media type
//! beside JSON, the error responses every route can give, in the envelope, and 401 and 403
//! wherever its `security` asks for a credential, a role or a scope. [`NamedEnvelopes`] and
//! [`ValidationRules`] finish the schemas.

mod envelopes;
mod rules;

pub use envelopes::NamedEnvelopes;
pub use rules::ValidationRules;

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{Object, Type};
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr, ResponseBuilder, Schema};
use utoipa::{Modify, OpenApi};

use crate::encoding::{JSON, PROTOBUF};
use crate::envelope::{ErrorEnvelope, FieldError, Status};
use crate::proto::v1::MailInteractionRequired;
use crate::routes::{
    admin, api_keys, auth, chat, events, mail, mail_stats, me, meta, notifications, stats, stream,
    webhooks,
};

/// The API's document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Switchboard API",
        description = "Mail, chat and conversation analytics for client apps. Every response is \
                       the envelope `{status, data, message, errors}`, in JSON or, with \
                       `Accept: application/x-protobuf`, as `switchboard.common.v1.Envelope` \
                       (see the `.proto` files shipped in `proto/`)."
    ),
    paths(
        meta::healthz::healthz,
        meta::readyz::readyz,
        meta::version::version,
        auth::jwks::jwks,
        auth::register::register,
        auth::login::login,
        auth::compat_login::login,
        auth::microsoft::sign_in,
        auth::refresh::refresh,
        auth::logout::logout,
        auth::logout_all::logout_all,
        auth::sessions::sessions,
        auth::delete_session::delete_session,
        me::get::get,
        me::update::update,
        me::preferences::get,
        me::preferences::update,
        notifications::list::list,
        notifications::mark_read::mark_read,
        notifications::delete::delete,
        api_keys::create::create,
        api_keys::list::list,
        api_keys::delete::delete,
        admin::list_users::list_users,
        admin::update_user::update_user,
        admin::jobs_list::list,
        admin::jobs_retry::retry,
        admin::jobs_delete::delete,
        events::list::list,
        stream::open::open,
        stream::ticket::create,
        chat::connect::connect,
        chat::list_sources::list,
        chat::get_source::get,
        chat::update_source::update,
        chat::delete_source::delete,
        chat::sync_source::sync,
        chat::list_channels::list,
        chat::update_channel::update,
        chat::list_posts::list,
        chat::get_post::get,
        chat::oauth_slack_start::start,
        chat::oauth_slack_callback::callback,
        stats::pulse::pulse,
        stats::channel_pulse::pulse,
        stats::most_active::most_active,
        stats::hot_topics::hot_topics,
        stats::representative::representative,
        stats::representative_since::representative,
        stats::summary::summary,
        stats::summary_since::summary,
        mail::link_start::start,
        mail::link_callback::callback,
        mail::link_complete::complete,
        mail::link_obo::obo,
        mail::list_accounts::list,
        mail::get_account::get,
        mail::delete_account::delete,
        mail::sync_account::sync,
        mail::list_folders::list,
        mail::list_messages::list,
        mail::get_message::get,
        mail::update_message::update,
        mail::get_attachment::get,
        mail::list_threads::list,
        mail::get_thread::get,
        mail::send::send,
        mail_stats::pulse::pulse,
        mail_stats::top_senders::top_senders,
        mail_stats::thread_summary::summary,
        mail_stats::digest::digest,
        webhooks::create::create,
        webhooks::list::list,
        webhooks::get::get,
        webhooks::update::update,
        webhooks::delete::delete,
        webhooks::rotate_secret::rotate,
        webhooks::test::test,
        webhooks::deliveries::list,
    ),
    // The `data` of the 409 a mail link answers when the provider needs the user first.
    components(schemas(ErrorEnvelope, FieldError, Status, MailInteractionRequired)),
    tags(
        (name = "meta", description = "Liveness, readiness and build information"),
        (name = "auth", description = "Registration, login, tokens and sessions"),
        (name = "me", description = "The caller's account"),
        (name = "notifications", description = "The caller's notifications, made from the \
                                                event log (kinds and preferences: \
                                                docs/notifications.md)"),
        (name = "api-keys", description = "API keys for devices and integrations"),
        (name = "admin", description = "User and job queue administration (admins)"),
        (name = "events", description = "The event log: every change, for downstream processing"),
        (name = "webhooks", description = "Signed HTTP POSTs of the events of what the caller \
                                           owns, retried, with their delivery log"),
        (name = "stream", description = "The caller's events, live, as Server-Sent Events"),
        (name = "chat", description = "Chat sources (Slack, Mattermost), their channels and posts"),
        (name = "mail", description = "Linked mailboxes (Outlook, Gmail): linking, folders, \
                                       messages, threads, attachments, sending, and analytics \
                                       of the stored mail (pulse, top senders, thread \
                                       summaries, digest)"),
        (name = "stats", description = "Channel analytics: pulse, most active, hot topics, \
                                        representative messages, summary. List answers are \
                                        bare JSON arrays; in Protobuf, the message named in \
                                        each operation"),
    ),
    modifiers(&WireFormats, &BearerAuth, &NamedEnvelopes, &ValidationRules)
)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme: an access token (JWT) or an API key. An operation's
/// requirement lists what the credential must carry, as the handler's `Caller` guard checks
/// it: `read` or `write` (an API key's scopes; a session has both) and `admin` (the role).
/// Also `ticket`: the one-time stream ticket a browser passes in the query of `/api/stream`.
#[derive(Debug)]
pub struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut Document) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT or sbk_ API key")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "ticket",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "ticket",
                "A one-time stream ticket from POST /api/stream/ticket",
            ))),
        );
    }
}

/// Adds the Protobuf encoding and the shared error responses to every operation.
#[derive(Debug)]
pub struct WireFormats;

fn protobuf_content(what: &str) -> Content {
    let schema = Object::builder()
        .schema_type(Type::String)
        .content_media_type(PROTOBUF)
        .description(Some(what))
        .build();
    Content::new(Some(RefOr::T(Schema::Object(schema))))
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(JSON, Content::new(Some(Ref::from_schema_name("ErrorEnvelope"))))
        .content(
            PROTOBUF,
            protobuf_content("switchboard.common.v1.Envelope with status STATUS_ERROR"),
        )
        .build()
        .into()
}

fn document_operation(op: &mut Operation) {
    for response in op.responses.responses.values_mut() {
        if let RefOr::T(response) = response
            && response.content.contains_key(JSON)
            && !response.content.contains_key(PROTOBUF)
        {
            let data = "switchboard.common.v1.Envelope whose `data` (google.protobuf.Any) \
                        holds the message of the JSON schema's `data`";
            response.content.insert(PROTOBUF.to_owned(), RefOr::T(protobuf_content(data)));
        }
    }
    let mut errors = vec![
        (
            "406",
            "No acceptable encoding: send `Accept: application/json` or `application/x-protobuf`",
        ),
        ("500", "Internal error; the detail is in the server log under the request id"),
    ];
    let auth = auth_errors(op);
    // Every operation that checks a credential or takes a body reads the database.
    if !auth.is_empty() || op.request_body.is_some() {
        errors.push(("503", "Storage is unavailable; retry after `Retry-After` seconds"));
    }
    errors.extend(auth);
    let takes = |place: ParameterIn| {
        op.parameters.iter().flatten().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
    };
    if takes(ParameterIn::Query) {
        errors.push(("400", "The query string does not parse"));
    }
    if takes(ParameterIn::Query) || takes(ParameterIn::Path) {
        errors.push((
            "422",
            "A parameter of the wrong type, out of range or holding a NUL, named in `errors`",
        ));
    }
    if let Some(RefOr::T(body)) = op.request_body.as_mut() {
        if body.content.contains_key(JSON) && !body.content.contains_key(PROTOBUF) {
            let request =
                protobuf_content("the request message of the JSON schema, Protobuf-encoded");
            body.content.insert(PROTOBUF.to_owned(), RefOr::T(request));
        }
        errors.extend([
            ("400", "The body does not parse"),
            ("413", "The body exceeds the configured limit"),
            ("415", "Unsupported Content-Type"),
            ("422", "Invalid fields, listed in `errors`"),
        ]);
    }
    for (status, description) in errors {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| error_response(description));
    }
}

/// The errors an operation's security requirements imply: 401 when a credential is required,
/// and 403 when it must also carry a role or a scope.
fn auth_errors(op: &Operation) -> Vec<(&'static str, &'static str)> {
    // A requirement is a map from scheme to the scopes it needs; its fields are private.
    let requirements: Vec<serde_json::Map<String, serde_json::Value>> = op
        .security
        .iter()
        .flatten()
        .filter_map(|r| serde_json::to_value(r).ok())
        .filter_map(|r| r.as_object().cloned())
        .collect();
    // No requirement, or an empty one among them: the credential is optional and a refused one
    // is ignored.
    if requirements.is_empty() || requirements.iter().any(serde_json::Map::is_empty) {
        return Vec::new();
    }
    let mut errors = vec![(
        "401",
        "No credential, or one that is malformed, expired or revoked (with `WWW-Authenticate`)",
    )];
    let scoped = requirements
        .iter()
        .flat_map(|r| r.values())
        .any(|scopes| scopes.as_array().is_some_and(|s| !s.is_empty()));
    if scoped {
        errors.push(("403", "The credential lacks the role or the scope listed in `security`"));
    }
    errors
}

impl Modify for WireFormats {
    fn modify(&self, openapi: &mut Document) {
        for item in openapi.paths.paths.values_mut() {
            for op in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch]
                    .into_iter()
                    .flatten()
            {
                document_operation(op);
            }
        }
    }
}
