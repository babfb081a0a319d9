//! The fake Microsoft identity platform (`/microsoft/login/{tenant}/…`) and the fake Microsoft
//! Graph mail API (`/microsoft/graph/v1.0/…` unless the builder chose another path).

pub(crate) mod admin;
pub(crate) mod control;
pub(crate) mod graph;
pub(crate) mod identity;

use actix_web::web;

pub(crate) fn routes(cfg: &mut web::ServiceConfig, graph_path: &str) {
    identity::routes(cfg);
    graph::routes(cfg, graph_path);
}
