//! `GET /users/{user_id}/teams/{team_id}/channels` and `GET /channels/{channel_id}`.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};

use super::{Reject, guard, is_valid_id, ok, render};
use crate::store::Store;

/// <https://developers.mattermost.com/api-documentation/#/operations/GetChannelsForTeamForUser>:
/// the channels of the team the user belongs to; archived ones only with
/// `include_deleted=true`. Only `me` (or the caller's own id) may be asked for.
pub(crate) async fn channels(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<HashMap<String, String>>,
    store: web::Data<Store>,
) -> Result<HttpResponse, Reject> {
    let (state, me) = guard(&req, &store)?;
    let ws = &state.mattermost;
    let (user_id, team_id) = path.into_inner();
    if user_id != "me" && !is_valid_id(&user_id) {
        return Err(Reject::BadParam("user_id"));
    }
    if !is_valid_id(&team_id) {
        return Err(Reject::BadParam("team_id"));
    }
    if (user_id != "me" && user_id != ws.users[me].id) || team_id != ws.team_id {
        return Err(Reject::Forbidden);
    }
    let include_deleted = query.get("include_deleted").is_some_and(|v| v == "true");
    let channels: Vec<_> = ws
        .channels
        .iter()
        .filter(|c| c.is_member(me))
        .filter(|c| include_deleted || c.archived_us.is_none())
        .map(|c| render::channel(ws, c))
        .collect();
    ok(&channels)
}

/// <https://developers.mattermost.com/api-documentation/#/operations/GetChannel>
pub(crate) async fn channel(
    req: HttpRequest,
    path: web::Path<String>,
    store: web::Data<Store>,
) -> Result<HttpResponse, Reject> {
    let (state, me) = guard(&req, &store)?;
    if !is_valid_id(&path) {
        return Err(Reject::BadParam("channel_id"));
    }
    let channel = state.mattermost.channel(&path).filter(|c| !c.private || c.is_member(me));
    ok(&render::channel(&state.mattermost, channel.ok_or(Reject::Forbidden)?))
}
