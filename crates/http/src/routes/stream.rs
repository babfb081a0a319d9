//! The live event stream (Server-Sent Events) and its tickets.

pub mod open;
pub mod sse;
pub mod ticket;
