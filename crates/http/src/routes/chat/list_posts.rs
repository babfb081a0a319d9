//! `GET /api/chat/channels/{id}/posts`

use actix_web::web;
use serde::Deserialize;
use switchboard_domain::chat_posts::{PostQuery, Threads};
use switchboard_ports::Ports;
use switchboard_services::ChatService;
use utoipa::IntoParams;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::ChatPostPage;
use crate::query::Query;
use crate::reply::Reply;
use crate::routes::mail::instant;

/// The longest search accepted, in characters.
pub const Q_MAX_CHARS: usize = 200;
/// The most posts a page holds.
pub const MAX_PAGE: u32 = 100;
/// The page size when `limit` is left out.
pub const DEFAULT_PAGE: u32 = 50;

/// Filters and paging of one channel's posts.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PostsParams {
    /// Only posts posted at or after this time (RFC 3339).
    #[param(format = DateTime)]
    pub since: Option<String>,
    /// Only posts posted before this time (RFC 3339); not before `since`.
    #[param(format = DateTime)]
    pub until: Option<String>,
    /// Only posts by this author (their `author_id`, the provider's user id).
    pub author: Option<String>,
    /// Only the replies of this thread (its root's `external_id`), newest first; not with
    /// `threads=nested`.
    pub thread_id: Option<String>,
    /// Words to find in the text: every word, whole, ignoring case; `"a phrase"`, `or` and
    /// `-word` as in a web search.
    #[param(min_length = 1, max_length = 200)]
    pub q: Option<String>,
    /// `flat` (default): every post, replies included; `nested`: top-level posts only, each
    /// thread root with its reply count, latest reply time and latest three replies.
    #[param(pattern = "^(flat|nested)$")]
    pub threads: Option<String>,
    /// Continue after this cursor (`next_cursor` of the previous page, same filters).
    pub cursor: Option<String>,
    /// At most this many posts (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// A page of one of the caller's channels' posts, newest first, deleted posts left out,
/// narrowed by the filters given (in a nested page, the top-level posts are narrowed).
/// Protobuf: `switchboard.v1.ChatPostPage`.
#[utoipa::path(
    get, operation_id = "list_chat_posts", path = "/api/chat/channels/{id}/posts", tag = "chat", security(("bearer" = ["read"])),
    params(("id" = String, Path, description = "Channel id"), PostsParams),
    responses(
        (status = 200, description = "A page of posts", body = Envelope<ChatPostPage>),
        (status = 404, description = "No such channel of the caller's", body = ErrorEnvelope),
        (status = 422, description = "A parameter that is not valid (a time, `since` after `until`, `threads`, `thread_id` with `threads=nested`, `q`, `cursor`, `limit`), named in `errors`", body = ErrorEnvelope),
    )
)]
pub async fn list<P: Ports>(
    chat: web::Data<ChatService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
    params: Query<PostsParams>,
) -> Result<Reply<ChatPostPage>, ApiError> {
    let channel = super::channel_id(&id)?;
    let query = query(channel, params.into_inner())?;
    let listing = chat.posts(&caller.principal, query).await?;
    Ok(Reply::ok(ChatPostPage {
        posts: listing.posts.iter().map(super::post_summary).collect(),
        next_cursor: listing.next.as_ref().map(super::post_ref::cursor).unwrap_or_default(),
    }))
}

fn invalid(field: &str, code: &str, message: impl Into<String>) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, code, message)])
}

/// The query the parameters describe, each checked.
fn query(
    channel: switchboard_domain::chat_sources::ChannelId,
    p: PostsParams,
) -> Result<PostQuery, ApiError> {
    let since = instant("since", p.since.as_deref())?;
    let until = instant("until", p.until.as_deref())?;
    if let (Some(since), Some(until)) = (since, until)
        && since > until
    {
        return Err(invalid("since", "out_of_range", "since must not be after until"));
    }
    let threads = match p.threads.as_deref().filter(|t| !t.is_empty()) {
        None => Threads::Flat,
        Some(name) => Threads::parse(name)
            .ok_or_else(|| invalid("threads", "invalid", "threads must be flat or nested"))?,
    };
    let thread = p.thread_id.filter(|t| !t.is_empty());
    if thread.is_some() && threads == Threads::Nested {
        return Err(invalid(
            "threads",
            "conflict",
            "thread_id lists a thread's replies, which are never nested: leave threads out",
        ));
    }
    let q = match p.q {
        Some(q) if q.trim().is_empty() || q.chars().count() > Q_MAX_CHARS => {
            return Err(invalid(
                "q",
                "out_of_range",
                format!("q must be 1 to {Q_MAX_CHARS} characters, not blank"),
            ));
        }
        q => q,
    };
    Ok(PostQuery {
        channel,
        since,
        until,
        author: p.author.filter(|a| !a.is_empty()),
        thread,
        q,
        threads,
        after: super::post_ref::parse_cursor(p.cursor.as_deref())?,
        limit: crate::routes::paging::limit(p.limit, MAX_PAGE)?.unwrap_or(DEFAULT_PAGE),
    })
}
