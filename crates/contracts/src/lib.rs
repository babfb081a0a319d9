#![doc = include_str!("../README.md")]
// A contract case is a test: a failed expectation must stop it loudly.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "contract cases are tests")]

pub mod chat_kinds;
pub mod chat_source;
pub mod mail_source;
pub mod stores;
