//! The route table: every endpoint, registered in one place.
//!
//! Routes are registered as resources with per-method routes, so a known path with the wrong
//! method answers 405 (with `Allow`), and an unknown path 404.

pub mod meta;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{Error, Resource, web};
use switchboard_ports::Ports;

use crate::middleware::catch_panic::catch_panic;

/// A resource at `path` whose handlers are guarded against panics. The guard sits on the
/// resource because only after routing may a middleware hold on to the request.
pub fn resource(
    path: &str,
) -> Resource<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    web::resource(path).wrap(from_fn(catch_panic))
}

/// Registers every API route.
pub fn configure<P: Ports>(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/healthz").route(web::get().to(meta::healthz::healthz)))
        .service(resource("/readyz").route(web::get().to(meta::readyz::readyz::<P>)))
        .service(resource("/version").route(web::get().to(meta::version::version::<P>)));
}
