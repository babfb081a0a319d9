#![doc = include_str!("../README.md")]

mod chunks;
mod config;
mod error;
mod factory;
mod identity;
mod metrics;
mod request;
mod source;
mod wire;

pub use chunks::AttachmentChunks;
pub use config::{EndpointError, GraphConfig};
pub use factory::GraphSources;
pub use identity::{AuthorityError, MicrosoftAuth, MicrosoftAuthConfig, TenantPolicy};
pub use source::GraphSource;
pub use switchboard_ports::MailboxLimit;
