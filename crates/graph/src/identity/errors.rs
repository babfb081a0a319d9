//! The identity platform's refusals as [`MailAuthError`]s, decided once
//! (<https://learn.microsoft.com/entra/identity-platform/reference-error-codes>): a dead grant
//! (`invalid_grant`, whatever its AADSTS code) is the user's to fix by linking again; a need
//! for the user (`interaction_required`, `consent_required`, or `consent_required` as the
//! `suberror` of `invalid_grant`) goes back to the client with its `claims`; the platform's
//! own trouble is transient. No request data is echoed: an error never carries a token.

use oauth2::{HttpClientError, RequestTokenError};
use serde::{Deserialize, Serialize};
use switchboard_ports::MailAuthError;

/// The JSON body of a token endpoint error, Microsoft's fields included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub(crate) struct AadErrorBody {
    /// The OAuth error code (`invalid_grant`, …).
    #[serde(default)]
    pub error: String,
    /// `AADSTS…: message Trace ID: … Correlation ID: … Timestamp: …`.
    #[serde(default)]
    pub error_description: String,
    /// The AADSTS numbers.
    #[serde(default)]
    pub error_codes: Vec<u64>,
    /// A finer reason (`consent_required`, `basic_action`, …).
    #[serde(default)]
    pub suberror: Option<String>,
    /// The claims challenge to pass back to the authorization endpoint.
    #[serde(default)]
    pub claims: Option<String>,
}

impl std::fmt::Display for AadErrorBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.error_description)
    }
}

impl oauth2::ErrorResponse for AadErrorBody {}

impl AadErrorBody {
    /// `AADSTS{n}` from `error_codes`, else from the description's prefix.
    fn aadsts(&self) -> Option<String> {
        if let Some(code) = self.error_codes.first() {
            return Some(format!("AADSTS{code}"));
        }
        let digits = self.error_description.strip_prefix("AADSTS")?;
        let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
        (end > 0).then(|| format!("AADSTS{}", &digits[..end]))
    }

    /// The error this refusal means.
    pub(crate) fn into_error(self) -> MailAuthError {
        let consent = self.suberror.as_deref() == Some("consent_required");
        match self.error.as_str() {
            "interaction_required" | "consent_required" => MailAuthError::InteractionRequired {
                error: if consent { "consent_required".to_owned() } else { self.error },
                claims: self.claims,
                description: self.error_description,
            },
            "invalid_grant" if consent => MailAuthError::InteractionRequired {
                error: "consent_required".to_owned(),
                claims: self.claims,
                description: self.error_description,
            },
            "invalid_grant" => MailAuthError::InvalidGrant {
                code: self.aadsts().unwrap_or(self.error),
                description: self.error_description,
            },
            "server_error" | "temporarily_unavailable" => {
                MailAuthError::Transport(format!("{}: {}", self.error, self.error_description))
            }
            _ => MailAuthError::Provider { code: self.error, description: self.error_description },
        }
    }
}

/// An error answer (any non-200 status) of the token endpoint: a readable error body is
/// classified, anything else (a 5xx page, an empty body) is transport trouble.
pub(crate) fn from_answer(status: u16, body: &[u8]) -> MailAuthError {
    match serde_json::from_slice::<AadErrorBody>(body) {
        Ok(error) if !error.error.is_empty() => error.into_error(),
        _ => MailAuthError::Transport(format!("the token endpoint answered HTTP {status}")),
    }
}

/// A failed reqwest call, without its URL's query (never holds a token, but stays short).
pub(crate) fn from_reqwest(e: reqwest_graph::Error) -> MailAuthError {
    MailAuthError::Transport(e.without_url().to_string())
}

/// A failed oauth2 request.
pub(crate) fn from_oauth(
    e: RequestTokenError<HttpClientError<reqwest_graph::Error>, AadErrorBody>,
) -> MailAuthError {
    match e {
        RequestTokenError::ServerResponse(body) => body.into_error(),
        RequestTokenError::Request(HttpClientError::Reqwest(e)) => from_reqwest(*e),
        RequestTokenError::Request(other) => MailAuthError::Transport(other.to_string()),
        // The body is not quoted: a success answer that fails to parse holds tokens.
        RequestTokenError::Parse(e, _body) => MailAuthError::Transport(format!(
            "unreadable answer from the token endpoint at {}",
            e.path()
        )),
        RequestTokenError::Other(reason) => MailAuthError::Transport(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> MailAuthError {
        from_answer(400, json.as_bytes())
    }

    #[test]
    fn dead_grants_need_for_the_user_and_trouble_map_once() {
        let revoked = body(
            r#"{"error":"invalid_grant","error_description":"AADSTS50173: revoked","error_codes":[50173]}"#,
        );
        assert!(
            matches!(revoked, MailAuthError::InvalidGrant { code, .. } if code == "AADSTS50173")
        );
        let no_codes =
            body(r#"{"error":"invalid_grant","error_description":"AADSTS70008: expired"}"#);
        assert!(
            matches!(no_codes, MailAuthError::InvalidGrant { code, .. } if code == "AADSTS70008")
        );
        let bare = body(r#"{"error":"invalid_grant","error_description":"gone"}"#);
        assert!(
            matches!(bare, MailAuthError::InvalidGrant { code, .. } if code == "invalid_grant")
        );
        let mfa = body(r#"{"error":"interaction_required","error_description":"d","claims":"{}"}"#);
        assert_eq!(
            mfa,
            MailAuthError::InteractionRequired {
                error: "interaction_required".into(),
                claims: Some("{}".into()),
                description: "d".into()
            }
        );
        let consent = body(
            r#"{"error":"invalid_grant","error_description":"d","suberror":"consent_required"}"#,
        );
        assert!(
            matches!(consent, MailAuthError::InteractionRequired { error, .. } if error == "consent_required")
        );
        let client = body(r#"{"error":"invalid_client","error_description":"AADSTS7000215: bad"}"#);
        assert!(matches!(client, MailAuthError::Provider { code, .. } if code == "invalid_client"));
        assert!(body(r#"{"error":"temporarily_unavailable"}"#).is_transient());
        assert!(from_answer(502, b"<html>bad gateway</html>").is_transient());
        assert!(from_answer(500, b"").is_transient());
    }
}
