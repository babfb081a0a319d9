//! The mail service's errors as HTTP answers.
//!
//! Another user's (or no) account, folder, message, thread or attachment is a 404. What the
//! client must fix is a 422 naming the field: a provider that cannot be told or is not
//! configured (`provider`), a redirect URI off the allowlist (`redirect_uri`), an assertion
//! that is no token for this API (`assertion`; `POST /api/auth/microsoft` answers 401 itself),
//! a one-time link code that is not valid (`code`). The authorization's own failures map as
//! chat's OAuth does: an unknown, used or expired state or a grant the provider refuses is a
//! 400, another user's or another browser's authorization or a denial at the provider a 403;
//! each names its case in `errors[].code`. What the user must do at the provider is a 409 the
//! client can act on: `interaction_required` / `consent_required` with the provider's claims
//! challenge in `data`, `reauth_required`, or a feature off on this server (the message names
//! the setting). A provider that throttles, or cannot be reached, or an MX lookup that did not
//! answer, is a 503 (with `Retry-After` when there is a wait to tell); a provider that answers
//! with an error is a 502. Secrets, randomness and the job queue failing are 500s whose detail
//! only the log sees.

use actix_web::http::StatusCode;
use switchboard_services::MailServiceError;
use switchboard_services::mail::DetectError;

use super::{ApiError, Refusal};
use crate::envelope::{ErrorData, FieldError};
use crate::proto::v1::MailInteractionRequired;

/// What `Retry-After` says when the MX lookup did not answer: DNS timeouts are brief.
pub const MX_RETRY_AFTER_SECS: u64 = 10;

fn field(name: &str, code: &str, message: impl ToString) -> ApiError {
    ApiError::Validation(vec![FieldError::new(name, code, message.to_string())])
}

/// A refusal with `status`, whose one error names `field` and `code`.
fn refused(status: StatusCode, name: &str, code: &str, message: impl ToString) -> ApiError {
    let message = message.to_string();
    ApiError::Refused(Box::new(Refusal {
        status,
        errors: vec![FieldError::new(name, code, message.clone())],
        message,
        retry_after: None,
        data: None,
    }))
}

/// A 503 with `Retry-After`.
fn unavailable(name: &str, code: &str, message: String, retry_after: Option<u64>) -> ApiError {
    ApiError::Refused(Box::new(Refusal {
        status: StatusCode::SERVICE_UNAVAILABLE,
        errors: vec![FieldError::new(name, code, message.clone())],
        message,
        retry_after,
        data: None,
    }))
}

impl From<MailServiceError> for ApiError {
    fn from(e: MailServiceError) -> Self {
        use MailServiceError as E;
        match e {
            E::AccountNotFound
            | E::FolderNotFound
            | E::MessageNotFound
            | E::ThreadNotFound
            | E::AttachmentNotFound => ApiError::NotFound(e.to_string()),
            // The message itself asks for the provider: a client may show it as it is.
            E::Detect(DetectError::Unknown { .. }) => {
                refused(StatusCode::UNPROCESSABLE_ENTITY, "provider", "required", &e)
            }
            E::Detect(DetectError::Lookup(lookup)) => {
                tracing::warn!(error = %lookup, "MX lookup failed");
                let message = format!(
                    "cannot look up the domain's mail servers now; retry in {MX_RETRY_AFTER_SECS} seconds or give `provider`"
                );
                unavailable("provider", "lookup_failed", message, Some(MX_RETRY_AFTER_SECS))
            }
            E::ProviderNotConfigured(_) => field("provider", "not_configured", &e),
            E::RedirectNotAllowed => field("redirect_uri", "not_allowed", &e),
            E::StateInvalid => refused(StatusCode::BAD_REQUEST, "state", "state_invalid", &e),
            E::StateExpired => refused(StatusCode::BAD_REQUEST, "state", "state_expired", &e),
            E::GrantRefused(_) => refused(StatusCode::BAD_REQUEST, "code", "grant_refused", &e),
            E::StateMismatch => refused(StatusCode::FORBIDDEN, "state", "state_mismatch", &e),
            E::OtherBrowser => refused(StatusCode::FORBIDDEN, "state", "other_browser", &e),
            E::Denied(_) => refused(StatusCode::FORBIDDEN, "error", "denied", &e),
            E::LinkCodeInvalid => field("code", "link_code_invalid", &e),
            E::InteractionRequired { ref error, ref claims, ref description } => {
                tracing::debug!(%description, "the provider needs the user");
                let code = if error == "consent_required" {
                    "consent_required"
                } else {
                    "interaction_required"
                };
                let message =
                    format!("{e}: send them to the provider's sign-in, passing `claims` if given");
                let data = MailInteractionRequired {
                    error: error.clone(),
                    claims: claims.clone().unwrap_or_default(),
                };
                ApiError::Refused(Box::new(Refusal {
                    status: StatusCode::CONFLICT,
                    errors: vec![FieldError::new("assertion", code, message.clone())],
                    message,
                    retry_after: None,
                    data: Some(ErrorData::of(&data)),
                }))
            }
            E::InvalidAssertion(reason) => {
                tracing::debug!(%reason, "assertion refused");
                field("assertion", "invalid", "the assertion is not a valid token for this API")
            }
            E::ReauthRequired(_) => refused(StatusCode::CONFLICT, "", "reauth_required", &e),
            E::FeatureDisabled { .. } => refused(StatusCode::CONFLICT, "", "feature_disabled", &e),
            E::Invalid { field: name, .. } => field(name, "invalid", &e),
            E::RateLimited { retry_after } => {
                let secs = retry_after.as_secs().max(1);
                let message =
                    format!("the mail provider is rate limiting; retry in {secs} seconds");
                unavailable("provider", "rate_limited", message, Some(secs))
            }
            E::Unreachable(reason) => {
                tracing::warn!(%reason, "mail provider unreachable");
                let message = "the mail provider cannot be reached; try again later".to_owned();
                unavailable("provider", "unreachable", message, None)
            }
            E::Provider(inner) => {
                tracing::warn!(error = %inner, "mail provider failed");
                refused(
                    StatusCode::BAD_GATEWAY,
                    "provider",
                    "provider_error",
                    "the mail provider failed",
                )
            }
            E::Auth(inner) => {
                tracing::warn!(error = %inner, "mail provider authorization failed");
                let message = "the mail provider's authorization failed";
                refused(StatusCode::BAD_GATEWAY, "provider", "provider_error", message)
            }
            E::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use std::time::Duration;

    use actix_web::ResponseError;
    use actix_web::http::header;
    use switchboard_domain::mail::MailProvider;
    use switchboard_ports::mail::{MailError, MxError};
    use switchboard_ports::{CryptoError, MailAuthError};

    use super::*;

    fn answer(e: MailServiceError) -> (u16, Option<String>, String, Vec<FieldError>) {
        let error = ApiError::from(e);
        let response = error.error_response();
        let retry_after =
            response.headers().get(header::RETRY_AFTER).map(|v| v.to_str().unwrap().to_owned());
        let (message, errors) = error.body();
        (response.status().as_u16(), retry_after, message, errors)
    }

    #[test]
    fn a_throttling_or_unreachable_provider_is_503_and_says_when_it_can() {
        let (s, retry, _, errors) =
            answer(MailServiceError::RateLimited { retry_after: Duration::from_millis(1500) });
        assert_eq!(
            (s, retry.as_deref(), errors[0].code.as_str()),
            (503, Some("1"), "rate_limited")
        );
        let (s, retry, message, _) = answer(MailServiceError::Unreachable("10.0.0.9:443".into()));
        assert_eq!((s, retry), (503, None));
        assert!(!message.contains("10.0.0.9"), "{message}");
        let lookup = MxError { domain: "contoso.example".into(), reason: "timeout".into() };
        let (s, retry, _, errors) = answer(MailServiceError::Detect(DetectError::Lookup(lookup)));
        assert_eq!((s, retry.as_deref(), errors[0].field.as_str()), (503, Some("10"), "provider"));
    }

    #[test]
    fn a_failing_provider_is_502_without_its_words() {
        let provider = MailError::Provider { code: "ErrorX".into(), message: "secret-ish".into() };
        let auth =
            MailAuthError::Provider { code: "invalid_client".into(), description: "x".into() };
        for e in [MailServiceError::Provider(provider), MailServiceError::Auth(auth)] {
            let (s, _, message, _) = answer(e);
            assert_eq!(s, 502);
            assert!(!message.contains("secret-ish") && !message.contains("invalid_client"));
        }
    }

    #[test]
    fn what_the_user_must_do_is_a_409_naming_the_case() {
        let (s, _, _, errors) = answer(MailServiceError::ReauthRequired("Mail.Send".into()));
        assert_eq!((s, errors[0].code.as_str()), (409, "reauth_required"));
        let disabled =
            MailServiceError::FeatureDisabled { feature: "sending", setting: "mail.send" };
        let (s, _, message, _) = answer(disabled);
        assert_eq!(s, 409);
        assert!(message.contains("mail.send"), "{message}");
        let interaction = MailServiceError::InteractionRequired {
            error: "interaction_required".into(),
            claims: None,
            description: "AADSTS50076".into(),
        };
        let error = ApiError::from(interaction);
        assert_eq!(error.status_code().as_u16(), 409);
        let (_, errors) = error.body();
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code.as_str()),
            ("assertion", "interaction_required")
        );
        assert!(error.data().is_some(), "the client gets what to act on");
    }

    #[test]
    fn the_clients_mistakes_name_their_field() {
        for (e, field, code) in [
            (
                MailServiceError::ProviderNotConfigured(MailProvider::Google),
                "provider",
                "not_configured",
            ),
            (MailServiceError::RedirectNotAllowed, "redirect_uri", "not_allowed"),
            (MailServiceError::InvalidAssertion("aud".into()), "assertion", "invalid"),
            (MailServiceError::LinkCodeInvalid, "code", "link_code_invalid"),
            (MailServiceError::Invalid { field: "to", message: "none".into() }, "to", "invalid"),
        ] {
            let (s, _, _, errors) = answer(e);
            assert_eq!((s, errors[0].field.as_str(), errors[0].code.as_str()), (422, field, code));
        }
    }

    #[test]
    fn our_own_failures_are_500s_that_say_nothing_more() {
        for e in [
            MailServiceError::Random("no entropy".into()),
            MailServiceError::Job("queue full".into()),
            MailServiceError::Crypto(CryptoError("bad key".into())),
        ] {
            let (s, _, message, errors) = answer(e);
            assert_eq!((s, message.as_str(), errors.len()), (500, "internal server error", 0));
        }
    }
}
