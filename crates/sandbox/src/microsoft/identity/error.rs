//! Errors in the identity platform's JSON shape
//! (<https://learn.microsoft.com/entra/identity-platform/reference-error-codes>).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::{Value, json};

/// An error of the token endpoint: the OAuth `error`, the AADSTS number and its message, and
/// for `interaction_required` the `claims` challenge.
#[derive(Debug, Clone)]
pub(crate) struct AadError {
    pub status: StatusCode,
    pub error: &'static str,
    pub code: u32,
    pub message: String,
    pub suberror: Option<&'static str>,
    pub claims: Option<String>,
}

impl AadError {
    pub(crate) fn new(error: &'static str, code: u32, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error,
            code,
            message: message.into(),
            suberror: None,
            claims: None,
        }
    }

    pub(crate) fn invalid_grant(code: u32, message: impl Into<String>) -> Self {
        Self::new("invalid_grant", code, message)
    }

    /// AADSTS900144: a required parameter is missing.
    pub(crate) fn missing(parameter: &str) -> Self {
        Self::new(
            "invalid_request",
            900_144,
            format!("The request body must contain the following parameter: '{parameter}'."),
        )
    }

    pub(crate) fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The `error_description` line, as the platform writes it.
    pub(crate) fn description(
        &self,
        trace_id: &str,
        correlation_id: &str,
        timestamp: &str,
    ) -> String {
        format!(
            "AADSTS{}: {} Trace ID: {trace_id} Correlation ID: {correlation_id} Timestamp: {timestamp}",
            self.code, self.message
        )
    }

    /// The JSON body; `ids` are the trace and correlation ids.
    pub(crate) fn body(&self, origin: &str, trace_id: &str, correlation_id: &str) -> Value {
        let timestamp = chrono::Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string();
        let mut body = json!({
            "error": self.error,
            "error_description": self.description(trace_id, correlation_id, &timestamp),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("{origin}/microsoft/login/error?code={}", self.code),
        });
        if let Some(suberror) = self.suberror {
            body["suberror"] = json!(suberror);
        }
        if let Some(claims) = &self.claims {
            body["claims"] = json!(claims);
        }
        body
    }

    pub(crate) fn respond(
        &self,
        origin: &str,
        trace_id: &str,
        correlation_id: &str,
    ) -> HttpResponse {
        HttpResponse::build(self.status)
            .insert_header(("Cache-Control", "no-store"))
            .json(self.body(origin, trace_id, correlation_id))
    }
}
