//! Readiness probing of the service's dependencies.

use std::future::Future;

use switchboard_domain::ComponentCheck;

/// Checks that a dependency of the service (a database, its schema) is usable right now.
///
/// A probe never fails as a call: what it finds, good or bad, is reported as
/// [`ComponentCheck`]s, so one broken dependency still lets the others be reported.
///
/// ```
/// use std::future::Future;
/// use switchboard_domain::ComponentCheck;
/// use switchboard_ports::ReadinessProbe;
///
/// struct AlwaysUp;
///
/// impl ReadinessProbe for AlwaysUp {
///     fn check(&self) -> impl Future<Output = Vec<ComponentCheck>> + Send {
///         async { vec![ComponentCheck::ok("database")] }
///     }
/// }
/// ```
pub trait ReadinessProbe: Send + Sync + 'static {
    /// Runs the checks this probe knows. It should answer within a few seconds: callers use it
    /// for load-balancer readiness.
    fn check(&self) -> impl Future<Output = Vec<ComponentCheck>> + Send;
}
