//! The sandbox over real HTTP: each provider's documented behaviour, faults, generation.

#![expect(clippy::unwrap_used, reason = "tests")]

mod admin;
mod generation;
mod google;
mod mattermost;
mod microsoft;
mod slack;
mod support;
