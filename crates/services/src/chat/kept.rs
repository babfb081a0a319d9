//! The pages of posts and the posts with their threads kept in memory, under their channel's
//! post version (see `crate::kept_pages`).

use switchboard_domain::chat_posts::{PostKey, PostListing, PostQuery, PostThread};

use crate::kept_pages::{Footprint, KeptPages};

/// What a kept answer answered: its query names the channel.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum ReadQuery {
    /// A page of a channel's posts.
    Posts(PostQuery),
    /// One post with its thread.
    Post(PostKey),
}

/// A kept answer.
#[derive(Debug, Clone)]
pub(super) enum Read {
    /// A page of posts.
    Posts(PostListing),
    /// A post with its thread (boxed: six times a page's size).
    Post(Box<PostThread>),
}

impl Footprint for Read {
    fn footprint(&self) -> u64 {
        match self {
            Self::Posts(listing) => listing.footprint(),
            Self::Post(thread) => thread.footprint(),
        }
    }
}

/// The answers of every channel, within one memory budget.
pub(super) type Reads = KeptPages<ReadQuery, Read>;
