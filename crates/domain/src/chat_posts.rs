//! Stored chat posts as clients read them: a channel's live posts newest first, page by page,
//! narrowed by time, author, thread or words, flat or nested under their thread roots; and one
//! post with its thread. Deleted posts are never listed.
//!
//! Pages are keyset pages: each ends with a [`PostCursor`] (the last post's time and provider
//! id), and the next page starts strictly after it, so posts arriving meanwhile neither repeat
//! nor hide older ones. Ties of time are broken by the provider id compared byte by byte.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::chat_sources::ChannelId;

/// How many characters of a post's text a page shows; the post itself shows all of it.
pub const SUMMARY_CHARS: usize = 300;

/// How many replies a page shows under each thread root, in nested pages.
pub const NESTED_REPLIES: usize = 3;

/// How many of its thread's latest replies a post comes with; the flat page of the thread
/// continues from there.
pub const THREAD_REPLIES: u32 = 50;

/// A stored post's identity: its channel and the provider's post id, unique within the
/// channel (the table's primary key, so finding a post by it is one index lookup).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PostKey {
    /// The stored channel.
    pub channel: ChannelId,
    /// The provider's post id (Slack: the message `ts`; Mattermost: the post id).
    pub external_id: String,
}

/// Whether a page lists replies among the other posts or under their thread roots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Threads {
    /// Every live post, replies included, newest first.
    #[default]
    Flat,
    /// Top-level posts only, newest first, each thread root with its live replies' count,
    /// its latest reply's time and its latest [`NESTED_REPLIES`] replies.
    Nested,
}

impl Threads {
    /// The mode's name in the API (`flat`, `nested`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Flat => "flat",
            Self::Nested => "nested",
        }
    }

    /// The mode named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Flat, Self::Nested].into_iter().find(|t| t.as_str() == name)
    }
}

/// Where the next page of posts starts: strictly after this post, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PostCursor {
    /// The last post's time.
    pub posted_at: DateTime<Utc>,
    /// The last post's provider id, breaking ties between posts of the same time.
    pub external_id: String,
}

impl PostCursor {
    /// The cursor just past `post`.
    pub fn after(post: &PostSummary) -> Self {
        Self { posted_at: post.posted_at, external_id: post.external_id.clone() }
    }

    /// Whether a post at `posted_at` with id `external_id` comes after this cursor, newest
    /// first: older, or as old with a smaller id (byte order).
    pub fn precedes(&self, posted_at: DateTime<Utc>, external_id: &str) -> bool {
        (posted_at, external_id.as_bytes()) < (self.posted_at, self.external_id.as_bytes())
    }
}

/// A page of one channel's live posts, newest first, narrowed by the filters set. Every
/// filter narrows the posts listed: in a nested page, top-level posts only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PostQuery {
    /// The channel (of the user asking: another user's channel yields nothing).
    pub channel: ChannelId,
    /// Only posts posted at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only posts posted before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only posts by this author (the provider's user id).
    pub author: Option<String>,
    /// Only the replies of the thread whose root has this provider id (a flat page).
    pub thread: Option<String>,
    /// Only posts whose text matches this search: every word of it, ignoring case (the
    /// PostgreSQL store also takes web-search syntax: `"a phrase"`, `or`, `-word`).
    pub q: Option<String>,
    /// Flat or nested.
    pub threads: Threads,
    /// Start after this cursor (the previous page's `next`).
    pub after: Option<PostCursor>,
    /// At most this many posts.
    pub limit: u32,
}

impl PostQuery {
    /// The first `limit` posts of `channel`, flat and unfiltered.
    pub fn of(channel: ChannelId, limit: u32) -> Self {
        Self {
            channel,
            since: None,
            until: None,
            author: None,
            thread: None,
            q: None,
            threads: Threads::Flat,
            after: None,
            limit,
        }
    }

    /// Whether the page lists top-level posts only.
    pub fn top_level_only(&self) -> bool {
        self.threads == Threads::Nested && self.thread.is_none()
    }
}

/// A post as a page shows it: its text cut to [`SUMMARY_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSummary {
    /// The stored channel.
    pub channel: ChannelId,
    /// The provider's post id.
    pub external_id: String,
    /// The author's provider user id (empty when the provider names none).
    pub author_id: String,
    /// The author's display name, when known.
    pub author_name: Option<String>,
    /// The text's first [`SUMMARY_CHARS`] characters.
    pub text: String,
    /// Whether the text goes on past them.
    pub truncated: bool,
    /// When it was posted.
    pub posted_at: DateTime<Utc>,
    /// When it was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// Its thread root's provider id, for a reply.
    pub thread_root: Option<String>,
    /// Its replies, for a thread root of a nested page; `None` otherwise (and for a root
    /// without live replies).
    pub thread: Option<ThreadActivity>,
}

impl PostSummary {
    /// The post's key.
    pub fn key(&self) -> PostKey {
        PostKey { channel: self.channel, external_id: self.external_id.clone() }
    }
}

/// A thread root's live replies, as a nested page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadActivity {
    /// How many live replies it has.
    pub replies: u32,
    /// When the latest was posted.
    pub latest_reply_at: DateTime<Utc>,
    /// The latest [`NESTED_REPLIES`] replies, newest first.
    pub latest: Vec<PostSummary>,
}

/// A text cut to [`SUMMARY_CHARS`] characters, and whether anything was cut. Stores may read
/// one character more than that and no further: that is enough to tell.
///
/// ```
/// use switchboard_domain::chat_posts::{SUMMARY_CHARS, summary_text};
///
/// assert_eq!(summary_text("short".to_owned()), ("short".to_owned(), false));
/// let long = "é".repeat(SUMMARY_CHARS + 1);
/// let (cut, truncated) = summary_text(long);
/// assert_eq!((cut.chars().count(), truncated), (SUMMARY_CHARS, true));
/// ```
pub fn summary_text(mut text: String) -> (String, bool) {
    match text.char_indices().nth(SUMMARY_CHARS) {
        Some((end, _)) => {
            text.truncate(end);
            (text, true)
        }
        None => (text, false),
    }
}

/// One page of posts and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostListing {
    /// The posts, newest first.
    pub posts: Vec<PostSummary>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<PostCursor>,
}

impl PostListing {
    /// The page of `found` (newest first), fetched with one post more than `limit` asked:
    /// that extra one only tells that a next page exists, which starts after the page's last.
    pub fn from_fetched(mut found: Vec<PostSummary>, limit: u32) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        if found.len() <= limit {
            return Self { posts: found, next: None };
        }
        found.truncate(limit);
        let next = found.last().map(PostCursor::after);
        Self { posts: found, next }
    }
}

/// A post in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPost {
    /// The stored channel.
    pub channel: ChannelId,
    /// The provider's post id.
    pub external_id: String,
    /// The author's provider user id (empty when the provider names none).
    pub author_id: String,
    /// The author's display name, when known.
    pub author_name: Option<String>,
    /// The whole text, as posted (provider markup left in).
    pub text: String,
    /// When it was posted.
    pub posted_at: DateTime<Utc>,
    /// When it was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// Its thread root's provider id, for a reply.
    pub thread_root: Option<String>,
}

impl StoredPost {
    /// The post's key.
    pub fn key(&self) -> PostKey {
        PostKey { channel: self.channel, external_id: self.external_id.clone() }
    }

    /// The provider id of the thread it belongs to: its root's, or its own for a top-level post.
    pub fn thread_id(&self) -> &str {
        self.thread_root.as_deref().unwrap_or(&self.external_id)
    }

    /// The post as a page shows it (no thread activity).
    pub fn summary(&self) -> PostSummary {
        let (text, truncated) = summary_text(self.text.clone());
        PostSummary {
            channel: self.channel,
            external_id: self.external_id.clone(),
            author_id: self.author_id.clone(),
            author_name: self.author_name.clone(),
            text,
            truncated,
            posted_at: self.posted_at,
            edited_at: self.edited_at,
            thread_root: self.thread_root.clone(),
            thread: None,
        }
    }
}

/// A live post with its thread: the root (when the post is a reply and its root is live) and
/// the thread's latest live replies, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostThread {
    /// The post asked for, in full.
    pub post: StoredPost,
    /// Its thread root, in full, when the post is a reply whose root is live.
    pub root: Option<StoredPost>,
    /// How many live replies the thread has.
    pub reply_count: u32,
    /// The thread's latest live replies (the post itself among them when it is one): the
    /// first page of the flat listing of the thread, with where its next page starts.
    pub replies: PostListing,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn summary(minute: u32, id: &str) -> PostSummary {
        StoredPost {
            channel: ChannelId::new(),
            external_id: id.to_owned(),
            author_id: "U1".into(),
            author_name: None,
            text: "hello".into(),
            posted_at: Utc.with_ymd_and_hms(2025, 3, 1, 12, minute, 0).single().unwrap_or_default(),
            edited_at: None,
            thread_root: None,
        }
        .summary()
    }

    #[test]
    fn a_page_keeps_limit_posts_and_a_cursor_only_when_more_were_found() {
        let found = vec![summary(3, "c"), summary(2, "b"), summary(1, "a")];
        let page = PostListing::from_fetched(found.clone(), 2);
        assert_eq!(page.posts, found[..2]);
        assert_eq!(page.next, Some(PostCursor::after(&found[1])));
        assert_eq!(PostListing::from_fetched(found[..2].to_vec(), 2).next, None);
    }

    #[test]
    fn a_cursor_orders_by_time_then_id_bytes_newest_first() {
        let cursor = PostCursor::after(&summary(2, "b"));
        let at = |m| summary(m, "x").posted_at;
        assert!(cursor.precedes(at(1), "z"), "older");
        assert!(cursor.precedes(at(2), "a"), "as old, smaller id");
        assert!(!cursor.precedes(at(2), "b"), "the cursor's own post");
        assert!(!cursor.precedes(at(2), "c"));
        assert!(!cursor.precedes(at(3), "a"), "newer");
        assert!(cursor.precedes(at(2), "B"), "bytes, not a locale: 'B' < 'b'");
    }

    #[test]
    fn thread_modes_round_trip_and_nested_lists_top_level_only_without_a_thread() {
        for mode in [Threads::Flat, Threads::Nested] {
            assert_eq!(Threads::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(Threads::parse("tree"), None);
        let mut query = PostQuery::of(ChannelId::new(), 10);
        assert!(!query.top_level_only());
        query.threads = Threads::Nested;
        assert!(query.top_level_only());
        query.thread = Some("root".into());
        assert!(!query.top_level_only(), "a thread's replies are never top-level");
    }
}
