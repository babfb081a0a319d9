//! `GET /users/me`, `GET /users/me/teams`, `POST /users/ids`, `GET /users/{user_id}`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{error, guard, ok, render};
use crate::store::Store;

/// <https://developers.mattermost.com/api-documentation/#/operations/GetUser> with `me`.
pub(crate) async fn me(req: HttpRequest, store: web::Data<Store>) -> HttpResponse {
    let (state, me) = match guard(&req, &store) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    ok(&store, &render::user(&state.mattermost.users[me]))
}

/// <https://developers.mattermost.com/api-documentation/#/operations/GetUser>
pub(crate) async fn by_id(
    req: HttpRequest,
    path: web::Path<String>,
    store: web::Data<Store>,
) -> HttpResponse {
    let (state, _) = match guard(&req, &store) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    match state.mattermost.users.iter().find(|u| u.id == *path) {
        Some(user) => ok(&store, &render::user(user)),
        None => error(
            &store,
            StatusCode::NOT_FOUND,
            "app.user.missing_account.const",
            "Unable to find the user.",
        ),
    }
}

/// <https://developers.mattermost.com/api-documentation/#/operations/GetTeamsForUser>: the
/// one team, which everyone belongs to.
pub(crate) async fn my_teams(req: HttpRequest, store: web::Data<Store>) -> HttpResponse {
    let (state, _) = match guard(&req, &store) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    ok(&store, &[render::team(&state.mattermost)])
}

/// <https://developers.mattermost.com/api-documentation/#/operations/GetUsersByIds>: the
/// users found, unknown ids skipped; an empty or malformed list is a 400.
pub(crate) async fn by_ids(
    req: HttpRequest,
    body: web::Bytes,
    store: web::Data<Store>,
) -> HttpResponse {
    let (state, _) = match guard(&req, &store) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let ids: Vec<String> = match serde_json::from_slice(&body) {
        Ok(ids) => ids,
        Err(_) => Vec::new(),
    };
    if ids.is_empty() {
        return error(
            &store,
            StatusCode::BAD_REQUEST,
            "api.context.invalid_body_param.app_error",
            "Invalid or missing user_ids in request body.",
        );
    }
    let users: Vec<_> =
        state.mattermost.users.iter().filter(|u| ids.contains(&u.id)).map(render::user).collect();
    ok(&store, &users)
}
