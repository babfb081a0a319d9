//! Posts: batched upserts and reconciliation.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz, Uuid};
use diesel_async::RunQueryDsl;
use switchboard_domain::chat::{ChatPost, ThreadSummary};
use switchboard_domain::chat_sources::ChannelId;
use switchboard_ports::StoreError;

use crate::PgTx;
use crate::error::store_error;
use crate::schema::{chat_channels, chat_post_versions, chat_posts};

/// Rows per statement; the arrays are parameters, so this bounds memory, not parameters.
const BATCH: usize = 5_000;

const UPSERT: &str = "
INSERT INTO chat_posts
    (channel_id, external_id, author_id, author_name, text, posted_at, edited_at, deleted,
     thread_root, kind)
SELECT $1, u.external_id, u.author_id,
       -- A post that comes without its author's name (a pushed event) keeps the one stored,
       -- else takes the name of the author's latest named post in the channel (through the
       -- `chat_posts_live_author` index).
       COALESCE(u.author_name,
                (SELECT s.author_name FROM chat_posts s
                  WHERE s.channel_id = $1 AND s.external_id = u.external_id),
                (SELECT p.author_name FROM chat_posts p
                  WHERE p.channel_id = $1 AND p.author_id = u.author_id AND NOT p.deleted
                    AND p.author_name IS NOT NULL
                  ORDER BY p.posted_at DESC LIMIT 1)),
       u.text, u.posted_at, u.edited_at, u.deleted, u.thread_root, u.kind
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
              $7::timestamptz[], $8::boolean[], $9::text[], $10::text[])
       AS u(external_id, author_id, author_name, text, posted_at, edited_at, deleted,
            thread_root, kind)
ON CONFLICT (channel_id, external_id) DO UPDATE SET
    author_id = EXCLUDED.author_id,
    author_name = COALESCE(EXCLUDED.author_name, chat_posts.author_name),
    text = EXCLUDED.text,
    posted_at = EXCLUDED.posted_at,
    edited_at = EXCLUDED.edited_at,
    deleted = EXCLUDED.deleted,
    thread_root = EXCLUDED.thread_root,
    kind = EXCLUDED.kind,
    updated_at = now()
WHERE (chat_posts.author_id, chat_posts.author_name, chat_posts.text, chat_posts.posted_at,
       chat_posts.edited_at, chat_posts.deleted, chat_posts.thread_root, chat_posts.kind)
      IS DISTINCT FROM
      (EXCLUDED.author_id, COALESCE(EXCLUDED.author_name, chat_posts.author_name),
       EXCLUDED.text, EXCLUDED.posted_at, EXCLUDED.edited_at, EXCLUDED.deleted,
       EXCLUDED.thread_root, EXCLUDED.kind)
  -- Never an older copy over a newer edit; a deletion always (ChatPost::is_older_than).
  AND NOT (NOT EXCLUDED.deleted AND chat_posts.edited_at IS NOT NULL
           AND (EXCLUDED.edited_at IS NULL OR EXCLUDED.edited_at < chat_posts.edited_at))";

/// Takes the channel's turn to write its posts, until the transaction ends: its row of
/// `chat_post_versions` (which the triggers raise) locked first. Two transactions writing one
/// channel would otherwise lock its posts (in no particular order), its hours and that counter
/// in different orders across their statements, and could deadlock.
async fn take_turn(tx: &mut PgTx, channel: ChannelId) -> Result<(), StoreError> {
    chat_post_versions::table
        .filter(chat_post_versions::channel_id.eq(channel.as_uuid()))
        .select(chat_post_versions::version)
        .for_update()
        .first::<i64>(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    Ok(())
}

pub(super) async fn upsert(
    tx: &mut PgTx,
    channel: ChannelId,
    posts: &[ChatPost],
) -> Result<u64, StoreError> {
    if posts.is_empty() {
        return Ok(0);
    }
    take_turn(tx, channel).await?;
    // One statement may not touch a row twice: the last copy of a post wins.
    let mut latest: HashMap<&str, &ChatPost> = HashMap::with_capacity(posts.len());
    for post in posts {
        latest.insert(post.id.as_str(), post);
    }
    let unique: Vec<&ChatPost> = latest.into_values().collect();
    let mut written = 0;
    for chunk in unique.chunks(BATCH) {
        let count = diesel::sql_query(UPSERT)
            .bind::<Uuid, _>(channel.as_uuid())
            .bind::<Array<Text>, _>(chunk.iter().map(|p| p.id.as_str()).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(chunk.iter().map(|p| p.author_id.as_str()).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(
                chunk.iter().map(|p| p.author_name.as_deref()).collect::<Vec<_>>(),
            )
            .bind::<Array<Text>, _>(chunk.iter().map(|p| p.text.as_str()).collect::<Vec<_>>())
            .bind::<Array<Timestamptz>, _>(chunk.iter().map(|p| p.posted_at).collect::<Vec<_>>())
            .bind::<Array<Nullable<Timestamptz>>, _>(
                chunk.iter().map(|p| p.edited_at).collect::<Vec<_>>(),
            )
            .bind::<Array<Bool>, _>(chunk.iter().map(|p| p.deleted).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(
                chunk.iter().map(|p| p.thread_root.as_deref()).collect::<Vec<_>>(),
            )
            .bind::<Array<Text>, _>(chunk.iter().map(|p| p.kind.as_str()).collect::<Vec<_>>())
            .execute(tx.conn())
            .await
            .map_err(store_error)?;
        written += count as u64;
    }
    Ok(written)
}

pub(super) async fn retire(
    tx: &mut PgTx,
    channel: ChannelId,
    since: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
    keep: &[String],
) -> Result<u64, StoreError> {
    take_turn(tx, channel).await?;
    // Top-level posts and replies of listed threads; then the replies of deleted roots.
    let mut retired = 0;
    for statement in [
        "UPDATE chat_posts SET deleted = true, updated_at = now()
         WHERE channel_id = $1 AND NOT deleted
           AND ($2::timestamptz IS NULL OR posted_at >= $2)
           AND ($4::timestamptz IS NULL OR posted_at < $4)
           AND NOT (external_id = ANY($3))
           AND (thread_root IS NULL OR thread_root = ANY($3))",
        "UPDATE chat_posts r SET deleted = true, updated_at = now()
         WHERE r.channel_id = $1 AND NOT r.deleted
           AND ($2::timestamptz IS NULL OR r.posted_at >= $2)
           AND ($4::timestamptz IS NULL OR r.posted_at < $4)
           AND NOT (r.external_id = ANY($3))
           AND EXISTS (SELECT 1 FROM chat_posts root
                        WHERE root.channel_id = $1 AND root.external_id = r.thread_root
                          AND root.deleted)",
    ] {
        retired += diesel::sql_query(statement)
            .bind::<Uuid, _>(channel.as_uuid())
            .bind::<Nullable<Timestamptz>, _>(since)
            .bind::<Array<Text>, _>(keep)
            .bind::<Nullable<Timestamptz>, _>(before)
            .execute(tx.conn())
            .await
            .map_err(store_error)? as u64;
    }
    Ok(retired)
}

pub(super) async fn retire_top_level(
    tx: &mut PgTx,
    channel: ChannelId,
    since: DateTime<Utc>,
    before: DateTime<Utc>,
    keep: &[String],
) -> Result<u64, StoreError> {
    take_turn(tx, channel).await?;
    let mut retired = 0;
    // Top-level posts the listing no longer shows; then the replies of deleted roots it does
    // not show either (a root listed as a tombstone keeps its replies).
    for statement in [
        "UPDATE chat_posts SET deleted = true, updated_at = now()
         WHERE channel_id = $1 AND NOT deleted AND thread_root IS NULL
           AND posted_at >= $2 AND posted_at < $4 AND NOT (external_id = ANY($3))",
        "UPDATE chat_posts r SET deleted = true, updated_at = now()
         WHERE r.channel_id = $1 AND NOT r.deleted AND r.thread_root IS NOT NULL
           AND r.posted_at >= $2 AND r.posted_at < $4
           AND EXISTS (SELECT 1 FROM chat_posts root
                        WHERE root.channel_id = $1 AND root.external_id = r.thread_root
                          AND root.deleted AND NOT (root.external_id = ANY($3)))",
    ] {
        retired += diesel::sql_query(statement)
            .bind::<Uuid, _>(channel.as_uuid())
            .bind::<Timestamptz, _>(since)
            .bind::<Array<Text>, _>(keep)
            .bind::<Timestamptz, _>(before)
            .execute(tx.conn())
            .await
            .map_err(store_error)? as u64;
    }
    Ok(retired)
}

pub(super) async fn retire_replies(
    tx: &mut PgTx,
    channel: ChannelId,
    root: &str,
    before: DateTime<Utc>,
    keep: &[String],
) -> Result<u64, StoreError> {
    take_turn(tx, channel).await?;
    let retired = diesel::sql_query(
        "UPDATE chat_posts SET deleted = true, updated_at = now()
         WHERE channel_id = $1 AND NOT deleted AND thread_root = $2
           AND posted_at < $4 AND NOT (external_id = ANY($3))",
    )
    .bind::<Uuid, _>(channel.as_uuid())
    .bind::<Text, _>(root)
    .bind::<Array<Text>, _>(keep)
    .bind::<Timestamptz, _>(before)
    .execute(tx.conn())
    .await
    .map_err(store_error)?;
    Ok(retired as u64)
}

#[derive(QueryableByName)]
struct SummaryRow {
    #[diesel(sql_type = Text)]
    root: String,
    #[diesel(sql_type = BigInt)]
    replies: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    latest_reply: Option<DateTime<Utc>>,
}

pub(super) async fn thread_summaries(
    tx: &mut PgTx,
    channel: ChannelId,
    roots: &[String],
) -> Result<Vec<ThreadSummary>, StoreError> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<SummaryRow> = diesel::sql_query(
        "SELECT thread_root AS root, count(*) AS replies, max(posted_at) AS latest_reply
         FROM chat_posts
         WHERE channel_id = $1 AND thread_root = ANY($2) AND NOT deleted
         GROUP BY thread_root",
    )
    .bind::<Uuid, _>(channel.as_uuid())
    .bind::<Array<Text>, _>(roots)
    .load(tx.conn())
    .await
    .map_err(store_error)?;
    Ok(rows
        .into_iter()
        .map(|r| ThreadSummary {
            root: r.root,
            replies: u64::try_from(r.replies).unwrap_or_default(),
            latest_reply: r.latest_reply,
        })
        .collect())
}

pub(super) async fn delete_one(
    tx: &mut PgTx,
    channel: ChannelId,
    post: &str,
) -> Result<u64, StoreError> {
    take_turn(tx, channel).await?;
    let deleted = diesel::update(
        chat_posts::table
            .filter(chat_posts::channel_id.eq(channel.as_uuid()))
            .filter(chat_posts::external_id.eq(post))
            .filter(chat_posts::deleted.eq(false)),
    )
    .set((chat_posts::deleted.eq(true), chat_posts::updated_at.eq(diesel::dsl::now)))
    .execute(tx.conn())
    .await
    .map_err(store_error)?;
    Ok(deleted as u64)
}

type PostRow = (
    String,
    String,
    Option<String>,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    bool,
    Option<String>,
    String,
);

pub(super) async fn list(
    tx: &mut PgTx,
    channel: ChannelId,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<ChatPost>, StoreError> {
    let external: Option<String> = chat_channels::table
        .find(channel.as_uuid())
        .select(chat_channels::external_id)
        .first(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    let Some(external) = external else { return Ok(Vec::new()) };
    let mut query = chat_posts::table
        .filter(chat_posts::channel_id.eq(channel.as_uuid()))
        .order((chat_posts::posted_at, chat_posts::external_id))
        .select((
            chat_posts::external_id,
            chat_posts::author_id,
            chat_posts::author_name,
            chat_posts::text,
            chat_posts::posted_at,
            chat_posts::edited_at,
            chat_posts::deleted,
            chat_posts::thread_root,
            chat_posts::kind,
        ))
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(chat_posts::posted_at.ge(since));
    }
    let rows: Vec<PostRow> = query.load(tx.conn()).await.map_err(store_error)?;
    rows.into_iter()
        .map(
            |(
                id,
                author_id,
                author_name,
                text,
                posted_at,
                edited_at,
                deleted,
                thread_root,
                kind,
            )| {
                Ok(ChatPost {
                    id,
                    channel_id: external.clone(),
                    author_id,
                    author_name,
                    kind: kind.parse().map_err(StoreError::Other)?,
                    text,
                    posted_at,
                    edited_at,
                    deleted,
                    thread_root,
                })
            },
        )
        .collect()
}
