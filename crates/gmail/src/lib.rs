#![doc = include_str!("../README.md")]

mod api;
mod chunks;
mod config;
mod error;
mod factory;
mod headers;
mod metrics;
mod mime_walk;
mod oauth;
mod outgoing;
mod source;
mod sync;
mod wire;

pub use chunks::AttachmentChunks;
pub use config::{EndpointError, GmailConfig};
pub use factory::GmailSources;
pub use mime_walk::decode_base64url;
pub use oauth::{GoogleAuth, GoogleAuthConfig};
pub use source::GmailSource;
