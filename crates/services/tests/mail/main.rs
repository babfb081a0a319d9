//! Mail use cases over the in-memory adapters.

mod detection;
