#![doc = include_str!("../README.md")]

pub mod app;
pub mod auth;
pub mod encoding;
pub mod envelope;
pub mod error;
pub mod middleware;
pub mod openapi;
pub mod payload;
pub mod proto;
pub mod reply;
pub mod required;
pub mod routes;
pub mod server;

pub use app::{AppDeps, HttpSettings, build_app};
pub use auth::{AdminRead, AdminWrite, Authenticated, Caller, Guard, Read, Write};
pub use encoding::Encoding;
pub use error::ApiError;
pub use payload::Payload;
pub use reply::Reply;
pub use server::{ServerOptions, serve};
