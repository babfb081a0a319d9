//! `GET /api/admin/users`

use actix_web::web;
use serde::Deserialize;
use switchboard_ports::{Ports, UserQuery};
use switchboard_services::AdminService;

use crate::auth::{AdminRead, Caller};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::UserList;
use crate::query::Query;
use crate::reply::Reply;
use crate::routes::{convert, paging};

/// The largest page (the admin service's bound).
const MAX_LIMIT: u32 = 200;

/// Paging and search.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only emails containing this text.
    pub email: Option<String>,
    /// Users to skip.
    #[serde(default)]
    pub offset: u64,
    /// At most this many (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// Users, oldest first.
#[utoipa::path(
    get, operation_id = "list_users", path = "/api/admin/users", tag = "admin", security(("bearer" = ["admin", "read"])), params(ListQuery),
    responses(
        (status = 200, description = "A page of users", body = Envelope<UserList>),
        (status = 403, description = "Not an admin", body = ErrorEnvelope),
        (status = 422, description = "`limit` out of range", body = ErrorEnvelope),
    )
)]
pub async fn list_users<P: Ports>(
    admin: web::Data<AdminService<P>>,
    _caller: Caller<P, AdminRead>,
    query: Query<ListQuery>,
) -> Result<Reply<UserList>, ApiError> {
    let q = query.into_inner();
    let limit = paging::limit(q.limit, MAX_LIMIT)?;
    let page = admin
        .list_users(UserQuery {
            email_contains: q.email.filter(|e| !e.is_empty()),
            offset: q.offset,
            limit: limit.unwrap_or(50),
        })
        .await?;
    Ok(Reply::ok(UserList {
        users: page.users.iter().map(convert::user).collect(),
        total: page.total,
    }))
}
