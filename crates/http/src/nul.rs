//! Refusing NUL characters in whatever strings a request brings (body fields, query and path
//! parameters), as a 422 naming the field.
//!
//! PostgreSQL's `text` cannot hold a NUL, so one that got through failed deep in a query as a
//! 500. Valid UTF-8 and valid JSON (`"\u0000"`) or Protobuf allow it, so the extractors check
//! what they decoded; no route can forget to.

use serde::Serialize;
use serde_json::Value;

use crate::envelope::FieldError;
use crate::error::ApiError;

const NUL: char = '\0';

fn refused(field: String) -> FieldError {
    FieldError::new(field, "nul_byte", "must not contain a NUL character (U+0000)")
}

/// Refuses a decoded body any of whose strings (or map keys) holds a NUL, naming each such
/// field as the JSON decoder names fields (`name`, `scopes[1]`, `a.b`).
///
/// # Errors
/// [`ApiError::Validation`], one entry per field.
pub fn refuse_in_body<T: Serialize>(body: &T) -> Result<(), ApiError> {
    let value = serde_json::to_value(body)
        .map_err(|e| ApiError::Internal(format!("cannot inspect the decoded body: {e}")))?;
    let mut errors = Vec::new();
    collect(&value, &mut String::new(), &mut errors);
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

fn collect(value: &Value, path: &mut String, errors: &mut Vec<FieldError>) {
    match value {
        Value::String(s) if s.contains(NUL) => errors.push(refused(path.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                collect(item, path, errors);
                path.truncate(len);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                if key.contains(NUL) {
                    errors.push(refused(path.clone()));
                } else {
                    collect(item, path, errors);
                }
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Refuses named parameters (decoded query pairs, path segments) whose name or value holds a
/// NUL, naming each.
///
/// # Errors
/// [`ApiError::Validation`], one entry per parameter.
pub fn refuse_in_params<'a>(
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), ApiError> {
    let errors: Vec<FieldError> = params
        .into_iter()
        .filter(|(name, value)| name.contains(NUL) || value.contains(NUL))
        .map(|(name, _)| refused(name.replace(NUL, "\\u0000")))
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(result: Result<(), ApiError>) -> Vec<String> {
        match result {
            Err(ApiError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn names_every_field_that_holds_a_nul() {
        let body =
            json!({"name": "a\u{0}b", "scopes": ["read", "wr\u{0}ite"], "x": {"y": "\u{0}"}});
        assert_eq!(fields(refuse_in_body(&body)), ["name", "scopes[1]", "x.y"]);
        assert!(refuse_in_body(&json!({"name": "laptop", "n": 0, "ok": [true]})).is_ok());
    }

    #[test]
    fn a_nul_in_a_parameter_or_its_name_is_refused() {
        assert_eq!(fields(refuse_in_params([("model", "\u{0}"), ("limit", "1")])), ["model"]);
        assert_eq!(fields(refuse_in_params([("a\u{0}", "x")])), ["a\\u0000"]);
        assert!(refuse_in_params([("model", "user")]).is_ok());
    }
}
