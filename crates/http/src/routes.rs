//! The route table: every endpoint, registered in one place.
//!
//! Routes are registered as resources with per-method routes, so a known path with the wrong
//! method answers 405 (with `Allow`), and an unknown path 404.

pub mod admin;
pub mod api_keys;
pub mod auth;
pub mod chat;
pub mod convert;
pub mod events;
pub mod mail;
pub mod mail_stats;
pub mod me;
pub mod meta;
pub mod notifications;
pub mod paging;
pub mod stats;
pub mod stream;
pub mod webhooks;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{Error, Resource, web};
use switchboard_ports::Ports;

use crate::middleware::catch_panic::catch_panic;

/// A resource at `path` whose handlers are guarded against panics. The guard sits on the
/// resource because only after routing may a middleware hold on to the request.
pub fn resource(
    path: &str,
) -> Resource<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    web::resource(path).wrap(from_fn(catch_panic))
}

/// Registers every API route.
pub fn configure<P: Ports>(cfg: &mut web::ServiceConfig) {
    // Groups under a common prefix are scopes: the router compares the prefix once instead of
    // trying each of their patterns (a regular expression per path with an `{id}`) in turn.
    // They come first, the busiest first, since the router tries services in the order they
    // were registered and no other path shares their prefixes.
    cfg.service(web::scope("/api/mail").configure(configure_mail::<P>))
        .service(web::scope("/api/chat").configure(configure_chat::<P>))
        .service(web::scope("/api/stats").configure(configure_stats::<P>))
        .service(web::scope("/api/admin").configure(configure_admin::<P>));
    cfg.service(resource("/healthz").route(web::get().to(meta::healthz::healthz)))
        .service(resource("/readyz").route(web::get().to(meta::readyz::readyz::<P>)))
        .service(resource("/version").route(web::get().to(meta::version::version::<P>)))
        .service(
            resource("/.well-known/jwks.json").route(web::get().to(auth::jwks::jwks::<P::Tokens>)),
        )
        .service(
            resource("/api/auth/register").route(web::post().to(auth::register::register::<P>)),
        )
        .service(resource("/api/auth/login").route(web::post().to(auth::login::login::<P>)))
        .service(resource("/api/auth").route(web::post().to(auth::compat_login::login::<P>)))
        .service(
            resource("/api/auth/microsoft").route(web::post().to(auth::microsoft::sign_in::<P>)),
        )
        .service(resource("/api/auth/refresh").route(web::post().to(auth::refresh::refresh::<P>)))
        .service(resource("/api/auth/logout").route(web::post().to(auth::logout::logout::<P>)))
        .service(
            resource("/api/auth/logout-all")
                .route(web::post().to(auth::logout_all::logout_all::<P>)),
        )
        .service(resource("/api/auth/sessions").route(web::get().to(auth::sessions::sessions::<P>)))
        .service(
            resource("/api/auth/sessions/{id}")
                .route(web::delete().to(auth::delete_session::delete_session::<P>)),
        )
        .service(
            resource("/api/me")
                .route(web::get().to(me::get::get::<P>))
                .route(web::patch().to(me::update::update::<P>)),
        )
        .service(
            resource("/api/api-keys")
                .route(web::get().to(api_keys::list::list::<P>))
                .route(web::post().to(api_keys::create::create::<P>)),
        )
        .service(
            resource("/api/api-keys/{id}").route(web::delete().to(api_keys::delete::delete::<P>)),
        )
        .service(resource("/api/events").route(web::get().to(events::list::list::<P>)))
        .service(
            resource("/api/webhooks")
                .route(web::get().to(webhooks::list::list::<P>))
                .route(web::post().to(webhooks::create::create::<P>)),
        )
        .service(
            resource("/api/webhooks/{id}")
                .route(web::get().to(webhooks::get::get::<P>))
                .route(web::patch().to(webhooks::update::update::<P>))
                .route(web::delete().to(webhooks::delete::delete::<P>)),
        )
        .service(
            resource("/api/webhooks/{id}/deliveries")
                .route(web::get().to(webhooks::deliveries::list::<P>)),
        )
        .service(
            resource("/api/webhooks/{id}/rotate-secret")
                .route(web::post().to(webhooks::rotate_secret::rotate::<P>)),
        )
        .service(
            resource("/api/webhooks/{id}/test").route(web::post().to(webhooks::test::test::<P>)),
        )
        .service(
            resource("/api/me/preferences")
                .route(web::get().to(me::preferences::get::<P>))
                .route(web::patch().to(me::preferences::update::<P>)),
        )
        .service(
            resource("/api/notifications").route(web::get().to(notifications::list::list::<P>)),
        )
        .service(
            resource("/api/notifications/read")
                .route(web::post().to(notifications::mark_read::mark_read::<P>)),
        )
        .service(
            resource("/api/notifications/{id}")
                .route(web::delete().to(notifications::delete::delete::<P>)),
        )
        .service(resource("/api/stream").route(web::get().to(stream::open::open::<P>)))
        .service(resource("/api/stream/ticket").route(web::post().to(stream::ticket::create::<P>)));
}

fn configure_mail<P: Ports>(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/link").route(web::post().to(mail::link_start::start::<P>)))
        .service(
            resource("/link/callback").route(web::get().to(mail::link_callback::callback::<P>)),
        )
        .service(
            resource("/link/complete").route(web::post().to(mail::link_complete::complete::<P>)),
        )
        .service(resource("/link/microsoft/obo").route(web::post().to(mail::link_obo::obo::<P>)))
        .service(resource("/accounts").route(web::get().to(mail::list_accounts::list::<P>)))
        .service(
            resource("/accounts/{id}")
                .route(web::get().to(mail::get_account::get::<P>))
                .route(web::delete().to(mail::delete_account::delete::<P>)),
        )
        .service(
            resource("/accounts/{id}/sync").route(web::post().to(mail::sync_account::sync::<P>)),
        )
        .service(resource("/folders").route(web::get().to(mail::list_folders::list::<P>)))
        .service(
            resource("/messages")
                .route(web::get().to(mail::list_messages::list::<P>))
                .route(web::post().to(mail::send::send::<P>)),
        )
        .service(
            resource("/messages/{id}")
                .route(web::get().to(mail::get_message::get::<P>))
                .route(web::patch().to(mail::update_message::update::<P>)),
        )
        .service(
            resource("/messages/{id}/attachments/{attachment_id}")
                .route(web::get().to(mail::get_attachment::get::<P>)),
        )
        .service(resource("/threads").route(web::get().to(mail::list_threads::list::<P>)))
        .service(resource("/threads/{id}").route(web::get().to(mail::get_thread::get::<P>)))
        .service(
            resource("/threads/{id}/summary")
                .route(web::get().to(mail_stats::thread_summary::summary::<P>)),
        )
        .service(resource("/stats/pulse").route(web::get().to(mail_stats::pulse::pulse::<P>)))
        .service(
            resource("/stats/top_senders")
                .route(web::get().to(mail_stats::top_senders::top_senders::<P>)),
        )
        .service(resource("/stats/digest").route(web::post().to(mail_stats::digest::digest::<P>)));
}

fn configure_admin<P: Ports>(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/users").route(web::get().to(admin::list_users::list_users::<P>)))
        .service(
            resource("/users/{id}").route(web::patch().to(admin::update_user::update_user::<P>)),
        )
        .service(resource("/jobs").route(web::get().to(admin::jobs_list::list::<P>)))
        .service(resource("/jobs/{id}/retry").route(web::post().to(admin::jobs_retry::retry::<P>)))
        .service(resource("/jobs/{id}").route(web::delete().to(admin::jobs_delete::delete::<P>)));
}

fn configure_chat<P: Ports>(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/sources")
            .route(web::get().to(chat::list_sources::list::<P>))
            .route(web::post().to(chat::connect::connect::<P>)),
    )
    .service(
        resource("/sources/{id}")
            .route(web::get().to(chat::get_source::get::<P>))
            .route(web::patch().to(chat::update_source::update::<P>))
            .route(web::delete().to(chat::delete_source::delete::<P>)),
    )
    .service(resource("/sources/{id}/sync").route(web::post().to(chat::sync_source::sync::<P>)))
    .service(resource("/channels").route(web::get().to(chat::list_channels::list::<P>)))
    .service(
        resource("/oauth/slack/start").route(web::get().to(chat::oauth_slack_start::start::<P>)),
    )
    .service(
        resource("/oauth/slack/callback")
            .route(web::get().to(chat::oauth_slack_callback::callback::<P>)),
    )
    .service(resource("/channels/{id}").route(web::patch().to(chat::update_channel::update::<P>)))
    .service(resource("/slack/events").route(web::post().to(chat::slack_events::receive::<P>)))
    .service(resource("/channels/{id}/posts").route(web::get().to(chat::list_posts::list::<P>)))
    .service(resource("/posts/{id}").route(web::get().to(chat::get_post::get::<P>)));
}

fn configure_stats<P: Ports>(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/pulse").route(web::get().to(stats::pulse::pulse::<P>)))
        .service(resource("/pulse/{id}").route(web::get().to(stats::channel_pulse::pulse::<P>)))
        .service(
            resource("/most_active/{id}")
                .route(web::get().to(stats::most_active::most_active::<P>)),
        )
        .service(
            resource("/hot_topics/{id}").route(web::get().to(stats::hot_topics::hot_topics::<P>)),
        )
        .service(
            resource("/representative_messages/{id}")
                .route(web::get().to(stats::representative::representative::<P>))
                .route(web::post().to(stats::representative_since::representative::<P>)),
        )
        .service(
            resource("/summary/{id}")
                .route(web::get().to(stats::summary::summary::<P>))
                .route(web::post().to(stats::summary_since::summary::<P>)),
        );
}
