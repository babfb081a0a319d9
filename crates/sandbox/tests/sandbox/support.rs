//! A small sandbox on a fixed clock, and an HTTP client.

use chrono::{DateTime, TimeZone, Utc};
use switchboard_sandbox::{RunningSandbox, Sandbox, SandboxBuilder};

/// Friday 14 March 2025, 16:00 UTC.
pub fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 16, 0, 0).unwrap()
}

pub fn sandbox_builder() -> SandboxBuilder {
    Sandbox::builder().seed(7).now(fixed_now()).posts_per_channel(1200).people(30)
}

pub fn sandbox() -> Sandbox {
    sandbox_builder().build()
}

pub fn start() -> RunningSandbox {
    sandbox().start_local().unwrap()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}
