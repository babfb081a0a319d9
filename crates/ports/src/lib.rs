#![doc = include_str!("../README.md")]

pub mod readiness;

pub use readiness::ReadinessProbe;
