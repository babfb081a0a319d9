//! The actix-web server carrying both providers and the admin API.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};

use crate::{Sandbox, admin, google, mattermost, microsoft, slack};

pub(crate) fn serve(sandbox: Sandbox, listener: TcpListener) -> std::io::Result<Server> {
    listener.set_nonblocking(true)?;
    let store = web::Data::from(sandbox.store.clone());
    let graph_path = sandbox.store.graph_path.clone();
    let sandbox = web::Data::new(sandbox);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(store.clone())
            .app_data(sandbox.clone())
            .app_data(web::PayloadConfig::new(4 * 1024 * 1024))
            .configure(slack::routes)
            .configure(mattermost::routes)
            .configure(|cfg| microsoft::routes(cfg, &graph_path))
            .configure(google::routes)
            .configure(admin::routes)
    })
    .workers(2)
    .disable_signals()
    .shutdown_timeout(1)
    .listen(listener)?
    .run();
    Ok(server)
}
