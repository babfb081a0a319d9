//! The fake Google: OAuth 2.0 for web server apps under `/google/oauth`
//! (<https://developers.google.com/identity/protocols/oauth2/web-server>) and the Gmail API v1
//! under `/google/gmail/v1/users/{userId}/…`
//! (<https://developers.google.com/workspace/gmail/api/reference/rest>), over deterministic
//! mailboxes generated like the Microsoft ones.

pub(crate) mod admin;
pub(crate) mod control;
pub(crate) mod gmail;
pub(crate) mod oauth;

use actix_web::web;

use gmail::model::GmailBox;
use oauth::GoogleAuth;

/// Everything Google: the OAuth server's state, the mailboxes, the injected faults.
#[derive(Debug)]
pub(crate) struct Google {
    pub auth: GoogleAuth,
    pub mailboxes: Vec<GmailBox>,
    /// The next `.0` Gmail requests answer 403 `userRateLimitExceeded` with `Retry-After: .1`.
    pub user_rate_limit: (u32, u64),
    /// Readings of messages with bodies so far: each one hands out attachment ids of its own.
    pub readings: u64,
}

impl Google {
    pub(crate) fn new(seed: u64, mailboxes: Vec<GmailBox>) -> Self {
        Self { auth: GoogleAuth::new(seed), mailboxes, user_rate_limit: (0, 0), readings: 0 }
    }

    /// The mailbox whose address (case-insensitive) is `key`; the demo one for an empty key.
    pub(crate) fn mailbox_index(&self, key: &str) -> Option<usize> {
        if key.is_empty() {
            return Some(0);
        }
        self.mailboxes.iter().position(|m| m.address.eq_ignore_ascii_case(key))
    }
}

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    oauth::routes(cfg);
    gmail::routes(cfg);
}
