//! [`ValidationRules`]: the rules the services enforce on request fields, in the schema.
//!
//! The bounds are the domain's constants where it names them; the `validation_rules` test of
//! the API checks every rule here against the server (a value at each bound accepted, one past
//! it refused), so the document and the enforcement cannot drift apart.

use std::collections::BTreeMap;

use serde_json::Value;
use switchboard_domain::chat::ChatProvider;
use switchboard_domain::identity::{Password, Role, Scopes};
use switchboard_domain::mail::MailProvider;
use utoipa::Modify;
use utoipa::openapi::schema::{ArrayItems, Object, SchemaFormat, Type};
use utoipa::openapi::{OpenApi as Document, RefOr, Schema};

/// The longest email address accepted (RFC 5321's path limit, as `EmailAddress::parse` has it).
const EMAIL_MAX_CHARS: usize = 254;
/// The longest display name and API key name accepted (the account and key services' limit).
const NAME_MAX_CHARS: usize = 100;

/// Adds `format`, `minLength`, `maxLength`, `pattern`, `enum` and `minItems` to the request
/// schemas' fields, as the services check them.
#[derive(Debug)]
pub struct ValidationRules;

type Schemas = BTreeMap<String, RefOr<Schema>>;

impl Modify for ValidationRules {
    fn modify(&self, openapi: &mut Document) {
        let Some(components) = openapi.components.as_mut() else { return };
        let schemas = &mut components.schemas;
        let password = |o: &mut Object| {
            o.min_length = Some(Password::MIN_CHARS);
            o.max_length = Some(Password::MAX_CHARS);
        };
        let display_name = |o: &mut Object| {
            o.max_length = Some(NAME_MAX_CHARS);
            // No control character but the blanks trimmed from either end.
            o.pattern = Some(r"^\s*[^\x00-\x1F\x7F-\x9F]*\s*$".to_owned());
        };
        field(schemas, "RegisterRequest", "email", |o| {
            o.format = Some(SchemaFormat::Custom("email".to_owned()));
            o.max_length = Some(EMAIL_MAX_CHARS);
        });
        field(schemas, "RegisterRequest", "password", password);
        field(schemas, "RegisterRequest", "display_name", display_name);
        field(schemas, "PasswordChange", "new_password", password);
        field(schemas, "UpdateMeRequest", "display_name", display_name);
        field(schemas, "CreateApiKeyRequest", "name", |o| {
            // Trimmed first: a name of blanks only is empty.
            o.min_length = Some(1);
            o.max_length = Some(NAME_MAX_CHARS);
            o.pattern = Some(r"\S".to_owned());
        });
        field(schemas, "CreateApiKeyRequest", "expires_at", |o| {
            o.format = Some(SchemaFormat::Custom("date-time".to_owned()));
        });
        scopes(schemas, "CreateApiKeyRequest", "scopes");
        let roles = [Role::Member, Role::Admin, Role::Superadmin].map(Role::as_str);
        field(schemas, "AdminUpdateUserRequest", "role", |o| one_of(o, &roles));
        let kinds = [ChatProvider::Slack, ChatProvider::Mattermost].map(|p| p.to_string());
        field(schemas, "ConnectChatSourceRequest", "kind", |o| one_of(o, &kinds));
        field(schemas, "ConnectChatSourceRequest", "token", |o| o.min_length = Some(1));
        field(schemas, "ConnectChatSourceRequest", "base_url", |o| {
            o.format = Some(SchemaFormat::Custom("uri".to_owned()));
        });
        field(schemas, "MailLinkRequest", "email", |o| {
            o.format = Some(SchemaFormat::Custom("email".to_owned()));
            o.max_length = Some(EMAIL_MAX_CHARS);
        });
        let providers = [MailProvider::Microsoft, MailProvider::Google].map(|p| p.to_string());
        field(schemas, "MailLinkRequest", "provider", |o| one_of(o, &providers));
        field(schemas, "MailLinkRequest", "redirect_uri", |o| {
            o.format = Some(SchemaFormat::Custom("uri".to_owned()));
        });
        field(schemas, "SendMailRequest", "account_id", |o| {
            o.format = Some(SchemaFormat::Custom("uuid".to_owned()));
        });
        field(schemas, "SendMailRequest", "reply_to_message_id", |o| {
            o.format = Some(SchemaFormat::Custom("uuid".to_owned()));
        });
        field(schemas, "MailDigestRequest", "account_id", |o| {
            o.format = Some(SchemaFormat::Custom("uuid".to_owned()));
        });
        // ISO 8601 forms beyond RFC 3339 (a date, no offset) are accepted too.
        field(schemas, "MailDigestRequest", "time", |o| {
            o.format = Some(SchemaFormat::Custom("date-time".to_owned()));
        });
        if let Some(RefOr::T(Schema::Array(to))) = property_of(schemas, "SendMailRequest", "to") {
            to.min_items = Some(1);
        }
    }
}

/// The string property `property` of the component `schema`.
fn field(schemas: &mut Schemas, schema: &str, property: &str, rule: impl FnOnce(&mut Object)) {
    if let Some(RefOr::T(Schema::Object(o))) = property_of(schemas, schema, property) {
        rule(o);
    }
}

/// A list of scope names: at least one, each known.
fn scopes(schemas: &mut Schemas, schema: &str, property: &str) {
    if let Some(RefOr::T(Schema::Array(list))) = property_of(schemas, schema, property) {
        list.min_items = Some(1);
        if let ArrayItems::RefOrSchema(item) = &mut list.items
            && let RefOr::T(Schema::Object(item)) = item.as_mut()
        {
            one_of(item, &Scopes::all().names());
        }
    }
}

fn property_of<'a>(
    schemas: &'a mut Schemas,
    schema: &str,
    property: &str,
) -> Option<&'a mut RefOr<Schema>> {
    match schemas.get_mut(schema)? {
        RefOr::T(Schema::Object(o)) => o.properties.get_mut(property),
        _ => None,
    }
}

/// An `enum` of `values`, and `null` too when the field may be null (an optional field).
fn one_of(o: &mut Object, values: &[impl AsRef<str>]) {
    let mut values: Vec<Value> = values.iter().map(|v| Value::from(v.as_ref())).collect();
    if matches!(&o.schema_type, utoipa::openapi::schema::SchemaType::Array(types) if types.contains(&Type::Null))
    {
        values.push(Value::Null);
    }
    o.enum_values = Some(values);
}
