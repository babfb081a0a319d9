//! Runs the HTTP server until SIGTERM or SIGINT, then drains in-flight requests.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{HttpServer, web};
use switchboard_ports::Ports;

use crate::app::{AppDeps, build_app};
use crate::metrics::{MetricsEndpoint, metrics_page};

/// How the server runs.
#[derive(Debug, Clone, Copy)]
pub struct ServerOptions {
    /// Worker threads, each with its own event loop.
    pub workers: usize,
    /// How long to wait for in-flight requests after a stop signal.
    pub shutdown_timeout: Duration,
}

/// Starts serving on `listener`. The returned server runs until awaited to completion; actix
/// handles SIGTERM and SIGINT by refusing new connections and finishing in-flight requests
/// (within `shutdown_timeout`) before the future resolves.
///
/// `make_deps` runs once per worker, on that worker's thread, so adapters that spawn tasks
/// (database connections) can keep them on the event loop of the requests that use them.
///
/// # Errors
/// When the listener cannot be used.
pub fn serve<P: Ports, F>(
    listener: TcpListener,
    make_deps: F,
    options: ServerOptions,
) -> std::io::Result<Server>
where
    F: Fn() -> AppDeps<P> + Send + Clone + 'static,
{
    let server = HttpServer::new(move || build_app(make_deps()))
        .workers(options.workers.max(1))
        .shutdown_timeout(options.shutdown_timeout.as_secs())
        .listen(listener)?
        .run();
    Ok(server)
}

/// Serves only `GET /metrics` on `listener` (one worker), for a metrics port apart from the
/// API's or for a process without an API (`switchboard worker`).
///
/// # Errors
/// When the listener cannot be used.
pub fn metrics_server(listener: TcpListener, endpoint: MetricsEndpoint) -> std::io::Result<Server> {
    let server = HttpServer::new(move || {
        actix_web::App::new()
            .app_data(web::Data::new(endpoint.clone()))
            .route("/metrics", web::get().to(metrics_page))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(server)
}
