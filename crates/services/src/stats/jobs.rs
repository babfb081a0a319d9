//! The recurring job that keeps the stored statistics up to date.

use std::marker::PhantomData;

use serde::{Deserialize, Serialize};
use switchboard_ports::Ports;

use super::StatsService;
use crate::jobs::{BackgroundJob, JobError};

/// Runs [`StatsService::update`]: the consumer catches up with the posts events, then stale
/// windows are recomputed. Recurring (`stats.update_interval_secs`); one waits at a time.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct StatsUpdateJob<P> {
    #[serde(skip)]
    ports: PhantomData<fn() -> P>,
}

impl<P> std::fmt::Debug for StatsUpdateJob<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StatsUpdateJob")
    }
}

impl<P> Default for StatsUpdateJob<P> {
    fn default() -> Self {
        Self { ports: PhantomData }
    }
}

impl<P: Ports> BackgroundJob for StatsUpdateJob<P> {
    const JOB_TYPE: &'static str = "chat.stats_update";
    type Context = StatsService<P>;

    fn dedupe_key(&self) -> Option<String> {
        Some("all".to_owned())
    }

    async fn run(&self, stats: &StatsService<P>) -> Result<(), JobError> {
        let outcome = stats.update().await.map_err(|e| JobError::new(e.to_string()))?;
        if outcome.events > 0 || outcome.mail_events > 0 || outcome.refreshed > 0 {
            tracing::info!(
                events = outcome.events,
                mail_events = outcome.mail_events,
                refreshed = outcome.refreshed,
                "stats updated"
            );
        }
        Ok(())
    }
}
