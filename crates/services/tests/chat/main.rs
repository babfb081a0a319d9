//! The chat services over the in-memory store, against the sandbox's fake Slack and
//! Mattermost servers through the real adapters.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod connect;
mod kinds;
mod ownership;
mod retry;
mod support;
mod sync;
mod window;
