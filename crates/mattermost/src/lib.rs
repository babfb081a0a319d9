#![doc = include_str!("../README.md")]

mod client;
mod error;
mod map;
mod metrics;
mod source;
mod wire;

pub use client::MattermostConfig;
pub use source::MattermostSource;
