//! `users.info` and `users.list`.

use serde_json::{Value, json};

use super::args::Args;
use super::{Fail, Outcome, cursor, metadata, render, to_value};
use crate::data::Workspace;

/// <https://docs.slack.dev/reference/methods/users.info>
pub(crate) fn info(ws: &Workspace, _me: usize, args: &Args) -> Outcome {
    let id = args.get("user").ok_or_else(|| Fail::missing("user"))?;
    let user = ws.users.iter().find(|u| u.id == id).ok_or_else(|| Fail::new("user_not_found"))?;
    Ok(json!({"user": to_value(render::user(ws, user))}))
}

/// <https://docs.slack.dev/reference/methods/users.list>: without `limit`, everyone at
/// once, as documented; deactivated users included (`deleted: true`).
pub(crate) fn list(ws: &Workspace, _me: usize, args: &Args) -> Outcome {
    let limit = args.limit(usize::MAX, 1000).map_err(|()| Fail::new("invalid_limit"))?;
    let start = match args.get("cursor") {
        None => 0,
        Some(c) => cursor::decode("user", c)
            .and_then(|id| ws.users.iter().position(|u| u.id == id))
            .ok_or_else(|| Fail::new("invalid_cursor"))?,
    };
    let page: Vec<Value> =
        ws.users.iter().skip(start).take(limit).map(|u| to_value(render::user(ws, u))).collect();
    let next = ws.users.get(start.saturating_add(limit)).map(|u| cursor::encode("user", &u.id));
    Ok(json!({
        "members": page,
        "cache_ts": ws.created_us / 1_000_000,
        "response_metadata": metadata(next),
    }))
}
