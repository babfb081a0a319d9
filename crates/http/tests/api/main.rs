//! The HTTP shell, in process, over in-memory adapters.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod accounts;
mod admin_users;
mod chat;
mod chat_posts;
mod contract;
mod documented;
mod errors;
mod events;
mod fake_mail;
mod framework_limits;
mod identity;
mod inputs;
mod jobs;
mod mail;
mod mail_link;
mod me;
mod negotiation;
mod notifications;
mod openapi;
mod ownership;
mod rate_limits;
mod request_id;
mod shutdown;
mod stats;
mod support;
mod webhooks;
