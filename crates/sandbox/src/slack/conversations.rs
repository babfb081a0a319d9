//! `conversations.*` and `users.conversations`.

use serde_json::{Value, json};

use super::args::Args;
use super::{Fail, Outcome, cursor, metadata, render, to_value};
use crate::data::{Channel, Conversation, Workspace, parse_slack_ts, slack_ts};

/// <https://docs.slack.dev/reference/methods/conversations.list>: public channels, and the
/// private ones the caller belongs to, in `types` (default `public_channel`).
pub(crate) fn list(ws: &Workspace, me: usize, args: &Args) -> Outcome {
    channels(ws, me, args, None)
}

/// <https://docs.slack.dev/reference/methods/users.conversations>: the conversations `user`
/// (default: the caller) belongs to.
pub(crate) fn users_conversations(ws: &Workspace, me: usize, args: &Args) -> Outcome {
    let member = match args.get("user") {
        Some(id) => ws.user_index(id).ok_or_else(|| Fail::new("user_not_found"))?,
        None => me,
    };
    channels(ws, me, args, Some(member))
}

/// <https://docs.slack.dev/reference/methods/conversations.info>
pub(crate) fn info(ws: &Workspace, me: usize, args: &Args) -> Outcome {
    let channel = visible_channel(ws, me, args)?;
    Ok(json!({"channel": to_value(render::conversation(ws, channel, me))}))
}

fn channels(ws: &Workspace, me: usize, args: &Args, member: Option<usize>) -> Outcome {
    let (public, private, im, mpim) = types(args)?;
    let exclude_archived = args.flag("exclude_archived");
    let limit = args.limit(100, 1000).map_err(|()| Fail::new("invalid_limit"))?;
    let chosen: Vec<&Channel> = ws
        .channels
        .iter()
        .filter(|c| match c.conversation {
            Some(Conversation::Direct) => im && c.is_member(me),
            Some(Conversation::Group) => mpim && c.is_member(me),
            None if c.private => private && c.is_member(me),
            None => public,
        })
        .filter(|c| !(exclude_archived && c.archived_us.is_some()))
        .filter(|c| member.is_none_or(|m| c.is_member(m)))
        .collect();
    let start = match args.get("cursor") {
        None => 0,
        Some(c) => cursor::decode("channel", c)
            .and_then(|id| chosen.iter().position(|ch| ch.id == id))
            .ok_or_else(|| Fail::new("invalid_cursor"))?,
    };
    let page: Vec<Value> = chosen
        .iter()
        .skip(start)
        .take(limit)
        .map(|c| to_value(render::conversation(ws, c, me)))
        .collect();
    let next = chosen.get(start.saturating_add(limit)).map(|c| cursor::encode("channel", &c.id));
    Ok(json!({"channels": page, "response_metadata": metadata(next)}))
}

/// `types`: which of public channels, private channels, direct (`im`) and group (`mpim`)
/// messages.
fn types(args: &Args) -> Result<(bool, bool, bool, bool), Fail> {
    let raw = args.get("types").unwrap_or("public_channel");
    let (mut public, mut private, mut im, mut mpim) = (false, false, false, false);
    for kind in raw.split(',').map(str::trim) {
        match kind {
            "public_channel" => public = true,
            "private_channel" => private = true,
            "im" => im = true,
            "mpim" => mpim = true,
            _ => return Err(Fail::new("invalid_types")),
        }
    }
    Ok((public, private, im, mpim))
}

/// The `channel` argument: public channels, and private ones the caller belongs to.
fn visible_channel<'a>(ws: &'a Workspace, me: usize, args: &Args) -> Result<&'a Channel, Fail> {
    let id = args.get("channel").ok_or_else(|| Fail::missing("channel"))?;
    ws.channel(id)
        .filter(|c| !c.private || c.is_member(me))
        .ok_or_else(|| Fail::new("channel_not_found"))
}

/// The time window of `oldest`, `latest` and `inclusive`, as inclusive microsecond bounds.
fn window(args: &Args) -> Result<(i64, i64), Fail> {
    let inclusive = args.flag("inclusive");
    let bound = |name: &str, error: &'static str| -> Result<Option<i64>, Fail> {
        args.get(name).map(|raw| parse_slack_ts(raw).ok_or_else(|| Fail::new(error))).transpose()
    };
    let oldest = bound("oldest", "invalid_ts_oldest")?;
    let latest = bound("latest", "invalid_ts_latest")?;
    let low = oldest.map_or(i64::MIN, |o| if inclusive { o } else { o + 1 });
    let high = latest.map_or(i64::MAX, |l| if inclusive { l } else { l - 1 });
    Ok((low, high))
}

/// <https://docs.slack.dev/reference/methods/conversations.history>: top-level messages
/// (thread parents, not their replies), newest first, within `oldest`/`latest` (exclusive
/// unless `inclusive`), `limit` (default 100, at most 999) at a time. `next_cursor` resumes
/// where the page ended; the caller repeats its other arguments with it.
pub(crate) fn history(ws: &Workspace, me: usize, args: &Args) -> Outcome {
    let channel = visible_channel(ws, me, args)?;
    let limit = args.limit(100, 999).map_err(|()| Fail::new("invalid_limit"))?;
    let (low, mut high) = window(args)?;
    if let Some(raw) = args.get("cursor") {
        high = high.min(cursor::decode_ts(raw).ok_or_else(|| Fail::new("invalid_cursor"))?);
    }
    let from = channel.first_at_or_after(low);
    let to = channel.posts.partition_point(|p| p.created_us <= high).max(from);
    let mut visible = (from..to).rev().filter(|&i| render::in_history(channel, i));
    let page: Vec<usize> = visible.by_ref().take(limit).collect();
    let next = visible.next().map(|i| cursor::encode_ts(channel.posts[i].created_us));
    let messages: Vec<Value> =
        page.iter().map(|&i| to_value(render::message(ws, channel, i))).collect();
    Ok(json!({
        "messages": messages,
        "has_more": next.is_some(),
        "pin_count": 0,
        "channel_actions_ts": null,
        "channel_actions_count": 0,
        "response_metadata": metadata(next),
    }))
}

/// <https://docs.slack.dev/reference/methods/conversations.replies>: the parent then its
/// replies, oldest first, within `oldest`/`latest`, `limit` (default and maximum 1000) at a
/// time. A reply's `ts` gives its whole thread.
pub(crate) fn replies(ws: &Workspace, me: usize, args: &Args) -> Outcome {
    let channel = visible_channel(ws, me, args)?;
    let raw_ts = args.get("ts").ok_or_else(|| Fail::missing("ts"))?;
    let ts = parse_slack_ts(raw_ts).ok_or_else(|| Fail::new("thread_not_found"))?;
    let index = *channel.by_id.get(&slack_ts(ts)).ok_or_else(|| Fail::new("thread_not_found"))?;
    let root = channel.posts[index].root.unwrap_or(index);
    if !render::in_history(channel, root) {
        return Err(Fail::new("thread_not_found"));
    }
    let limit = args.limit(1000, 1000).map_err(|()| Fail::new("invalid_limit"))?;
    let (mut low, high) = window(args)?;
    if let Some(raw) = args.get("cursor") {
        low = low.max(cursor::decode_ts(raw).ok_or_else(|| Fail::new("invalid_cursor"))?);
    }
    let thread = std::iter::once(root)
        .chain(channel.posts[root].replies.iter().copied())
        .filter(|&i| i == root || channel.posts[i].is_live())
        .filter(|&i| (low..=high).contains(&channel.posts[i].created_us));
    let mut thread = thread.peekable();
    let mut page = Vec::new();
    while page.len() < limit {
        match thread.next() {
            Some(i) => page.push(i),
            None => break,
        }
    }
    let next = thread.peek().map(|&i| cursor::encode_ts(channel.posts[i].created_us));
    let messages: Vec<Value> =
        page.iter().map(|&i| to_value(render::message(ws, channel, i))).collect();
    Ok(json!({
        "messages": messages,
        "has_more": next.is_some(),
        "response_metadata": metadata(next),
    }))
}
