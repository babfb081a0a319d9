//! Liveness, readiness and build information.

pub mod healthz;
pub mod readyz;
pub mod version;
