//! The `text/event-stream` wire format: one message per event (`id:` its cursor, `event:`
//! `<model_name>.<kind>`, `data:` the event as the events API shows it, in JSON), a comment
//! when the stream opens and one every heartbeat.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Bytes;
use futures_util::{Stream, StreamExt, future, stream};
use switchboard_domain::Event;
use switchboard_services::StreamError;

use crate::routes::convert;

/// The comment sent first, so that clients and proxies see the stream open at once.
pub const OPENED: &str = ": open\n\n";
/// The heartbeat comment.
pub const HEARTBEAT: &str = ": heartbeat\n\n";

/// One event as an SSE message.
pub fn message(event: &Event) -> String {
    let record = convert::event(event);
    // serde_json escapes control characters, so `data` is one line.
    let data = serde_json::to_string(&record).unwrap_or_else(|_| "{}".to_owned());
    let name = format!("{}.{}", record.model_name, record.kind).replace(['\r', '\n'], " ");
    format!("id: {}\nevent: {name}\ndata: {data}\n\n", record.cursor)
}

/// The response body: the opening comment, then the events with heartbeats in between, until
/// the events end (the client was cut off, or the log could not be read: the client resumes
/// with `Last-Event-ID`).
pub fn body(
    events: impl Stream<Item = Result<Arc<Event>, StreamError>> + 'static,
    heartbeat: Duration,
) -> impl Stream<Item = Result<Bytes, Infallible>> + 'static {
    let events = events
        .map(|item| match item {
            Ok(event) => Some(Bytes::from(message(&event))),
            Err(e) => {
                tracing::warn!(error = %e, "the event stream failed; closing it");
                None
            }
        })
        // `None` marks the end, so that the endless heartbeats stop with the events.
        .chain(stream::once(future::ready(None)));
    let beats = stream::unfold((), move |()| async move {
        actix_web::rt::time::sleep(heartbeat).await;
        Some((Some(Bytes::from_static(HEARTBEAT.as_bytes())), ()))
    });
    stream::once(future::ready(Some(Bytes::from_static(OPENED.as_bytes()))))
        .chain(stream::select(events, beats))
        .take_while(|item| future::ready(item.is_some()))
        .filter_map(|item| future::ready(item.map(Ok)))
}
