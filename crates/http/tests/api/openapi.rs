//! The OpenAPI document and the offline docs page.

use actix_web::test::{self, TestRequest};

use crate::support::app;

async fn document() -> serde_json::Value {
    let app = app().await;
    let res = test::call_service(&app, TestRequest::get().uri("/openapi.json").to_request()).await;
    assert_eq!(res.status(), 200);
    serde_json::from_slice(&test::read_body(res).await).unwrap()
}

#[actix_web::test]
async fn is_openapi_3_1_with_every_route() {
    let doc = document().await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    for path in ["/healthz", "/readyz", "/version"] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} missing");
    }
    assert!(doc["components"]["schemas"]["ErrorEnvelope"].is_object());
}

#[actix_web::test]
async fn every_operation_documents_both_media_types_and_its_errors() {
    let doc = document().await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let ok =
                &responses.iter().find(|(status, _)| status.starts_with('2')).unwrap().1["content"];
            // An attachment download answers the file's own bytes; its errors are enveloped.
            if path.ends_with("/attachments/{attachment_id}") {
                assert!(ok["application/octet-stream"].is_object(), "{method} {path}");
            } else if path == "/api/stream" {
                // Server-Sent Events; its errors are enveloped like every other.
                assert!(ok["text/event-stream"].is_object(), "{method} {path}");
            } else {
                assert!(ok["application/json"].is_object(), "{method} {path}");
            }
            // The JWKS is the standard plain-JSON document, not the envelope.
            if path != "/.well-known/jwks.json" && ok["application/json"].is_object() {
                assert!(ok["application/x-protobuf"].is_object(), "{method} {path}");
            }
            for status in ["406", "500"] {
                let error = &responses[status]["content"];
                assert_eq!(
                    error["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorEnvelope",
                    "{method} {path} {status}"
                );
                assert!(error["application/x-protobuf"].is_object());
            }
        }
    }
}

#[actix_web::test]
async fn success_schemas_are_the_envelope() {
    let doc = document().await;
    let schema = &doc["paths"]["/version"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    let text = schema.to_string();
    // Inline or by reference, the schema must describe the envelope around VersionInfo.
    let resolved = match schema["$ref"].as_str() {
        Some(r) => {
            doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")].to_string()
        }
        None => text,
    };
    for field in ["status", "data", "message"] {
        assert!(resolved.contains(field), "{resolved}");
    }
    assert!(doc.to_string().contains("git_commit"));
}

#[actix_web::test]
async fn docs_are_served_from_the_binary_with_no_external_host() {
    let app = app().await;
    let res = test::call_service(&app, TestRequest::get().uri("/docs").to_request()).await;
    assert!(res.status().is_redirection());

    let mut pages = vec!["/docs/".to_owned()];
    let res = test::call_service(&app, TestRequest::get().uri("/docs/").to_request()).await;
    assert_eq!(res.status(), 200);
    let html = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    // Every asset the page loads must come from us, and answer.
    for asset in html.split(['"', '\'']).filter(|s| s.starts_with("./")) {
        pages.push(format!("/docs/{}", asset.trim_start_matches("./")));
    }
    assert!(pages.len() > 2, "the page loads its assets: {pages:?}");
    for page in pages {
        let res = test::call_service(&app, TestRequest::get().uri(&page).to_request()).await;
        assert_eq!(res.status(), 200, "{page}");
        let body = String::from_utf8_lossy(&test::read_body(res).await).to_string();
        if page.ends_with(".html") || page.ends_with('/') || page.ends_with("initializer.js") {
            assert!(!body.contains("http://"), "{page} references an external host");
            assert!(!body.contains("https://"), "{page} references an external host");
        }
    }
}

#[actix_web::test]
async fn request_bodies_are_documented_in_both_encodings_with_their_errors() {
    let doc = document().await;
    let mut bodies = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(body) = op.get("requestBody") else { continue };
            bodies += 1;
            assert!(body["content"]["application/json"].is_object(), "{method} {path}");
            assert!(body["content"]["application/x-protobuf"].is_object(), "{method} {path}");
            for status in ["400", "413", "415", "422"] {
                assert!(op["responses"][status].is_object(), "{method} {path} lacks {status}");
            }
        }
    }
    assert!(bodies >= 4, "register, login, refresh, api keys… take bodies: {bodies}");
}

#[actix_web::test]
async fn path_parameters_are_in_the_path_and_query_parameters_in_the_query() {
    let doc = document().await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let mut template: Vec<String> =
            path.split('{').skip(1).map(|p| p.split('}').next().unwrap().to_owned()).collect();
        template.sort();
        for (method, op) in item.as_object().unwrap() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let mut in_path: Vec<String> = params
                .iter()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect();
            in_path.sort();
            assert_eq!(in_path, template, "{method} {path}: path parameters");
            // The one header parameter is the standard one SSE clients resume with.
            assert!(params.iter().all(|p| p["in"] == "path"
                || p["in"] == "query"
                || (path == "/api/stream" && p["name"] == "Last-Event-ID")));
        }
    }
    for path in ["/api/events", "/api/admin/users", "/api/admin/jobs"] {
        let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
        assert!(params.iter().any(|p| p["name"] == "limit" && p["in"] == "query"), "{path}");
    }
}

#[actix_web::test]
async fn authenticated_operations_document_401_and_scoped_ones_403() {
    let doc = document().await;
    let mut authenticated = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(requirements) = op["security"].as_array() else { continue };
            if requirements.iter().any(|r| r.as_object().unwrap().is_empty()) {
                continue; // optional credentials
            }
            authenticated += 1;
            assert!(op["responses"]["401"].is_object(), "{method} {path} lacks 401");
            let scoped = requirements.iter().any(|r| {
                r.as_object().unwrap().values().any(|s| !s.as_array().unwrap().is_empty())
            });
            assert_eq!(op["responses"]["403"].is_object(), scoped, "{method} {path}: 403");
        }
    }
    assert!(authenticated >= 30, "{authenticated}");
}

#[actix_web::test]
async fn every_envelope_names_the_schema_of_its_data() {
    let doc = document().await;
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let envelopes: Vec<_> = schemas.iter().filter(|(n, _)| n.starts_with("Envelope_")).collect();
    assert!(envelopes.len() > 15);
    for (name, envelope) in envelopes {
        let data = &envelope["properties"]["data"];
        let reference = data["$ref"].as_str().or_else(|| data["items"]["$ref"].as_str());
        match reference {
            Some(r) => assert!(schemas.contains_key(r.trim_start_matches("#/components/schemas/"))),
            // A list of strings is the only data without a model of its own.
            None => assert_eq!(data["items"]["type"], "string", "{name}: {data}"),
        }
        assert!(envelope["required"].as_array().unwrap().contains(&"data".into()), "{name}");
    }
}

#[actix_web::test]
async fn fields_are_required_unless_the_proto_declares_them_optional() {
    let doc = document().await;
    let pool = crate::contract::shipped_contract();
    let mut optional = 0;
    for message in pool.all_messages().filter(|m| m.package_name() == "switchboard.v1") {
        let schema = &doc["components"]["schemas"][message.name()];
        // The bare-array answers have no schema of their own.
        let Some(properties) = schema["properties"].as_object() else { continue };
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().map(|f| f.as_str().unwrap()).collect())
            .unwrap_or_default();
        for field in message.fields() {
            assert!(properties.contains_key(field.name()), "{}.{}", message.name(), field.name());
            let declared_optional = field.field_descriptor_proto().proto3_optional()
                || switchboard_http::proto::v1::OPTIONAL_LISTS
                    .contains(&format!(".{}", field.full_name()).as_str());
            optional += usize::from(declared_optional);
            assert_eq!(
                required.contains(&field.name()),
                !declared_optional,
                "{}.{}",
                message.name(),
                field.name()
            );
        }
    }
    assert!(optional >= 7, "optional fields: {optional}");
}

#[actix_web::test]
async fn operation_ids_are_unique_so_generated_clients_keep_every_operation() {
    let doc = document().await;
    let mut ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap())
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "{ids:?}");
}
