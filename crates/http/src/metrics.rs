//! Prometheus metrics of the HTTP shell: every request counted and timed by its route
//! template (never its raw path, so ids do not become labels), and the `GET /metrics` page
//! rendered by whatever recorder the binary installed.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};

/// The route label of a request no route matched (a 404 of the default service).
pub const UNMATCHED_ROUTE: &str = "unmatched";

type Page = Pin<Box<dyn Future<Output = String> + Send>>;

/// Renders the current metrics in the Prometheus text exposition format.
#[derive(Clone)]
pub struct MetricsEndpoint(Arc<dyn Fn() -> Page + Send + Sync>);

impl MetricsEndpoint {
    /// An endpoint whose page is what `render` resolves to at each scrape.
    pub fn new<F>(render: impl Fn() -> F + Send + Sync + 'static) -> Self
    where
        F: Future<Output = String> + Send + 'static,
    {
        Self(Arc::new(move || Box::pin(render())))
    }

    /// The page, now.
    pub async fn render(&self) -> String {
        (self.0)().await
    }
}

impl std::fmt::Debug for MetricsEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsEndpoint").finish_non_exhaustive()
    }
}

/// `GET /metrics`: no authentication (scrape it from inside the cluster only).
pub async fn metrics_page(endpoint: web::Data<MetricsEndpoint>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(endpoint.render().await)
}

/// A bounded method label: the methods the API serves, anything else as `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The middleware function (see `actix_web::middleware::from_fn`): counts each request by
/// route template, method and status, and observes its latency.
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let route = req.match_pattern().unwrap_or_else(|| UNMATCHED_ROUTE.to_owned());
    let method = method_label(req.method());
    let started = Instant::now();
    let res = next.call(req).await;
    let status = match &res {
        Ok(res) => res.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    metrics::counter!(
        "switchboard_http_requests_total",
        "route" => route.clone(),
        "method" => method,
        "status" => status.to_string(),
    )
    .increment(1);
    metrics::histogram!(
        "switchboard_http_request_duration_seconds",
        "route" => route,
        "method" => method,
    )
    .record(started.elapsed().as_secs_f64());
    res
}
