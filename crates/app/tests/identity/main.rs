//! Identity end to end over PostgreSQL: through the binary, and in process with several app
//! instances sharing one database (time moved by a manual clock).

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod chat;
mod checked_sessions;
mod cli;
mod demo;
mod gmail;
mod lockout;
mod mail;
mod mail_stats;
mod oauth;
mod rate_limits;
mod refresh_race;
mod rehash;
mod rotate_secrets;
mod seed;
mod slack_events;
mod stats;
mod stats_consumer;
mod stream;
mod support;
mod unavailable;
mod webhooks;
