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

/// A kind of page kept as a [`Page`].
pub(super) trait KeptPage: Sized {
    /// The kept page holding `page`.
    fn keep(page: Arc<Self>) -> Page;
    /// The page of this kind a kept page holds, if it is one.
    fn kept(page: Page) -> Option<Arc<Self>>;
}

impl KeptPage for MessagePage {
    fn keep(page: Arc<Self>) -> Page {
        Page::Messages(page)
    }

    fn kept(page: Page) -> Option<Arc<Self>> {
        match page {
            Page::Messages(page) => Some(page),
            Page::Threads(_) => None,
        }
    }
}

impl KeptPage for ThreadPage {
    fn keep(page: Arc<Self>) -> Page {
        Page::Threads(page)
    }

    fn kept(page: Page) -> Option<Arc<Self>> {
        match page {
            Page::Threads(page) => Some(page),
            Page::Messages(_) => None,
        }
    }
}

/// The pages of every account, within one memory budget.
pub(super) type Pages = KeptPages<PageQuery, Page>;
