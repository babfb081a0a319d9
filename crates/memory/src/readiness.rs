//! A readiness probe whose answer is fixed in advance.

use std::future::Future;

use switchboard_domain::ComponentCheck;
use switchboard_ports::ReadinessProbe;

/// Reports the checks it was built with: ready, or failing with a given reason.
#[derive(Debug, Clone)]
pub struct StaticReadiness {
    checks: Vec<ComponentCheck>,
}

impl StaticReadiness {
    /// A probe that always reports a working in-memory store.
    pub fn ready() -> Self {
        Self { checks: vec![ComponentCheck::ok("memory")] }
    }

    /// A probe that always reports `name` failing for `reason`.
    pub fn failing(name: &str, reason: &str) -> Self {
        Self { checks: vec![ComponentCheck::failing(name, reason)] }
    }
}

impl ReadinessProbe for StaticReadiness {
    fn check(&self) -> impl Future<Output = Vec<ComponentCheck>> + Send {
        let checks = self.checks.clone();
        async move { checks }
    }
}
