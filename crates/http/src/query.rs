//! [`Query`]: the query string, decoded into a route's parameters type.
//!
//! In place of actix-web's `web::Query` (whose errors do not say which parameter is wrong, and
//! which lets a NUL through); clippy's `disallowed-types` (`clippy.toml`) keeps that one out.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev};
use serde::de::DeserializeOwned;

use crate::envelope::FieldError;
use crate::error::ApiError;
use crate::nul;

/// The query string decoded into `T`. A parameter whose value does not parse is a 422 naming
/// it (`?limit=abc` → `limit`), as is a NUL in any parameter; an unknown or missing parameter
/// is a 422 whose message names it.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    /// The decoded parameters.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut dev::Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Query))
    }
}

/// Decodes a raw (still percent-encoded) query string into `T`.
///
/// # Errors
/// [`ApiError::Validation`] naming the parameter.
pub fn parse<T: DeserializeOwned>(raw: &str) -> Result<T, ApiError> {
    let pairs: Vec<_> = form_urlencoded::parse(raw.as_bytes()).collect();
    nul::refuse_in_params(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))?;
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = match e.path().to_string() {
            path if path == "." || path == "?" => String::new(),
            path => path,
        };
        ApiError::Validation(vec![FieldError::new(field, "invalid", e.inner().to_string())])
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Params {
        model: Option<String>,
        limit: Option<usize>,
    }

    fn field(result: Result<Params, ApiError>) -> (String, String) {
        match result {
            Err(ApiError::Validation(errors)) => {
                (errors[0].field.clone(), errors[0].message.clone())
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn decodes_parameters() {
        let params: Params = parse("model=api_key&limit=5").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(params, Params { model: Some("api_key".into()), limit: Some(5) });
    }

    #[test]
    fn a_value_that_does_not_parse_names_its_parameter() {
        assert_eq!(field(parse("limit=abc")).0, "limit");
        assert_eq!(field(parse("limit=-1")).0, "limit");
    }

    #[test]
    fn a_nul_is_refused_even_percent_encoded() {
        assert_eq!(field(parse("model=%00")).0, "model");
        assert_eq!(field(parse("limit=1&model=a%00b")).0, "model");
    }

    #[test]
    fn an_unknown_parameter_is_named_in_the_message() {
        assert!(field(parse("color=red")).1.contains("`color`"));
    }
}
