//! Health and identity of the running service.

use switchboard_domain::{Readiness, ServiceInfo};
use switchboard_ports::ReadinessProbe;

/// Answers "am I alive, am I ready, what am I".
#[derive(Debug, Clone)]
pub struct HealthService<P> {
    probe: P,
    info: ServiceInfo,
}

impl<P: ReadinessProbe> HealthService<P> {
    /// Builds the service over a readiness probe, describing the given build.
    pub fn new(probe: P, info: ServiceInfo) -> Self {
        Self { probe, info }
    }

    /// Checks every dependency; the service is ready only if all pass.
    pub async fn readiness(&self) -> Readiness {
        Readiness::from_checks(self.probe.check().await)
    }

    /// What build this is.
    pub fn info(&self) -> &ServiceInfo {
        &self.info
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_memory::StaticReadiness;

    fn info() -> ServiceInfo {
        ServiceInfo::new("switchboard", "0.1.0", None)
    }

    #[tokio::test]
    async fn ready_when_every_check_passes() {
        let service = HealthService::new(StaticReadiness::ready(), info());
        assert!(service.readiness().await.is_ready());
    }

    #[tokio::test]
    async fn not_ready_when_one_check_fails() {
        let service =
            HealthService::new(StaticReadiness::failing("database", "connection refused"), info());
        let readiness = service.readiness().await;
        assert!(!readiness.is_ready());
        assert_eq!(readiness.failing().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["database"]);
    }
}
