//! A graceful stop (what actix does on SIGTERM) lets an in-flight request finish.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::{HttpServer, web};
use switchboard_http::proto::v1::Liveness;
use switchboard_http::{Reply, build_app, routes};
use switchboard_memory::StaticReadiness;
use tokio::sync::{Notify, mpsc};

use crate::support::deps;

#[actix_web::test]
async fn in_flight_requests_finish_before_the_server_stops() {
    let (started_tx, mut started_rx) = mpsc::unbounded_channel::<()>();
    let release = Arc::new(Notify::new());
    let handler_release = release.clone();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let server = HttpServer::new(move || {
        let started = started_tx.clone();
        let release = handler_release.clone();
        build_app(deps(StaticReadiness::ready())).service(routes::resource("/slow").route(
            web::get().to(move || {
                let started = started.clone();
                let release = release.clone();
                async move {
                    started.send(()).unwrap();
                    release.notified().await;
                    Reply::ok(Liveness { status: "finished".to_owned() })
                }
            }),
        ))
    })
    .workers(1)
    .shutdown_timeout(30)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    let running = tokio::spawn(server);

    let request = tokio::spawn(async move {
        reqwest::get(format!("http://{address}/slow")).await.unwrap().text().await.unwrap()
    });
    started_rx.recv().await.unwrap();
    let stopping = tokio::spawn(async move { handle.stop(true).await });
    // The stop is under way while the request is still in the handler; now let it finish.
    release.notify_one();
    let body = request.await.unwrap();
    assert!(body.contains("finished"), "{body}");
    stopping.await.unwrap();
    running.await.unwrap().unwrap();
}
