//! Google's OAuth 2.0 client.
pub use client::{GoogleAuth, GoogleAuthConfig};
mod client;
