//! Google's token endpoint refusals as [`MailAuthError`]s: `invalid_grant` ("Token has been
//! expired or revoked", a used code, a wrong verifier) is the user's to fix by linking again;
//! Google's own trouble is transient; anything else is a misconfigured client. No request
//! data is echoed: an error never carries a token.

use oauth2::basic::{BasicErrorResponse, BasicErrorResponseType};
use oauth2::{HttpClientError, RequestTokenError};
use switchboard_ports::MailAuthError;

/// A refusal's body as the port's error.
pub(crate) fn from_body(body: &BasicErrorResponse) -> MailAuthError {
    let description = body.error_description().cloned().unwrap_or_default();
    match body.error() {
        BasicErrorResponseType::InvalidGrant => {
            MailAuthError::InvalidGrant { code: "invalid_grant".to_owned(), description }
        }
        BasicErrorResponseType::Extension(code)
            if code == "server_error" || code == "temporarily_unavailable" =>
        {
            MailAuthError::Transport(format!("{code}: {description}"))
        }
        other => MailAuthError::Provider { code: other.as_ref().to_owned(), description },
    }
}

/// A failed oauth2 request.
pub(crate) fn from_oauth(
    e: RequestTokenError<HttpClientError<reqwest_graph::Error>, BasicErrorResponse>,
) -> MailAuthError {
    match e {
        RequestTokenError::ServerResponse(body) => from_body(&body),
        RequestTokenError::Request(HttpClientError::Reqwest(e)) => {
            MailAuthError::Transport(e.without_url().to_string())
        }
        RequestTokenError::Request(other) => MailAuthError::Transport(other.to_string()),
        // The body is not quoted: a success answer that fails to parse holds tokens.
        RequestTokenError::Parse(e, _body) => MailAuthError::Transport(format!(
            "unreadable answer from Google's token endpoint at {}",
            e.path()
        )),
        RequestTokenError::Other(reason) => MailAuthError::Transport(reason),
    }
}
