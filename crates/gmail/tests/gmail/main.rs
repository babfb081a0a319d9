//! The Gmail adapter against the sandbox's fake Google (OAuth and Gmail API v1), over HTTP
//! through google-gmail1 and oauth2, and against recorded answers from Google's
//! documentation served by wiremock (errors, MIME samples).
#![expect(clippy::unwrap_used, reason = "tests")]

mod errors;
mod mime;
mod oauth;
mod reading;
mod support;
mod sync;
mod world;
