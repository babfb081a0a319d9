//! The list pages served lately, each kept with the version of what it lists.
//!
//! A page of a channel's posts (or a post with its thread) changes only when the channel's
//! posts are written, and a page of a mail account's messages or threads only when something
//! of the account's mail is: the store raises a version in every transaction that writes them
//! (see
//! [`ChatStatsStore::channel_posts_version`] and [`MailStore::mail_version`]). A request reads
//! that version (one indexed read, which also checks the owner) and serves the page kept for
//! the same query at the same version, instead of walking an index and reading the page's rows
//! again. Clients refreshing an inbox or a channel ask for the same first pages over and over;
//! those are the pages kept.
//!
//! The version is read before the page: a page is kept under a version at least as old as its
//! rows, never newer, so once a write commits and raises the version, no page read before it
//! is served again.
//!
//! The pages are weighed by the memory they hold (estimated), and the least used go first when
//! the budget is spent.
//!
//! [`ChatStatsStore::channel_posts_version`]: switchboard_ports::ChatStatsStore::channel_posts_version
//! [`MailStore::mail_version`]: switchboard_ports::MailStore::mail_version

use std::hash::Hash;
use std::mem::size_of;
use std::sync::Arc;

use quick_cache::Weighter;
use quick_cache::sync::Cache;
use switchboard_domain::chat_posts::{PostListing, PostSummary, PostThread, StoredPost};
use switchboard_domain::mail::{MailAddress, MessagePage, MessageSummary, ThreadPage};

/// What a kept page holds in memory, estimated: its items and their text. Cheap to compute,
/// computed once when the page is kept.
pub trait Footprint {
    /// Bytes, about.
    fn footprint(&self) -> u64;
}

/// A page and the version of what it shows that was read before it (see the module's
/// documentation). The same query at the same version answers the same page, so a caller may
/// keep what it makes of a page (an encoded answer) under the version and use that again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<T> {
    /// The version, when pages are kept (`None` otherwise: none was read).
    pub version: Option<u64>,
    /// The page, shared with the kept copy.
    pub page: Arc<T>,
}

#[derive(Debug)]
struct Kept<V> {
    version: u64,
    bytes: u64,
    page: V,
}

#[derive(Debug, Clone, Copy)]
struct ByFootprint;

impl<K, V> Weighter<K, Arc<Kept<V>>> for ByFootprint {
    fn weight(&self, _key: &K, kept: &Arc<Kept<V>>) -> u64 {
        kept.bytes
    }
}

/// Pages by their query (`K`, which names the channel or account listed), within `budget`
/// bytes of memory.
#[derive(Debug)]
pub struct KeptPages<K, V> {
    kept: Cache<K, Arc<Kept<V>>, ByFootprint>,
}

/// A page assumed for sizing the cache's index: a first page of 50 short items.
const TYPICAL_PAGE_BYTES: u64 = 32 * 1024;

impl<K: Eq + Hash + Clone, V: Clone + Footprint> KeptPages<K, V> {
    /// `None` when `budget` is 0: no page is kept.
    #[must_use]
    pub fn new(budget: u64) -> Option<Self> {
        let items = usize::try_from((budget / TYPICAL_PAGE_BYTES).max(16)).unwrap_or(usize::MAX);
        (budget > 0).then(|| Self { kept: Cache::with_weighter(items, budget, ByFootprint) })
    }

    /// The page kept for `query` at `version`, if any.
    #[must_use]
    pub fn get(&self, query: &K, version: u64) -> Option<V> {
        let kept = self.kept.get(query)?;
        (kept.version == version).then(|| kept.page.clone())
    }

    /// Keeps `page`, read after `version` was.
    pub fn put(&self, query: K, version: u64, page: V) {
        let bytes = page.footprint().saturating_add(size_of::<(K, Kept<V>)>() as u64);
        self.kept.insert(query, Arc::new(Kept { version, bytes, page }));
    }
}

fn text(s: &str) -> u64 {
    s.len() as u64
}

fn address(a: &MailAddress) -> u64 {
    size_of::<MailAddress>() as u64 + a.name.as_deref().map_or(0, text) + text(&a.address)
}

fn post(p: &PostSummary) -> u64 {
    let thread = p.thread.as_ref().map_or(0, |t| t.latest.iter().map(post).sum::<u64>());
    size_of::<PostSummary>() as u64
        + text(&p.external_id)
        + text(&p.author_id)
        + p.author_name.as_deref().map_or(0, text)
        + text(&p.text)
        + p.thread_root.as_deref().map_or(0, text)
        + thread
}

impl Footprint for PostListing {
    fn footprint(&self) -> u64 {
        self.posts.iter().map(post).sum::<u64>()
            + self.next.as_ref().map_or(0, |c| text(&c.external_id))
    }
}

fn stored_post(p: &StoredPost) -> u64 {
    size_of::<StoredPost>() as u64
        + text(&p.external_id)
        + text(&p.author_id)
        + p.author_name.as_deref().map_or(0, text)
        + text(&p.text)
        + p.thread_root.as_deref().map_or(0, text)
}

impl Footprint for PostThread {
    fn footprint(&self) -> u64 {
        stored_post(&self.post)
            + self.root.as_ref().map_or(0, stored_post)
            + self.replies.footprint()
    }
}

fn message(m: &MessageSummary) -> u64 {
    size_of::<MessageSummary>() as u64
        + text(&m.thread_key)
        + (m.folder_ids.len() * size_of::<switchboard_domain::mail::MailFolderId>()) as u64
        + text(&m.subject)
        + m.from.as_ref().map_or(0, address)
        + text(&m.snippet)
}

impl Footprint for MessagePage {
    fn footprint(&self) -> u64 {
        self.messages.iter().map(message).sum()
    }
}

impl Footprint for ThreadPage {
    fn footprint(&self) -> u64 {
        let thread = |t: &switchboard_domain::mail::ThreadSummary| {
            size_of::<switchboard_domain::mail::ThreadSummary>() as u64
                + text(&t.thread_key)
                + text(&t.subject)
                + text(&t.snippet)
                + t.senders.iter().map(address).sum::<u64>()
        };
        self.threads.iter().map(thread).sum::<u64>()
            + self.next.as_ref().map_or(0, |c| text(&c.thread_key))
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::expect_used, reason = "tests")]

    use chrono::DateTime;
    use switchboard_domain::chat_posts::{PostListing, PostSummary};
    use switchboard_domain::chat_sources::ChannelId;

    use super::*;

    fn listing(channel: ChannelId, text: &str) -> PostListing {
        let post = PostSummary {
            channel,
            external_id: "1".into(),
            author_id: "U1".into(),
            author_name: None,
            text: text.into(),
            truncated: false,
            posted_at: DateTime::from_timestamp(1_700_000_000, 0).expect("a time"),
            edited_at: None,
            thread_root: None,
            thread: None,
        };
        PostListing { posts: vec![post], next: None }
    }

    #[test]
    fn a_page_is_served_again_only_at_the_same_version() {
        let pages = KeptPages::new(1 << 20).expect("a cache");
        let (channel, other) = (ChannelId::new(), ChannelId::new());
        let page = listing(channel, "hello");
        assert_eq!(pages.get(&(channel, 50), 3), None);

        pages.put((channel, 50), 3, page.clone());
        assert_eq!(pages.get(&(channel, 50), 3), Some(page.clone()));
        assert_eq!(pages.get(&(channel, 50), 4), None, "posts written since");
        assert_eq!(pages.get(&(channel, 20), 3), None, "another query");
        assert_eq!(pages.get(&(other, 50), 3), None, "another channel");
        let edited = listing(channel, "hello, edited");
        pages.put((channel, 50), 4, edited.clone());
        assert_eq!(pages.get(&(channel, 50), 4), Some(edited), "replaced");
    }

    #[test]
    fn the_pages_kept_stay_within_the_budget() {
        let budget = 64 * 1024;
        let pages = KeptPages::new(budget).expect("a cache");
        let channel = ChannelId::new();
        let page = listing(channel, &"x".repeat(4096));
        for limit in 0..200_u32 {
            pages.put((channel, limit), 1, page.clone());
        }
        let kept = (0..200_u32).filter(|l| pages.get(&(channel, *l), 1).is_some()).count();
        assert!(kept > 0, "recent pages are kept");
        assert!(kept as u64 * page.footprint() <= budget, "{kept} pages of 4 KiB in 64 KiB");
    }

    #[test]
    fn no_budget_keeps_nothing() {
        assert!(KeptPages::<ChannelId, PostListing>::new(0).is_none());
    }
}
