#![doc = include_str!("../README.md")]

pub mod events;
pub mod health;
pub mod jobs;

pub use events::{EventConsumer, catch_up, run_consumer_once};
pub use health::HealthService;
