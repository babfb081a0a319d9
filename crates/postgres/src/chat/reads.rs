//! Reading posts as clients do: keyset pages of a channel's live posts and a post with its
//! thread. Each page is one statement walking an index of `chat_posts_reads` from its cursor
//! (plus one for a nested page's thread activity); the channel's owner is checked in the same
//! statement by an uncorrelated `EXISTS`, which PostgreSQL runs once, before the walk.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::dsl::{exists, not};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::chat_posts::{
    NESTED_REPLIES, PostKey, PostListing, PostQuery, PostSummary, PostThread, SUMMARY_CHARS,
    StoredPost, ThreadActivity, summary_text,
};
use switchboard_domain::chat_sources::ChannelId;
use switchboard_ports::StoreError;

use super::post_sql::{
    self, ActivityRow, Before, ExternalIdBytes, FoundPosts, InDay, Matches, OlderThanEdge, POSTS,
    PostedUnindexed, left,
};
use crate::PgTx;
use crate::error::store_error;
use crate::page_plan::{LimitRows, begin_generic_plan, end_generic_plan, page_rows, unplanned};
use crate::schema::{chat_channels, chat_posts};
use crate::search_steps::{SearchPage, SearchSteps};

/// One character past the summary: enough to tell that the text goes on.
const READ_CHARS: i32 = SUMMARY_CHARS as i32 + 1;

type SummaryRow =
    (String, String, Option<String>, String, DateTime<Utc>, Option<DateTime<Utc>>, Option<String>);

type PostRow = SummaryRow;

/// The SQL types of [`SummaryRow`].
type SummarySql =
    (Text, Text, Nullable<Text>, Text, Timestamptz, Nullable<Timestamptz>, Nullable<Text>);

fn summary(channel: ChannelId, row: SummaryRow) -> PostSummary {
    let (external_id, author_id, author_name, text, posted_at, edited_at, thread_root) = row;
    let (text, truncated) = summary_text(text);
    PostSummary {
        channel,
        external_id,
        author_id,
        author_name,
        text,
        truncated,
        posted_at,
        edited_at,
        thread_root,
        thread: None,
    }
}

fn post(channel: ChannelId, row: PostRow) -> StoredPost {
    let (external_id, author_id, author_name, text, posted_at, edited_at, thread_root) = row;
    StoredPost {
        channel,
        external_id,
        author_id,
        author_name,
        text,
        posted_at,
        edited_at,
        thread_root,
    }
}

pub(super) async fn page(
    tx: &mut PgTx,
    owner: UserId,
    query: &PostQuery,
) -> Result<PostListing, StoreError> {
    let fetch = page_rows(query.limit);
    let rows: Vec<SummaryRow> = match &query.q {
        None => LimitRows {
            query: scoped(summary_select(), owner, query)
                .order((chat_posts::posted_at.desc(), ExternalIdBytes.desc())),
            rows: fetch,
        }
        .load(tx.conn())
        .await
        .map_err(store_error)?,
        Some(q) => {
            let keys =
                || chat_posts::table.select((chat_posts::posted_at, chat_posts::external_id));
            let newest = (chat_posts::posted_at.desc(), ExternalIdBytes.desc());
            let statement = SearchPage {
                steps: SearchSteps {
                    table: &POSTS,
                    scope: query.channel.as_uuid(),
                    recent: scoped(
                        chat_posts::table
                            .select((
                                chat_posts::posted_at,
                                chat_posts::external_id,
                                Matches(q.clone()),
                            ))
                            .into_boxed(),
                        owner,
                        query,
                    )
                    .order(newest),
                    older: scoped(keys().into_boxed(), owner, query)
                        .filter(InDay)
                        .filter(Matches(q.clone()))
                        .filter(OlderThanEdge)
                        .order((PostedUnindexed.desc(), ExternalIdBytes.desc())),
                    window: SEARCH_WINDOW,
                    fetch,
                },
                page: FoundPosts {
                    channel: query.channel.as_uuid(),
                    chars: READ_CHARS,
                    rows: fetch,
                },
            };
            begin_generic_plan(tx.conn()).await.map_err(store_error)?;
            let rows = statement.load(tx.conn()).await;
            end_generic_plan(tx.conn(), rows).await.map_err(store_error)?
        }
    };
    let found = rows.into_iter().map(|r| summary(query.channel, r)).collect();
    let mut listing = PostListing::from_fetched(found, query.limit);
    if query.top_level_only() {
        with_activity(tx, query.channel, &mut listing.posts).await?;
    }
    Ok(listing)
}

/// Posts a search walks newest first, testing their words, before it reads the older matches
/// from the word index day by day ([`SearchPage`]). A word in a tenth of the posts fills a
/// page within it, rarer ones pay for the walk: longer, rare words cost more; shorter, a word
/// in 12 % of a busy channel's posts reads a whole day of matches (4,000 a day in a channel of
/// 33,000 posts a day) where the walk finds its page.
const SEARCH_WINDOW: i64 = 500;

/// A page's columns: the summary of each post.
fn summary_select<'a>() -> chat_posts::BoxedQuery<'a, Pg, SummarySql> {
    chat_posts::table
        .select((
            chat_posts::external_id,
            chat_posts::author_id,
            chat_posts::author_name,
            left(chat_posts::text, READ_CHARS),
            chat_posts::posted_at,
            chat_posts::edited_at,
            chat_posts::thread_root,
        ))
        .into_boxed()
}

/// `select` narrowed to the page's scope: `owner`'s channel, its live posts, the query's time
/// bounds, author, thread and cursor (not its words).
fn scoped<'a, ST: 'static>(
    select: chat_posts::BoxedQuery<'a, Pg, ST>,
    owner: UserId,
    query: &PostQuery,
) -> chat_posts::BoxedQuery<'a, Pg, ST> {
    let channel = query.channel.as_uuid();
    let owned = chat_channels::table
        .filter(chat_channels::id.eq(channel))
        .filter(chat_channels::owner_id.eq(owner.as_uuid()));
    // The channel and the filters' values as subqueries, so no plan knows them and
    // PostgreSQL keeps the page's generic plan (see `page_plan.rs`): bound directly, a page
    // filtered by author or time was planned again at every request, the custom plan knowing
    // the channel holds most of the table.
    let mut select = select
        .filter(chat_posts::channel_id.eq(unplanned::<SqlUuid, _>(channel)))
        .filter(not(chat_posts::deleted))
        .filter(exists(owned));
    if let Some(since) = query.since {
        select = select.filter(chat_posts::posted_at.ge(unplanned::<Timestamptz, _>(since)));
    }
    if let Some(until) = query.until {
        select = select.filter(chat_posts::posted_at.lt(unplanned::<Timestamptz, _>(until)));
    }
    if let Some(author) = &query.author {
        select = select.filter(chat_posts::author_id.eq(unplanned::<Text, _>(author.clone())));
    }
    if let Some(thread) = &query.thread {
        let root = unplanned::<Nullable<Text>, _>(Some(thread.clone()));
        select = select.filter(chat_posts::thread_root.eq(root));
    } else if query.top_level_only() {
        select = select.filter(chat_posts::thread_root.is_null());
    }
    if let Some(after) = &query.after {
        select = select
            .filter(Before { posted_at: after.posted_at, external_id: after.external_id.clone() });
    }
    select
}

/// Sets the thread activity of each of `posts` that has live replies.
async fn with_activity(
    tx: &mut PgTx,
    channel: ChannelId,
    posts: &mut [PostSummary],
) -> Result<(), StoreError> {
    if posts.is_empty() {
        return Ok(());
    }
    let statement = post_sql::ThreadActivity {
        channel: channel.as_uuid(),
        roots: posts.iter().map(|p| p.external_id.clone()).collect(),
        replies: NESTED_REPLIES as i64,
        chars: READ_CHARS,
    };
    let rows: Vec<ActivityRow> = statement.load(tx.conn()).await.map_err(store_error)?;
    let mut activity: HashMap<String, ThreadActivity> = HashMap::new();
    for (root, replies, latest, external_id, author_id, author_name, text, posted_at, edited_at) in
        rows
    {
        let reply = summary(
            channel,
            (external_id, author_id, author_name, text, posted_at, edited_at, Some(root.clone())),
        );
        activity
            .entry(root)
            .or_insert_with(|| ThreadActivity {
                replies: u32::try_from(replies).unwrap_or(u32::MAX),
                latest_reply_at: latest,
                latest: Vec::with_capacity(NESTED_REPLIES),
            })
            .latest
            .push(reply);
    }
    for post in posts {
        post.thread = activity.remove(&post.external_id);
    }
    Ok(())
}

/// The live post `external_id` of `owner`'s `channel`, in full.
async fn live_post(
    tx: &mut PgTx,
    owner: UserId,
    channel: ChannelId,
    external_id: &str,
) -> Result<Option<StoredPost>, StoreError> {
    let owned = chat_channels::table
        .filter(chat_channels::id.eq(channel.as_uuid()))
        .filter(chat_channels::owner_id.eq(owner.as_uuid()));
    let row: Option<PostRow> = chat_posts::table
        .filter(chat_posts::channel_id.eq(channel.as_uuid()))
        .filter(chat_posts::external_id.eq(external_id))
        .filter(not(chat_posts::deleted))
        .filter(exists(owned))
        .select((
            chat_posts::external_id,
            chat_posts::author_id,
            chat_posts::author_name,
            chat_posts::text,
            chat_posts::posted_at,
            chat_posts::edited_at,
            chat_posts::thread_root,
        ))
        .first(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    Ok(row.map(|r| post(channel, r)))
}

pub(super) async fn thread(
    tx: &mut PgTx,
    owner: UserId,
    key: &PostKey,
    replies: u32,
) -> Result<Option<PostThread>, StoreError> {
    let Some(found) = live_post(tx, owner, key.channel, &key.external_id).await? else {
        return Ok(None);
    };
    let root = match &found.thread_root {
        Some(root) => live_post(tx, owner, key.channel, root).await?,
        None => None,
    };
    let thread_id = found.thread_id().to_owned();
    let reply_count: i64 = chat_posts::table
        .filter(chat_posts::channel_id.eq(key.channel.as_uuid()))
        .filter(chat_posts::thread_root.eq(&thread_id))
        .filter(not(chat_posts::deleted))
        .count()
        .get_result(tx.conn())
        .await
        .map_err(store_error)?;
    let query = PostQuery { thread: Some(thread_id), ..PostQuery::of(key.channel, replies) };
    let replies = page(tx, owner, &query).await?;
    Ok(Some(PostThread {
        post: found,
        root,
        reply_count: u32::try_from(reply_count).unwrap_or(u32::MAX),
        replies,
    }))
}
