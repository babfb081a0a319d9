//! Method arguments, as Slack takes them: query string, `application/x-www-form-urlencoded`
//! body or JSON body, merged (the body wins); the token from `Authorization: Bearer` or the
//! `token` argument.

use std::collections::HashMap;

use actix_web::HttpRequest;
use actix_web::http::header;

/// A method's arguments.
#[derive(Debug, Default)]
pub(crate) struct Args(HashMap<String, String>);

/// Why arguments could not be read (Slack answers `invalid_form_data` / `invalid_json`).
#[derive(Debug)]
pub(crate) enum ArgsError {
    Form,
    Json,
}

impl Args {
    pub(crate) fn parse(req: &HttpRequest, body: &[u8]) -> Result<Self, ArgsError> {
        let mut args: HashMap<String, String> =
            serde_urlencoded::from_str(req.query_string()).map_err(|_| ArgsError::Form)?;
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if body.is_empty() {
            return Ok(Self(args));
        }
        if content_type.starts_with("application/json") {
            let object: serde_json::Map<String, serde_json::Value> =
                serde_json::from_slice(body).map_err(|_| ArgsError::Json)?;
            for (key, value) in object {
                let value = match value {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                args.insert(key, value);
            }
        } else {
            let form: Vec<(String, String)> =
                serde_urlencoded::from_bytes(body).map_err(|_| ArgsError::Form)?;
            args.extend(form);
        }
        Ok(Self(args))
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// Slack booleans: `true`/`1` and `false`/`0`.
    pub(crate) fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1"))
    }

    /// A limit: absent or 0 gives `default`, above `max` is capped; not a number is an error.
    pub(crate) fn limit(&self, default: usize, max: usize) -> Result<usize, ()> {
        match self.get("limit") {
            None => Ok(default),
            Some(raw) => match raw.trim().parse::<i64>() {
                Ok(0) => Ok(default),
                Ok(n) if n > 0 => Ok((n as usize).min(max)),
                _ => Err(()),
            },
        }
    }
}

/// The bearer token of the request, else its `token` argument.
pub(crate) fn token(req: &HttpRequest, args: &Args) -> Option<String> {
    let bearer = crate::credentials::bearer(req).map(str::to_owned);
    bearer.or_else(|| args.get("token").map(str::to_owned))
}
