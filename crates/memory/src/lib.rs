#![doc = include_str!("../README.md")]

pub mod readiness;
mod reads;
pub mod unit_of_work;

pub use readiness::StaticReadiness;
pub use unit_of_work::{MemoryState, MemoryStore, MemoryTx};

/// The in-memory adapters as one [`switchboard_ports::Ports`] bundle.
#[derive(Debug, Clone, Copy)]
pub struct MemoryPorts;

impl switchboard_ports::Ports for MemoryPorts {
    type Readiness = StaticReadiness;
    type Uow = MemoryStore;
    type Events = MemoryStore;
    type Jobs = MemoryStore;
}
