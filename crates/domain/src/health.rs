//! Readiness: whether this process can serve traffic, and why not.

use serde::Serialize;

/// The result of checking one dependency the service needs (the database, its schema, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "detail", rename_all = "snake_case")]
pub enum CheckOutcome {
    /// The dependency works.
    Ok,
    /// The dependency does not work; the text says why, in words safe to show an operator
    /// (no secret, no connection string).
    Failing(String),
}

/// One named readiness check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComponentCheck {
    /// A short stable name, such as `database` or `migrations`.
    pub name: String,
    /// What the check found.
    pub outcome: CheckOutcome,
}

impl ComponentCheck {
    /// A passing check.
    pub fn ok(name: impl Into<String>) -> Self {
        Self { name: name.into(), outcome: CheckOutcome::Ok }
    }

    /// A failing check with its reason.
    pub fn failing(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { name: name.into(), outcome: CheckOutcome::Failing(reason.into()) }
    }

    /// Whether this check passed.
    pub fn is_ok(&self) -> bool {
        matches!(self.outcome, CheckOutcome::Ok)
    }
}

/// The readiness of the whole service: ready only when every check passes.
///
/// ```
/// use switchboard_domain::{ComponentCheck, Readiness};
///
/// let ready = Readiness::from_checks(vec![ComponentCheck::ok("database")]);
/// assert!(ready.is_ready());
///
/// let not_ready = Readiness::from_checks(vec![
///     ComponentCheck::ok("database"),
///     ComponentCheck::failing("migrations", "2 pending"),
/// ]);
/// assert!(!not_ready.is_ready());
/// assert_eq!(not_ready.failing().count(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Readiness {
    checks: Vec<ComponentCheck>,
}

impl Readiness {
    /// Gathers the outcome of several checks.
    pub fn from_checks(checks: Vec<ComponentCheck>) -> Self {
        Self { checks }
    }

    /// Whether every check passed. A service with no checks is ready.
    pub fn is_ready(&self) -> bool {
        self.checks.iter().all(ComponentCheck::is_ok)
    }

    /// All checks, in the order they were made.
    pub fn checks(&self) -> &[ComponentCheck] {
        &self.checks
    }

    /// The checks that failed.
    pub fn failing(&self) -> impl Iterator<Item = &ComponentCheck> {
        self.checks.iter().filter(|c| !c.is_ok())
    }
}
