#![doc = include_str!("../README.md")]

mod client;
mod error;
mod map;
mod oauth;
mod source;
mod wire;

pub use client::SlackConfig;
pub use oauth::SlackOAuthClient;
pub use source::SlackSource;
