//! Reading stored posts as clients do: pages of a channel and a post with its thread. Its
//! search (`q`) is the mail store's: every word of it, ignoring case, a whole word of the text,
//! where PostgreSQL runs a full-text search.

use std::collections::BTreeMap;

use switchboard_domain::UserId;
use switchboard_domain::chat::ChatPost;
use switchboard_domain::chat_posts::{
    NESTED_REPLIES, PostKey, PostListing, PostQuery, PostSummary, PostThread, StoredPost,
    ThreadActivity,
};
use switchboard_domain::chat_sources::ChannelId;

use crate::chat::ChatState;
use crate::words::has_words;

fn stored(channel: ChannelId, post: &ChatPost) -> StoredPost {
    StoredPost {
        channel,
        external_id: post.id.clone(),
        author_id: post.author_id.clone(),
        author_name: post.author_name.clone(),
        text: post.text.clone(),
        posted_at: post.posted_at,
        edited_at: post.edited_at,
        thread_root: post.thread_root.clone(),
    }
}

/// The posts of `owner`'s channel `channel`; `None` for another's or an unknown channel.
fn owned(
    chat: &ChatState,
    owner: UserId,
    channel: ChannelId,
) -> Option<&BTreeMap<String, ChatPost>> {
    chat.channels.get(&channel).filter(|c| c.owner_id == owner)?;
    static EMPTY: BTreeMap<String, ChatPost> = BTreeMap::new();
    Some(chat.posts.get(&channel).unwrap_or(&EMPTY))
}

/// Whether `post` is listed by `query`.
fn listed(post: &ChatPost, query: &PostQuery) -> bool {
    !post.deleted
        && query.after.as_ref().is_none_or(|c| c.precedes(post.posted_at, &post.id))
        && query.since.is_none_or(|s| post.posted_at >= s)
        && query.until.is_none_or(|u| post.posted_at < u)
        && query.author.as_ref().is_none_or(|a| *a == post.author_id)
        && query.thread.as_ref().is_none_or(|t| post.thread_root.as_ref() == Some(t))
        && (!query.top_level_only() || post.thread_root.is_none())
        && query.q.as_deref().is_none_or(|q| has_words([post.text.as_str()], q))
}

/// The live posts of `posts` that `keep` selects, newest first (then by id, descending).
fn newest_first(
    posts: &BTreeMap<String, ChatPost>,
    keep: impl Fn(&ChatPost) -> bool,
) -> Vec<&ChatPost> {
    let mut found: Vec<&ChatPost> = posts.values().filter(|p| keep(p)).collect();
    found.sort_by(|a, b| (b.posted_at, &b.id).cmp(&(a.posted_at, &a.id)));
    found
}

fn replies_of<'a>(posts: &'a BTreeMap<String, ChatPost>, root: &str) -> Vec<&'a ChatPost> {
    newest_first(posts, |p| !p.deleted && p.thread_root.as_deref() == Some(root))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(crate) fn page(chat: &ChatState, owner: UserId, query: &PostQuery) -> PostListing {
    let Some(posts) = owned(chat, owner, query.channel) else {
        return PostListing { posts: Vec::new(), next: None };
    };
    let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
    let found: Vec<PostSummary> = newest_first(posts, |p| listed(p, query))
        .into_iter()
        .take(limit.saturating_add(1))
        .map(|p| stored(query.channel, p).summary())
        .collect();
    let mut page = PostListing::from_fetched(found, query.limit);
    if query.top_level_only() {
        for post in &mut page.posts {
            let replies = replies_of(posts, &post.external_id);
            post.thread = replies.first().map(|latest| ThreadActivity {
                replies: count(replies.len()),
                latest_reply_at: latest.posted_at,
                latest: replies
                    .iter()
                    .take(NESTED_REPLIES)
                    .map(|r| stored(query.channel, r).summary())
                    .collect(),
            });
        }
    }
    page
}

pub(crate) fn thread(
    chat: &ChatState,
    owner: UserId,
    key: &PostKey,
    replies: u32,
) -> Option<PostThread> {
    let posts = owned(chat, owner, key.channel)?;
    let post = posts.get(&key.external_id).filter(|p| !p.deleted)?;
    let root = post.thread_root.as_ref().and_then(|r| posts.get(r)).filter(|r| !r.deleted);
    let post = stored(key.channel, post);
    let all = replies_of(posts, post.thread_id());
    let limit = usize::try_from(replies).unwrap_or(usize::MAX);
    let first: Vec<PostSummary> = all
        .iter()
        .take(limit.saturating_add(1))
        .map(|r| stored(key.channel, r).summary())
        .collect();
    Some(PostThread {
        root: root.map(|r| stored(key.channel, r)),
        reply_count: count(all.len()),
        replies: PostListing::from_fetched(first, replies),
        post,
    })
}
