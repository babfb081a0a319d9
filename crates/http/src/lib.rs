#![doc = include_str!("../README.md")]

pub mod app;
pub mod auth;
pub mod encoding;
pub mod envelope;
pub mod error;
pub mod kept_replies;
pub mod metrics;
pub mod middleware;
pub mod nul;
pub mod oauth_binding;
pub mod openapi;
pub mod path;
pub mod payload;
pub mod proto;
pub mod query;
pub mod reply;
pub mod required;
pub mod routes;
pub mod server;

pub use app::{AppDeps, HttpSettings, build_app};
pub use auth::{AdminRead, AdminWrite, Authenticated, Caller, Guard, Read, Write};
pub use encoding::Encoding;
pub use error::ApiError;
pub use kept_replies::KeptReplies;
pub use metrics::MetricsEndpoint;
pub use path::Path;
pub use payload::Payload;
pub use query::Query;
pub use reply::Reply;
pub use server::{ServerOptions, metrics_server, serve};
