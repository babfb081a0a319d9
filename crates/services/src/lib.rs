#![doc = include_str!("../README.md")]

pub mod health;

pub use health::HealthService;
