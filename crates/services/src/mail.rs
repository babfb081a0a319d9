//! Mail use cases: linking mailboxes at Microsoft and Google and reading them on their owners'
//! behalf. The first of them places an address at its provider.

mod detection;

pub use detection::{DetectError, detect_provider};
