//! The recurring jobs: the consumer catching up with the event log, and expiry.

use std::marker::PhantomData;

use serde::{Deserialize, Serialize};
use switchboard_ports::Ports;

use super::NotificationService;
use crate::jobs::{BackgroundJob, JobError};

/// Runs [`NotificationService::update`]: the consumer catches up with the event log.
/// Recurring (`notifications.update_interval_secs`); one waits at a time.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct NotificationsUpdateJob<P> {
    #[serde(skip)]
    ports: PhantomData<fn() -> P>,
}

/// Runs [`NotificationService::expire`]: notifications older than the retention go.
/// Recurring (`notifications.expire_interval_secs`); one waits at a time.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct NotificationsExpireJob<P> {
    #[serde(skip)]
    ports: PhantomData<fn() -> P>,
}

macro_rules! unit_job {
    ($name:ident) => {
        impl<P> std::fmt::Debug for $name<P> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($name))
            }
        }

        impl<P> Default for $name<P> {
            fn default() -> Self {
                Self { ports: PhantomData }
            }
        }
    };
}

unit_job!(NotificationsUpdateJob);
unit_job!(NotificationsExpireJob);

impl<P: Ports> BackgroundJob for NotificationsUpdateJob<P> {
    const JOB_TYPE: &'static str = "notifications.update";
    type Context = NotificationService<P>;

    fn dedupe_key(&self) -> Option<String> {
        Some("all".to_owned())
    }

    async fn run(&self, service: &NotificationService<P>) -> Result<(), JobError> {
        let events = service.update().await.map_err(|e| JobError::new(e.to_string()))?;
        if events > 0 {
            tracing::debug!(events, "notification consumer caught up");
        }
        Ok(())
    }
}

impl<P: Ports> BackgroundJob for NotificationsExpireJob<P> {
    const JOB_TYPE: &'static str = "notifications.expire";
    type Context = NotificationService<P>;

    fn dedupe_key(&self) -> Option<String> {
        Some("all".to_owned())
    }

    async fn run(&self, service: &NotificationService<P>) -> Result<(), JobError> {
        let expired = service.expire().await.map_err(|e| JobError::new(e.to_string()))?;
        if expired > 0 {
            tracing::info!(expired, "notifications expired");
        }
        Ok(())
    }
}
