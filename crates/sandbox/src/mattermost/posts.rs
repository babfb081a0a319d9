//! `GET /channels/{channel_id}/posts`
//! (<https://developers.mattermost.com/api-documentation/#/operations/GetPostsForChannel>).
//!
//! - `page`/`per_page` (default 0 and 60, at most 200): live posts, replies included, newest
//!   first; `posts` also holds the roots of the page's replies, as the server adds them;
//!   `next_post_id` is the post just newer than the page, `prev_post_id` the one just older.
//! - `before`/`after` (post ids): the same pages, counted from that post, which may have been
//!   deleted since. The server compares creation times, strictly
//!   (`CreateAt < (SELECT CreateAt FROM Posts WHERE Id = ?)` in its post store): a client
//!   paging with the oldest id of its last page goes on after that post is deleted, and never
//!   sees the posts created in that post's millisecond that its last page did not hold.
//! - `since` (ms): every post whose `update_at` is later (created, edited or deleted since),
//!   newest created first, at most 1000, with the roots of changed replies in `posts` (and in
//!   `order` only when they changed too); deleted posts come with `delete_at > 0` and an empty
//!   message. An edit keeps the version it replaced as a deleted copy with its own id and
//!   `original_id` naming the post (the server's `PostStore.Update`): `since` lists those
//!   copies, the pages (live posts only) never do. `since` wins over the paging parameters.
//!
//! A channel the caller cannot read (private and not a member, or unknown) is a 403.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, Value, json};

use super::{Reject, guard, is_valid_id, ok, render};
use crate::data::{Channel, Workspace};
use crate::store::Store;

const DEFAULT_PER_PAGE: usize = 60;
const MAX_PER_PAGE: usize = 200;
const SINCE_LIMIT: usize = 1000;

pub(crate) async fn for_channel(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
    store: web::Data<Store>,
) -> Result<HttpResponse, Reject> {
    let (state, me) = guard(&req, &store)?;
    if !is_valid_id(&path) {
        return Err(Reject::BadParam("channel_id"));
    }
    let ws = &state.mattermost;
    let channel =
        ws.channel(&path).filter(|c| !c.private || c.is_member(me)).ok_or(Reject::Forbidden)?;
    let number = |name: &'static str| -> Result<Option<usize>, Reject> {
        query
            .get(name)
            .filter(|v| !v.is_empty())
            .map(|v| v.parse::<usize>().map_err(|_| Reject::BadParam(name)))
            .transpose()
    };
    let page = number("page")?.unwrap_or(0);
    let per_page = number("per_page")?.map_or(DEFAULT_PER_PAGE, |n| n.min(MAX_PER_PAGE));
    let since = number("since")?.unwrap_or(0) as i64;
    let list = if since > 0 {
        changed_since(ws, channel, since)
    } else {
        let anchor = |name: &str| query.get(name).filter(|v| !v.is_empty()).cloned();
        paged(ws, channel, page, per_page, anchor("before"), anchor("after"))
    };
    ok(&list)
}

fn changed_since(ws: &Workspace, channel: &Channel, since_ms: i64) -> Value {
    let after = |us: i64| us.div_euclid(1000) > since_ms;
    // Newest created first; an edit's copies, created with their post, right after it.
    let changed: Vec<Row> = (0..channel.posts.len())
        .rev()
        .flat_map(|i| {
            let post = after(channel.posts[i].updated_us).then_some(Row::Post(i));
            let copies = (0..channel.posts[i].revisions.len())
                .filter(move |&n| render::copy_deleted_us(channel, i, n).is_some_and(after))
                .map(move |n| Row::Copy(i, n));
            post.into_iter().chain(copies)
        })
        .take(SINCE_LIMIT)
        .collect();
    let mut included = changed.clone();
    included
        .extend(changed.iter().filter_map(|row| channel.posts[row.index()].root).map(Row::Post));
    included.sort_unstable_by_key(|row| (std::cmp::Reverse(row.index()), row.copy()));
    included.dedup();
    // A root is listed in `order` only when it changed itself.
    let order: Vec<Row> = included
        .iter()
        .copied()
        .filter(|&row| match row {
            Row::Post(i) => after(channel.posts[i].updated_us),
            Row::Copy(..) => true,
        })
        .collect();
    list(ws, channel, &order, &included, "", "", false)
}

/// One row of the server's `Posts` table: a post of the channel, or the copy of the `n`th
/// version of one that an edit replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Row {
    Post(usize),
    Copy(usize, usize),
}

impl Row {
    fn index(self) -> usize {
        match self {
            Self::Post(i) | Self::Copy(i, _) => i,
        }
    }

    /// Sorts a post before its copies, the copies oldest first.
    fn copy(self) -> Option<usize> {
        match self {
            Self::Post(_) => None,
            Self::Copy(_, n) => Some(n),
        }
    }
}

fn paged(
    ws: &Workspace,
    channel: &Channel,
    page: usize,
    per_page: usize,
    before: Option<String>,
    after: Option<String>,
) -> Value {
    // Live posts, newest first.
    let live: Vec<usize> =
        (0..channel.posts.len()).rev().filter(|&i| channel.posts[i].is_live()).collect();
    // The anchor's `create_at` (deleted posts keep theirs): the server selects the posts
    // created strictly before or after it, so posts of the anchor's millisecond are in
    // neither page.
    let create_at = |i: usize| channel.posts[i].created_us.div_euclid(1000);
    let anchor = |id: &str| channel.by_id.get(id).map(|&i| create_at(i));
    let window: &[usize] = match (before, after) {
        (Some(id), _) => match anchor(&id) {
            Some(anchor) => &live[live.partition_point(|&i| create_at(i) >= anchor)..],
            None => &[],
        },
        (None, Some(id)) => match anchor(&id) {
            // The posts just newer than the anchor: count back from it.
            Some(anchor) => {
                let at = live.partition_point(|&i| create_at(i) > anchor);
                let end = at.saturating_sub(page.saturating_mul(per_page));
                let start = end.saturating_sub(per_page);
                let order = &live[start..end];
                return list_with_cursors(ws, channel, &live, order, start);
            }
            None => &[],
        },
        (None, None) => &live[..],
    };
    let skip = page.saturating_mul(per_page).min(window.len());
    let order = &window[skip..(skip + per_page).min(window.len())];
    let start = live.len() - window.len() + skip;
    list_with_cursors(ws, channel, &live, order, start)
}

/// A page of `live` starting at `start`, with the neighbouring post ids and the roots of its
/// replies.
fn list_with_cursors(
    ws: &Workspace,
    channel: &Channel,
    live: &[usize],
    order: &[usize],
    start: usize,
) -> Value {
    let (next, prev) = if order.is_empty() {
        (None, None)
    } else {
        (start.checked_sub(1).and_then(|i| live.get(i)), live.get(start + order.len()))
    };
    let id = |i: Option<&usize>| i.map_or("", |&i| channel.posts[i].id.as_str());
    let mut included: Vec<usize> = order.to_vec();
    included.extend(order.iter().filter_map(|&i| channel.posts[i].root));
    included.sort_unstable();
    included.dedup();
    let rows = |indices: &[usize]| indices.iter().map(|&i| Row::Post(i)).collect::<Vec<_>>();
    list(ws, channel, &rows(order), &rows(&included), id(next), id(prev), prev.is_some())
}

fn list(
    ws: &Workspace,
    channel: &Channel,
    order: &[Row],
    included: &[Row],
    next: &str,
    prev: &str,
    has_next: bool,
) -> Value {
    let render = |row: Row| match row {
        Row::Post(i) => Some(render::post(ws, channel, i)),
        Row::Copy(i, n) => render::edit_copy(ws, channel, i, n),
    };
    let mut posts = Map::new();
    let mut ids = HashMap::new();
    for &row in included {
        let Some(post) = render(row) else { continue };
        let id = post.id().to_owned();
        ids.insert(row, id.clone());
        posts.insert(id, serde_json::to_value(post).unwrap_or(Value::Null));
    }
    let order: Vec<&str> =
        order.iter().filter_map(|row| ids.get(row)).map(String::as_str).collect();
    json!({
        "order": order,
        "posts": posts,
        "next_post_id": next,
        "prev_post_id": prev,
        "has_next": has_next,
    })
}
