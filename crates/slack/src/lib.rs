#![doc = include_str!("../README.md")]

mod blocks;
mod client;
mod error;
pub mod events;
mod map;
mod metrics;
mod oauth;
mod source;
mod text;
mod wire;

pub use client::SlackConfig;
pub use oauth::SlackOAuthClient;
pub use source::SlackSource;
