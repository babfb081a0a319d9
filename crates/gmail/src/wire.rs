//! A second, lenient reading of an answer google-gmail1 could not decode. The crate decodes
//! `data` and `raw` itself with canonical padding required, and Gmail's base64url is not
//! always padded (attachments especially); one unpadded field would lose the whole message.
//! Here those fields are decoded leniently and written back padded, and the crate's own
//! types read the result, so the rest of the adapter sees one shape.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::mime_walk::decode_base64url;

/// The fields google-gmail1 decodes as base64.
const ENCODED: [&str; 2] = ["data", "raw"];

/// `body` read as `T` after its base64 fields were made canonical.
pub(crate) fn reread<T: DeserializeOwned>(body: &str) -> Option<T> {
    let mut value: Value = serde_json::from_str(body).ok()?;
    repad(&mut value);
    serde_json::from_value(value).ok()
}

fn repad(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                match field {
                    Value::String(text) if ENCODED.contains(&key.as_str()) => {
                        if let Some(bytes) = decode_base64url(text) {
                            *text = URL_SAFE.encode(bytes);
                        }
                    }
                    other => repad(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(repad),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use google_gmail1::api::MessagePartBody;

    use super::*;

    #[test]
    fn unpadded_data_is_read() {
        // "hi!x" is 4 bytes: canonical base64url needs "aGkheA==".
        let body: Option<MessagePartBody> = reread(r#"{"size":4,"data":"aGkheA"}"#);
        assert_eq!(body.and_then(|b| b.data), Some(b"hi!x".to_vec()));
    }
}
