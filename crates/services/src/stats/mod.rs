//! Channel analytics for the stats routes: the pulse (live, from hourly counts), and most
//! active, hot topics, representative messages and summary of the past day (stored, recomputed
//! by an event consumer when posts arrive and by a refresh job when the window has moved on).
//! Mail analytics share the service (`mail_reads`, `mail_consumer`): the pulse of received mail
//! is computed on request and kept like a channel's, the digest computed on request, an
//! account's top senders are stored and recomputed by a second consumer of the event log, a
//! thread's summary is stored with the thread's version (and the fingerprint of the messages it
//! read), kept in memory too, and served while the version holds.
//!
//! Computations load a window's posts in one statement, then run on the blocking pool, at most
//! `max_concurrent` at a time, so the async workers keep answering requests. Their parallel
//! parts run on the one analytics pool the caller passes to [`StatsService::new`]: neither the
//! service nor the domain starts threads of its own.

mod compute;
mod consumer;
mod error;
mod flights;
mod jobs;
mod mail_consumer;
mod mail_reads;
mod pulses;
mod reads;
mod summaries;

use std::sync::Arc;
use std::time::Duration;

use switchboard_domain::analytics::Parallelism;
use switchboard_domain::chat_sources::ChannelId;
use switchboard_domain::chat_stats::StatsSettings;
use switchboard_domain::mail::MailAccountId;
use switchboard_ports::Ports;

pub use consumer::ChannelStatsConsumer;
pub use error::StatsError;
pub use jobs::StatsUpdateJob;
pub use mail_consumer::MailStatsConsumer;
pub use mail_reads::{MailPulseBucket, TOP_SENDERS_WINDOW, ThreadSummaryOf};
pub use reads::UpdateOutcome;

/// Analytics settings, from configuration.
#[derive(Debug, Clone)]
pub struct StatsPolicy {
    /// The stored statistics' window, history and sizes.
    pub settings: StatsSettings,
    /// A window's posts analysed at most (its latest); more would cost seconds per request.
    pub max_window_posts: usize,
    /// History posts read at most for hot topics (the latest before the window).
    pub max_history_posts: usize,
    /// Stored statistics older than this are recomputed when read; the refresh job
    /// recomputes those older than half of it, so readers rarely wait.
    pub max_age: Duration,
    /// Computations running at once (their parallel parts share the analytics pool).
    pub max_concurrent: usize,
    /// Events read per consumer transaction. The transaction stays open while its channels are
    /// computed, holding back the event log's settled horizon: small batches let other readers
    /// of the log move on between them.
    pub batch: usize,
    /// Channels loaded and computed together.
    pub channels_per_step: usize,
    /// Stale channels the refresh job recomputes per run at most.
    pub refresh_limit: usize,
    /// Channel pulses kept in memory at most (about 4 KiB each), served again while the
    /// channel's posts and the window's hour are unchanged, and as many mail pulses (an
    /// account's or a folder's, hourly or daily), served again while the account's hourly
    /// counts and the window are unchanged; 0 keeps none.
    pub pulse_cache: usize,
    /// Mail thread summaries kept in memory at most (a few KiB each), served again while the
    /// thread's version is unchanged without reading the stored one; 0 keeps none.
    pub summary_cache: usize,
}

impl Default for StatsPolicy {
    fn default() -> Self {
        Self {
            settings: StatsSettings::default(),
            max_window_posts: 10_000,
            max_history_posts: 20_000,
            max_age: Duration::from_secs(3600),
            max_concurrent: 2,
            batch: 16,
            channels_per_step: 8,
            refresh_limit: 256,
            pulse_cache: 4096,
            summary_cache: 4096,
        }
    }
}

/// The stats use cases.
pub struct StatsService<P: Ports> {
    uow: P::Uow,
    clock: P::Clock,
    policy: Arc<StatsPolicy>,
    cpu: Arc<compute::Cpu>,
    consumer: Arc<ChannelStatsConsumer<P>>,
    mail_consumer: Arc<MailStatsConsumer<P>>,
    flights: Arc<flights::Flights<ChannelId>>,
    mail_flights: Arc<flights::Flights<MailAccountId>>,
    pulses: Option<Arc<pulses::Pulses<ChannelId>>>,
    mail_pulses: Option<Arc<pulses::Pulses<mail_reads::MailPulseKey>>>,
    summaries: Option<Arc<summaries::Summaries>>,
}

impl<P: Ports> std::fmt::Debug for StatsService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatsService").field("policy", &self.policy).finish_non_exhaustive()
    }
}

impl<P: Ports> Clone for StatsService<P> {
    fn clone(&self) -> Self {
        Self {
            uow: self.uow.clone(),
            clock: self.clock.clone(),
            policy: self.policy.clone(),
            cpu: self.cpu.clone(),
            consumer: self.consumer.clone(),
            mail_consumer: self.mail_consumer.clone(),
            flights: self.flights.clone(),
            mail_flights: self.mail_flights.clone(),
            pulses: self.pulses.clone(),
            mail_pulses: self.mail_pulses.clone(),
            summaries: self.summaries.clone(),
        }
    }
}

impl<P: Ports> StatsService<P> {
    /// The service over its adapters and policy, running the analytics' parallel parts on
    /// `parallelism`: one pool for the process (a `rayon::ThreadPool`), or
    /// [`Sequential`](switchboard_domain::analytics::Sequential) to keep each computation on
    /// its own thread.
    pub fn new(
        uow: P::Uow,
        clock: P::Clock,
        policy: StatsPolicy,
        parallelism: Arc<dyn Parallelism + Send + Sync>,
    ) -> Self {
        let policy = Arc::new(policy);
        let cpu = Arc::new(compute::Cpu::new(policy.max_concurrent, parallelism));
        let consumer =
            Arc::new(ChannelStatsConsumer::new(clock.clone(), policy.clone(), cpu.clone()));
        let mail_consumer = Arc::new(MailStatsConsumer::new(clock.clone(), policy.clone()));
        let pulses = pulses::Pulses::new(policy.pulse_cache).map(Arc::new);
        let mail_pulses = pulses::Pulses::new(policy.pulse_cache).map(Arc::new);
        let summaries = summaries::Summaries::new(policy.summary_cache).map(Arc::new);
        Self {
            uow,
            clock,
            policy,
            cpu,
            consumer,
            mail_consumer,
            flights: Arc::default(),
            mail_flights: Arc::default(),
            pulses,
            mail_pulses,
            summaries,
        }
    }

    /// The same service (its policy, its limit on concurrent computations, its
    /// one-computation-per-channel guard, its pulses and its consumer) reaching the store through `uow`:
    /// each server worker reads through its own connections while the guards stay shared.
    #[must_use]
    pub fn with_uow(&self, uow: P::Uow) -> Self {
        Self { uow, ..self.clone() }
    }

    /// The event consumer that recomputes channels which received posts.
    pub fn consumer(&self) -> Arc<ChannelStatsConsumer<P>> {
        self.consumer.clone()
    }

    /// The event consumer that recomputes mail accounts' top senders.
    pub fn mail_consumer(&self) -> Arc<MailStatsConsumer<P>> {
        self.mail_consumer.clone()
    }
}
