//! The pages of messages and threads kept in memory, under their account's mail version (see
//! `crate::kept_pages`).

use std::sync::Arc;

use switchboard_domain::mail::{MessagePage, MessageQuery, ThreadPage, ThreadQuery};

use crate::kept_pages::{Footprint, KeptPages};

/// What a kept page answered: its query names the account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum PageQuery {
    /// A page of messages.
    Messages(MessageQuery),
    /// A page of threads.
    Threads(ThreadQuery),
}

/// A kept page, shared with the answers that serve it.
#[derive(Debug, Clone)]
pub(super) enum Page {
    /// Of messages.
    Messages(Arc<MessagePage>),
    /// Of threads.
    Threads(Arc<ThreadPage>),
}

impl Footprint for Page {
    fn footprint(&self) -> u64 {
        match self {
            Self::Messages(page) => page.footprint(),
            Self::Threads(page) => page.footprint(),
        }
    }
}

/// The pages of every account, within one memory budget.
pub(super) type Pages = KeptPages<PageQuery, Page>;
