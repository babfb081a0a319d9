//! `GET /version`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::HealthService;

use crate::envelope::Envelope;
use crate::proto::v1::VersionInfo;
use crate::reply::Reply;

/// The name, version and git commit of this build.
#[utoipa::path(
    get,
    path = "/version",
    tag = "meta",
    responses((status = 200, description = "Build information", body = Envelope<VersionInfo>))
)]
pub async fn version<P: Ports>(
    health: web::Data<HealthService<P::Readiness>>,
) -> Reply<VersionInfo> {
    let info = health.info();
    Reply::ok(VersionInfo {
        name: info.name().to_owned(),
        version: info.version().to_owned(),
        git_commit: info.git_commit().to_owned(),
    })
}
