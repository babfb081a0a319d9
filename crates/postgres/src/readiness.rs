//! Readiness of the database: reachable, and its schema current.

use std::future::Future;
use std::time::Duration;

use switchboard_domain::ComponentCheck;
use switchboard_ports::ReadinessProbe;

use crate::{PgPool, migrations};

/// How long a readiness check may wait for the database before calling it unreachable.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// Checks that the database answers and that every embedded migration has been applied.
#[derive(Clone)]
pub struct PgReadiness {
    pool: PgPool,
}

impl std::fmt::Debug for PgReadiness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgReadiness").field("pool", &self.pool.status()).finish()
    }
}

impl PgReadiness {
    /// A probe over the given pool.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl ReadinessProbe for PgReadiness {
    fn check(&self) -> impl Future<Output = Vec<ComponentCheck>> + Send {
        let pool = self.pool.clone();
        async move {
            match tokio::time::timeout(CHECK_TIMEOUT, migrations::pending(&pool)).await {
                Err(_) => vec![
                    ComponentCheck::failing("database", "no answer within 3 s"),
                    ComponentCheck::failing("migrations", "unknown: database unreachable"),
                ],
                Ok(Err(e)) => vec![
                    ComponentCheck::failing("database", e.to_string()),
                    ComponentCheck::failing("migrations", "unknown: database unreachable"),
                ],
                Ok(Ok(pending)) if pending.is_empty() => {
                    vec![ComponentCheck::ok("database"), ComponentCheck::ok("migrations")]
                }
                Ok(Ok(pending)) => vec![
                    ComponentCheck::ok("database"),
                    ComponentCheck::failing(
                        "migrations",
                        format!("{} pending: {}", pending.len(), pending.join(", ")),
                    ),
                ],
            }
        }
    }
}
