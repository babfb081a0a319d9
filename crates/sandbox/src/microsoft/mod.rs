//! The fake Microsoft identity platform (`/microsoft/login/{tenant}/…`) and the fake Microsoft
//! Graph mail API (`/microsoft/graph/v1.0/…`).

pub(crate) mod admin;
pub(crate) mod control;
pub(crate) mod graph;
pub(crate) mod identity;

use actix_web::web;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    identity::routes(cfg);
    graph::routes(cfg);
}
