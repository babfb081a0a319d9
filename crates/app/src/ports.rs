//! The production adapters, bundled.

use switchboard_postgres::{PgEventLog, PgJobQueue, PgReadiness, PgUnitOfWork};

/// Every port served by PostgreSQL.
#[derive(Debug, Clone, Copy)]
pub struct PgPorts;

impl switchboard_ports::Ports for PgPorts {
    type Readiness = PgReadiness;
    type Uow = PgUnitOfWork;
    type Events = PgEventLog;
    type Jobs = PgJobQueue;
}
