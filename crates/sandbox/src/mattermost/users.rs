//! `GET /users/me`, `GET /users/me/teams`, `POST /users/ids`, `GET /users/{user_id}`.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{Reject, guard, ok, render};
use crate::store::Store;

type Answer = Result<HttpResponse, Reject>;

/// <https://developers.mattermost.com/api-documentation/#/operations/GetUser> with `me`.
pub(crate) async fn me(req: HttpRequest, store: web::Data<Store>) -> Answer {
    let (state, me) = guard(&req, &store)?;
    ok(&render::user(&state.mattermost.users[me]))
}

/// <https://developers.mattermost.com/api-documentation/#/operations/GetUser>
pub(crate) async fn by_id(
    req: HttpRequest,
    path: web::Path<String>,
    store: web::Data<Store>,
) -> Answer {
    let (state, _) = guard(&req, &store)?;
    let user = state.mattermost.users.iter().find(|u| u.id == *path).ok_or(Reject::UnknownUser)?;
    ok(&render::user(user))
}

/// <https://developers.mattermost.com/api-documentation/#/operations/GetTeamsForUser>: the
/// one team, which everyone belongs to.
pub(crate) async fn my_teams(req: HttpRequest, store: web::Data<Store>) -> Answer {
    let (state, _) = guard(&req, &store)?;
    ok(&[render::team(&state.mattermost)])
}

/// <https://developers.mattermost.com/api-documentation/#/operations/GetUsersByIds>: the
/// users found, unknown ids skipped; an empty or malformed list is a 400.
pub(crate) async fn by_ids(req: HttpRequest, body: web::Bytes, store: web::Data<Store>) -> Answer {
    let (state, _) = guard(&req, &store)?;
    let ids: Vec<String> = serde_json::from_slice(&body).unwrap_or_default();
    if ids.is_empty() {
        return Err(Reject::BadBody("user_ids"));
    }
    let users: Vec<_> =
        state.mattermost.users.iter().filter(|u| ids.contains(&u.id)).map(render::user).collect();
    ok(&users)
}
