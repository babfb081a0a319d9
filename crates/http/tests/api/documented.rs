//! The server does what `/openapi.json` says: every operation's credentials, required fields
//! and validation rules are read from the document and tried against the running app, so the
//! document cannot promise what the handlers do not hold (or the reverse).

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::{self, TestRequest};
use serde_json::{Value, json};
use switchboard_domain::identity::Role;
use switchboard_http::build_app;
use switchboard_memory::{ManualClock, StaticReadiness};

use crate::accounts::{app, bearer, get, member, patch, post, set_role};
use crate::support::{deps_with, identity, json_call};

async fn document(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
) -> Value {
    let res = test::call_service(app, TestRequest::get().uri("/openapi.json").to_request()).await;
    serde_json::from_slice(&test::read_body(res).await).unwrap()
}

/// Every operation of the document: method, path, operation.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((method.clone(), path.clone(), op.clone()));
        }
    }
    ops
}

/// A request for `path` with every `{param}` a fresh id.
fn request(method: &str, path: &str) -> TestRequest {
    let mut uri = path.to_owned();
    while let Some(start) = uri.find('{') {
        let end = start + uri[start..].find('}').unwrap();
        uri.replace_range(start..=end, &uuid::Uuid::now_v7().to_string());
    }
    let method = actix_web::http::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    TestRequest::default().method(method).uri(&uri).peer_addr("10.9.9.9:1000".parse().unwrap())
}

/// The scopes the operation's `security` requires; `None` when no credential is required.
fn required_scopes(op: &Value) -> Option<Vec<String>> {
    let requirements = op["security"].as_array()?;
    if requirements.iter().any(|r| r.as_object().unwrap().is_empty()) {
        return None;
    }
    Some(
        requirements
            .iter()
            .flat_map(|r| r.as_object().unwrap().values())
            .flat_map(|s| s.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()))
            .collect(),
    )
}

/// The component schema of the operation's JSON request body.
fn body_schema<'d>(doc: &'d Value, op: &Value) -> Option<&'d Value> {
    let reference = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()?;
    Some(&doc["components"]["schemas"][reference.trim_start_matches("#/components/schemas/")])
}

fn fields(body: &Value) -> Vec<String> {
    let mut fields: Vec<String> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    fields.sort();
    fields
}

#[actix_web::test]
async fn every_operation_refuses_credentials_as_its_security_says() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let doc = document(&app).await;
    let (_, member_token) = member(&app, "member@example.org").await;
    let mut keys = Vec::new();
    for scope in ["read", "write"] {
        let (s, _, b) = json_call(
            &app,
            bearer(post("/api/api-keys", json!({"name": scope, "scopes": [scope]})), &member_token),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        keys.push((scope, b["data"]["key"].as_str().unwrap().to_owned()));
    }
    let (_, admin_token) = member(&app, "admin@example.org").await;
    set_role(&uow, "admin@example.org", Role::Admin).await;

    let mut checked = 0;
    for (method, path, op) in operations(&doc) {
        let documents = |status: &str| op["responses"][status].is_object();
        let with_body = |req: TestRequest| {
            if op.get("requestBody").is_some() { req.set_json(json!({})) } else { req }
        };
        let (s, h, b) = json_call(&app, with_body(request(&method, &path))).await;
        let Some(scopes) = required_scopes(&op) else {
            assert_ne!(s, 401, "{method} {path} asks for no credential: {b}");
            continue;
        };
        assert_eq!(s, 401, "{method} {path} documents a credential: {b}");
        assert!(h.get("www-authenticate").is_some());
        assert!(documents("401"), "{method} {path} does not document its 401");
        checked += 1;

        // Each credential that lacks one of the listed scopes or the role is a 403.
        let mut lacking: Vec<(&str, &str)> = Vec::new();
        for (scope, key) in &keys {
            if scopes.iter().any(|s| s != "admin" && s != scope) {
                lacking.push((scope, key));
            }
        }
        if scopes.iter().any(|s| s == "admin") {
            lacking.push(("a member's session", &member_token));
        }
        for (what, credential) in lacking {
            let (s, _, b) =
                json_call(&app, with_body(bearer(request(&method, &path), credential))).await;
            assert_eq!(s, 403, "{method} {path} with {what}: {b}");
            assert!(documents("403"), "{method} {path} does not document its 403");
        }
        if scopes.is_empty() {
            assert!(!documents("403"), "{method} {path} lists no scope but documents 403");
        }
        // And the credential that has them all is not refused (logging it out would end it).
        // (The event stream never ends: the app tests open it with each credential.)
        if path.starts_with("/api/auth/logout") || path == "/api/stream" {
            continue;
        }
        let (s, _, b) =
            json_call(&app, with_body(bearer(request(&method, &path), &admin_token))).await;
        assert!(s != 401 && s != 403, "{method} {path} refuses an admin's session: {b}");
    }
    assert!(checked >= 30, "authenticated operations checked: {checked}");
}

#[actix_web::test]
async fn every_required_field_left_out_is_a_422_naming_it_in_json_and_protobuf() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let doc = document(&app).await;
    let (_, token) = member(&app, "root@example.org").await;
    set_role(&uow, "root@example.org", Role::Superadmin).await;

    let mut bodies = 0;
    for (method, path, op) in operations(&doc) {
        let Some(schema) = body_schema(&doc, &op) else { continue };
        bodies += 1;
        let mut required: Vec<String> = schema["required"]
            .as_array()
            .map(|r| r.iter().map(|f| f.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default();
        required.sort();
        let call = |req: TestRequest| json_call(&app, bearer(req, &token));

        let (s, _, b) = call(request(&method, &path).set_json(json!({}))).await;
        // One of two fields: neither is required alone, an empty body is refused.
        if path == "/api/notifications/read" {
            assert_eq!((s, fields(&b)), (422, vec!["ids".to_owned()]), "{method} {path}: {b}");
        } else if required.is_empty() {
            assert_ne!(s, 422, "{method} {path} requires nothing: {b}");
        } else {
            assert_eq!((s, fields(&b)), (422, required.clone()), "{method} {path}: {b}");
            assert!(b["errors"].as_array().unwrap().iter().all(|e| e["code"] == "required"));
        }

        // Protobuf sends no empty string or list: an empty body lacks every such field.
        let absent: Vec<String> = required
            .iter()
            .filter(|f| {
                let types = schema["properties"][f.as_str()]["type"].to_string();
                types.contains("string") || types.contains("array")
            })
            .cloned()
            .collect();
        let protobuf = request(&method, &path)
            .insert_header(("Content-Type", "application/x-protobuf"))
            .set_payload(Vec::<u8>::new());
        let (s, _, b) = call(protobuf).await;
        if !absent.is_empty() {
            assert_eq!((s, fields(&b)), (422, absent), "{method} {path} in Protobuf: {b}");
        }

        // A JSON value that is not an object is no message, whatever serde would make of it.
        for not_an_object in [json!([]), json!(["a@example.org", "x"]), json!("x"), json!(1)] {
            let (s, _, b) = call(request(&method, &path).set_json(&not_an_object)).await;
            assert_eq!(s, 422, "{method} {path} with {not_an_object}: {b}");
        }
    }
    assert!(bodies >= 10, "operations with a body: {bodies}");
}

/// The rule the document states for `property` of the component `schema`.
fn rule(doc: &Value, schema: &str, property: &str, rule: &str) -> Value {
    let value = doc["components"]["schemas"][schema]["properties"][property][rule].clone();
    assert!(!value.is_null(), "{schema}.{property} has no {rule}");
    value
}

fn bound(doc: &Value, schema: &str, property: &str, name: &str) -> usize {
    usize::try_from(rule(doc, schema, property, name).as_u64().unwrap()).unwrap()
}

#[actix_web::test]
async fn the_documented_rules_hold_at_their_bounds() {
    let id = identity(ManualClock::default());
    let uow = id.uow.clone();
    let mut deps = deps_with(StaticReadiness::ready(), id);
    // Room for the longest password in multi-byte characters.
    deps.settings.body_limit = 64 * 1024;
    let app = test::init_service(build_app(deps)).await;
    let doc = document(&app).await;
    let mut registrations = 0;
    // Each registration from its own address, so the per-address throttle stays out of it.
    let mut register = async |body: Value| {
        registrations += 1;
        let req = TestRequest::post().uri("/api/auth/register").set_json(body).peer_addr(
            format!("10.1.{}.{}:1000", registrations / 200, registrations % 200).parse().unwrap(),
        );
        let (s, _, b) = json_call(&app, req).await;
        (s, b)
    };

    // Passwords, display names and emails at registration.
    let (min, max) = (
        bound(&doc, "RegisterRequest", "password", "minLength"),
        bound(&doc, "RegisterRequest", "password", "maxLength"),
    );
    // Characters, not bytes.
    for (n, password) in [(1, "p".repeat(min)), (2, "é".repeat(max))] {
        let (s, b) =
            register(json!({"email": format!("p{n}@example.org"), "password": password})).await;
        assert_eq!(s, 201, "{b}");
    }
    for password in ["p".repeat(min - 1), "é".repeat(max + 1)] {
        let (s, b) = register(json!({"email": "bad@example.org", "password": password})).await;
        assert_eq!((s, fields(&b)), (422, vec!["password".to_owned()]), "{b}");
    }
    let name_max = bound(&doc, "RegisterRequest", "display_name", "maxLength");
    let (s, b) = register(
        json!({"email": "n@example.org", "password": "correct horse", "display_name": "n".repeat(name_max)}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = register(
        json!({"email": "n2@example.org", "password": "correct horse", "display_name": "n".repeat(name_max + 1)}),
    )
    .await;
    assert_eq!((s, fields(&b)), (422, vec!["display_name".to_owned()]), "{b}");
    let pattern = rule(&doc, "RegisterRequest", "display_name", "pattern");
    assert!(pattern.as_str().unwrap().contains(r"\x00-\x1F"), "{pattern}");
    let (s, b) = register(
        json!({"email": "n3@example.org", "password": "correct horse", "display_name": "bell\u{7}"}),
    )
    .await;
    assert_eq!((s, fields(&b)), (422, vec!["display_name".to_owned()]), "{b}");
    assert_eq!(rule(&doc, "RegisterRequest", "email", "format"), "email");
    let email_max = bound(&doc, "RegisterRequest", "email", "maxLength");
    // A 64-character local part and labels of at most 63: the longest address is all domain.
    let email = |len: usize| {
        let domain_len = len - 65;
        let mut domain = String::new();
        while domain_len - domain.len() > 63 {
            domain.push_str(&"d".repeat(62));
            domain.push('.');
        }
        domain.push_str(&"c".repeat(domain_len - domain.len()));
        format!("{}@{domain}", "l".repeat(64))
    };
    assert_eq!(email(email_max).len(), email_max);
    let (s, b) = register(json!({"email": email(email_max), "password": "correct horse"})).await;
    assert_eq!(s, 201, "{b}");
    let (s, b) =
        register(json!({"email": email(email_max + 1), "password": "correct horse"})).await;
    assert_eq!((s, fields(&b)), (422, vec!["email".to_owned()]), "{b}");
    let (s, b) = register(json!({"email": "not an address", "password": "correct horse"})).await;
    assert_eq!((s, fields(&b)), (422, vec!["email".to_owned()]), "{b}");

    // The same bounds when the account changes.
    let (_, token) = member(&app, "me@example.org").await;
    assert_eq!(bound(&doc, "PasswordChange", "new_password", "minLength"), min);
    assert_eq!(bound(&doc, "PasswordChange", "new_password", "maxLength"), max);
    assert_eq!(bound(&doc, "UpdateMeRequest", "display_name", "maxLength"), name_max);
    let update = |body: Value| json_call(&app, bearer(patch("/api/me", body), &token));
    let (s, _, b) = update(json!({"display_name": "m".repeat(name_max + 1)})).await;
    assert_eq!((s, fields(&b)), (422, vec!["display_name".to_owned()]), "{b}");
    let (s, _, b) = update(json!({"display_name": "m".repeat(name_max)})).await;
    assert_eq!(s, 200, "{b}");
    let short = json!({"current_password": "correct horse", "new_password": "p".repeat(min - 1)});
    let (s, _, b) = update(json!({ "password_change": short })).await;
    assert_eq!((s, fields(&b)), (422, vec!["password_change.new_password".to_owned()]), "{b}");
    let (s, _, b) = update(json!({"display_name": null})).await;
    assert_eq!((s, fields(&b)), (422, vec!["display_name".to_owned()]), "null is no value: {b}");

    // API keys: a name of 1 to 100 characters, not blank; at least one known scope.
    let create = |body: Value| json_call(&app, bearer(post("/api/api-keys", body), &token));
    let key_max = bound(&doc, "CreateApiKeyRequest", "name", "maxLength");
    assert_eq!(bound(&doc, "CreateApiKeyRequest", "name", "minLength"), 1);
    for name in ["k".to_owned(), "k".repeat(key_max)] {
        let (s, _, b) = create(json!({"name": name, "scopes": ["read"]})).await;
        assert_eq!(s, 201, "{b}");
    }
    for name in [String::new(), "   ".to_owned(), "k".repeat(key_max + 1)] {
        let (s, _, b) = create(json!({"name": name, "scopes": ["read"]})).await;
        assert_eq!((s, fields(&b)), (422, vec!["name".to_owned()]), "{name:?}: {b}");
    }
    assert_eq!(rule(&doc, "CreateApiKeyRequest", "scopes", "minItems"), 1);
    let scopes = doc["components"]["schemas"]["CreateApiKeyRequest"]["properties"]["scopes"]
        ["items"]["enum"]
        .clone();
    for scope in scopes.as_array().unwrap() {
        let (s, _, b) = create(json!({"name": "k", "scopes": [scope]})).await;
        assert_eq!(s, 201, "{scope}: {b}");
    }
    for scopes in [json!([]), json!(["admin"])] {
        let (s, _, b) = create(json!({"name": "k", "scopes": scopes})).await;
        assert_eq!((s, fields(&b)), (422, vec!["scopes".to_owned()]), "{scopes}: {b}");
    }

    // Roles and chat source kinds: the listed names and no other.
    set_role(&uow, "me@example.org", Role::Superadmin).await;
    let (target, _) = member(&app, "target@example.org").await;
    let roles = rule(&doc, "AdminUpdateUserRequest", "role", "enum");
    for role in roles.as_array().unwrap().iter().filter(|r| !r.is_null()) {
        let uri = format!("/api/admin/users/{target}");
        let (s, _, b) = json_call(&app, bearer(patch(&uri, json!({"role": role})), &token)).await;
        assert_eq!((s, &b["data"]["role"]), (200, role), "{b}");
    }
    let uri = format!("/api/admin/users/{target}");
    let (s, _, b) = json_call(&app, bearer(patch(&uri, json!({"role": "god"})), &token)).await;
    assert_eq!((s, fields(&b)), (422, vec!["role".to_owned()]), "{b}");
    let kinds = rule(&doc, "ConnectChatSourceRequest", "kind", "enum");
    assert_eq!(kinds, json!(["slack", "mattermost"]));
    let connect = json!({"kind": "teams", "token": "t"});
    let (s, _, b) = json_call(&app, bearer(post("/api/chat/sources", connect), &token)).await;
    assert_eq!((s, fields(&b)), (422, vec!["kind".to_owned()]), "{b}");

    // Page sizes: 1 to the documented maximum.
    for path in ["/api/events", "/api/admin/users", "/api/admin/jobs"] {
        let limit = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "limit")
            .unwrap()["schema"]
            .clone();
        assert_eq!(limit["minimum"], 1, "{path}");
        let max = limit["maximum"].as_u64().unwrap();
        for (n, status) in [(0, 422), (1, 200), (max, 200), (max + 1, 422)] {
            let (s, _, b) = json_call(&app, get(&format!("{path}?limit={n}"), &token)).await;
            assert_eq!(s, status, "{path}?limit={n}: {b}");
            if status == 422 {
                assert_eq!(fields(&b), ["limit"]);
            }
        }
    }
}
