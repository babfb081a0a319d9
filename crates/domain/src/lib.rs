#![doc = include_str!("../README.md")]

pub mod analytics;
pub mod health;
pub mod service_info;

pub use health::{CheckOutcome, ComponentCheck, Readiness};
pub use service_info::ServiceInfo;
