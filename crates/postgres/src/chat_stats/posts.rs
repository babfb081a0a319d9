//! The posts of a window, for the analytics.

use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Text, Timestamptz, Uuid};
use diesel_async::RunQueryDsl;
use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::chat_sources::ChannelId;
use switchboard_ports::{StoreError, WindowPost};

use crate::PgTx;
use crate::error::store_error;

/// Each channel's latest posts of the window, the system's left out, through
/// `chat_posts_channel_time` (read backwards, stopping at the limit): one statement for every
/// channel. A bot's post is marked unless its channel includes bots.
const WINDOW: &str = "
SELECT c.id AS channel_id, p.author_id, p.author, p.text, p.posted_at,
       (p.kind = 'bot' AND NOT ch.include_bots) AS bot
  FROM unnest($1::uuid[]) AS c (id)
  JOIN chat_channels ch ON ch.id = c.id
 CROSS JOIN LATERAL (
       SELECT author_id, COALESCE(NULLIF(author_name, ''), NULLIF(author_id, ''), kind) AS author,
              text, posted_at, kind
         FROM chat_posts
        WHERE channel_id = c.id AND posted_at >= $2 AND posted_at < $3 AND NOT deleted
          AND kind <> 'system'
        ORDER BY posted_at DESC
        LIMIT $4) AS p";

#[derive(diesel::QueryableByName)]
struct PostRow {
    #[diesel(sql_type = Uuid)]
    channel_id: uuid::Uuid,
    #[diesel(sql_type = Text)]
    author_id: String,
    #[diesel(sql_type = Text)]
    author: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    bot: bool,
    #[diesel(sql_type = Text)]
    text: String,
    #[diesel(sql_type = Timestamptz)]
    posted_at: DateTime<Utc>,
}

pub(super) async fn window(
    tx: &mut PgTx,
    channels: &[ChannelId],
    window: TimeWindow,
    limit: usize,
) -> Result<Vec<WindowPost>, StoreError> {
    if channels.is_empty() || window.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let ids: Vec<uuid::Uuid> = channels.iter().map(|c| c.as_uuid()).collect();
    let rows: Vec<PostRow> = diesel::sql_query(WINDOW)
        .bind::<Array<Uuid>, _>(ids)
        .bind::<Timestamptz, _>(window.start)
        .bind::<Timestamptz, _>(window.end)
        .bind::<BigInt, _>(i64::try_from(limit).unwrap_or(i64::MAX))
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(rows
        .into_iter()
        .map(|r| WindowPost {
            channel_id: ChannelId::from_uuid(r.channel_id),
            author_id: r.author_id,
            author: r.author,
            bot: r.bot,
            text: r.text,
            posted_at: r.posted_at,
        })
        .collect())
}
