//! `GET /healthz`

use crate::envelope::Envelope;
use crate::proto::v1::Liveness;
use crate::reply::Reply;

/// The process is alive. Does no I/O, so it answers even when the database is down.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "meta",
    responses((status = 200, description = "The process is alive", body = Envelope<Liveness>))
)]
pub async fn healthz() -> Reply<Liveness> {
    Reply::ok(Liveness { status: "alive".to_owned() })
}
