//! [`NamedEnvelopes`]: every success envelope's `data` refers to its message's schema.

use std::collections::BTreeSet;

use utoipa::Modify;
use utoipa::openapi::schema::ArrayBuilder;
use utoipa::openapi::{OpenApi as Document, Ref, RefOr, Schema};

/// utoipa writes a generic argument out inline, so `Envelope<User>` would carry an anonymous
/// copy of `User` and a generated client one model per envelope. This points `Envelope_User`'s
/// `data` at `#/components/schemas/User` (and `Envelope_Vec_X`'s at a list of `X`), and marks
/// it required: a success always carries it.
#[derive(Debug)]
pub struct NamedEnvelopes;

impl Modify for NamedEnvelopes {
    fn modify(&self, openapi: &mut Document) {
        let Some(components) = openapi.components.as_mut() else { return };
        let named: BTreeSet<String> = components.schemas.keys().cloned().collect();
        for (name, schema) in &mut components.schemas {
            let Some(message) = name.strip_prefix("Envelope_") else { continue };
            let RefOr::T(Schema::Object(envelope)) = schema else { continue };
            let data: Option<RefOr<Schema>> = if named.contains(message) {
                Some(Ref::from_schema_name(message).into())
            } else {
                message
                    .strip_prefix("Vec_")
                    .filter(|item| named.contains(*item))
                    .map(|item| ArrayBuilder::new().items(Ref::from_schema_name(item)).into())
            };
            // Without a schema of its own (a list of strings), `data` stays as written.
            if let Some(data) = data {
                envelope.properties.insert("data".to_owned(), data);
            }
            if !envelope.required.iter().any(|r| r == "data") {
                envelope.required.push("data".to_owned());
            }
        }
    }
}
