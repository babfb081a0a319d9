#![doc = include_str!("../README.md")]

pub mod analytics;
pub mod chat;
pub mod chat_attachments;
pub mod chat_events;
pub mod chat_posts;
pub mod chat_sources;
pub mod chat_stats;
pub mod events;
pub mod health;
pub mod identity;
pub mod ids;
pub mod jobs;
pub mod mail;
pub mod mail_stats;
pub mod notifications;
pub mod service_info;
pub mod webhooks;

pub use events::{Change, Event, EventPosition, InvalidCursor, NewEvent};
pub use health::{CheckOutcome, ComponentCheck, Readiness};
pub use ids::UserId;
pub use jobs::{Backoff, JobState};
pub use service_info::ServiceInfo;
