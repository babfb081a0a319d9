//! Linking mailboxes through the routes, against a fake Microsoft: starting (provider
//! detection, the redirect allowlist, the browser binding), the callback's refusals and
//! redirects, the one-time code another browser gets, On-Behalf-Of and Microsoft sign-in.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::{self, TestRequest};
use serde_json::{Value, json};
use switchboard_memory::ManualClock;

use crate::accounts::{app, bearer, get, member, post};
use crate::fake_mail::{AUTHORIZE, CLAIMS, GOOD_CODE, MAILBOX, NEEDS_CONSENT, VALID_ASSERTION};
use crate::mail::{call, fields, protobuf_data, writing_app};
use crate::support::{ALLOWED_REDIRECT, assert_error_envelope, identity, json_call};

#[actix_web::test]
async fn linking_starts_only_for_a_provider_it_can_tell_and_an_allowed_redirect() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (_, token) = member(&app, "ada@example.org").await;
    let link = |body: Value| bearer(post("/api/mail/link", body), &token);

    let (s, body) = call(&app, link(json!({"email": "ada@example.org"}))).await;
    assert_eq!(
        (s, fields(&body)),
        (422, vec![("provider".to_owned(), "required".to_owned())]),
        "{body}"
    );
    assert!(assert_error_envelope(&body).contains("give `provider`"), "{body}");
    for (body, field, code) in [
        (json!({"email": "ada@gmail.com"}), "provider", "not_configured"),
        (json!({"email": "ada@example.org", "provider": "yahoo"}), "provider", "invalid"),
        (json!({"email": "not an address"}), "email", "invalid"),
        (
            json!({"email": "ada@contoso.example", "redirect_uri": "https://evil.example/cb"}),
            "redirect_uri",
            "not_allowed",
        ),
        (
            json!({"email": "ada@contoso.example", "redirect_uri": "app://linked"}),
            "redirect_uri",
            "not_allowed",
        ),
    ] {
        let (s, err) = call(&app, link(body.clone())).await;
        assert_eq!(
            (s, fields(&err)),
            (422, vec![(field.to_owned(), code.to_owned())]),
            "{body}: {err}"
        );
    }
    let (s, h, body) = json_call(&app, link(json!({"email": "ada@dns-down.example"}))).await;
    assert_eq!((s, h.get("retry-after").map(|v| v.to_str().unwrap())), (503, Some("10")), "{body}");
    assert_eq!(fields(&body)[0], ("provider".to_owned(), "lookup_failed".to_owned()));

    // The MX records of contoso.example point at Microsoft 365.
    let req = link(json!({"email": "ada@contoso.example", "redirect_uri": ALLOWED_REDIRECT}));
    let (s, h, body) = json_call(&app, req).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["data"]["provider"], "microsoft");
    let url = body["data"]["authorization_url"].as_str().unwrap();
    assert!(
        url.starts_with(AUTHORIZE) && url.contains("login_hint=ada%40contoso.example"),
        "{url}"
    );
    let cookie = h.get("set-cookie").unwrap().to_str().unwrap();
    for part in [
        "switchboard_oauth_mail=",
        "Path=/api/mail/link/callback",
        "HttpOnly",
        "SameSite=Lax",
        "Max-Age=600",
    ] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
}

/// Starts a link as `token`: the state and the browser's binding cookie.
async fn start_link(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    token: &str,
    body: Value,
) -> (String, String) {
    let (s, h, started) = json_call(app, bearer(post("/api/mail/link", body), token)).await;
    assert_eq!(s, 200, "{started}");
    let url = started["data"]["authorization_url"].as_str().unwrap();
    let (_, query) = url.split_once('?').unwrap();
    let state = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let cookie = h.get("set-cookie").unwrap().to_str().unwrap();
    let binding = cookie.split(';').next().unwrap().to_owned();
    (state, binding)
}

fn callback(query: &str) -> TestRequest {
    TestRequest::get().uri(&format!("/api/mail/link/callback?{query}"))
}

#[actix_web::test]
async fn the_callback_refuses_foreign_replayed_and_denied_authorizations() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (_, ada) = member(&app, "ada@example.org").await;
    let (_, eve) = member(&app, "eve@example.org").await;
    let start = json!({"email": "ada@contoso.example"});

    // Eve, signed in, brings back Ada's authorization: refused, and spent.
    let (state, binding) = start_link(&app, &ada, start.clone()).await;
    let foreign = bearer(callback(&format!("code=c&state={state}")), &eve);
    let (s, h, body) = json_call(&app, foreign).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (403, "state_mismatch"), "{body}");
    assert!(
        h.get("set-cookie").unwrap().to_str().unwrap().contains("Max-Age=0"),
        "the cookie goes"
    );
    let replay = callback(&format!("code=c&state={state}")).insert_header(("Cookie", binding));
    let (s, body) = call(&app, replay).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (400, "state_invalid"), "{body}");

    // Another browser (no binding) without a client redirect URI links nothing.
    let (state, _) = start_link(&app, &ada, start.clone()).await;
    let (s, body) = call(&app, callback(&format!("code=c&state={state}"))).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (403, "other_browser"), "{body}");

    // Ada's own browser: the code goes to the provider, which refuses it; replaying the
    // state afterwards is refused as spent.
    let (state, binding) = start_link(&app, &ada, start.clone()).await;
    let own = callback(&format!("code=c&state={state}")).insert_header(("Cookie", binding.clone()));
    let (s, body) = call(&app, own).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (400, "grant_refused"), "{body}");
    let replay = callback(&format!("code=c&state={state}")).insert_header(("Cookie", binding));
    let (s, body) = call(&app, replay).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (400, "state_invalid"), "{body}");

    // Cancelled at the provider; a state never issued.
    let (state, binding) = start_link(&app, &ada, start).await;
    let denied = callback(&format!("error=access_denied&error_description=no&state={state}"))
        .insert_header(("Cookie", binding));
    let (s, body) = call(&app, denied).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (403, "denied"), "{body}");
    let (s, body) = call(&app, callback("code=c&state=forged")).await;
    assert_eq!(s, 400, "{body}");
    assert_error_envelope(&body);

    let (s, body) =
        call(&app, bearer(post("/api/mail/link/complete", json!({"code": "forged"})), &ada)).await;
    assert_eq!(
        (s, fields(&body)),
        (422, vec![("code".to_owned(), "link_code_invalid".to_owned())]),
        "{body}"
    );
    let (_, _, accounts) = json_call(&app, get("/api/mail/accounts", &ada)).await;
    assert_eq!(accounts["data"]["accounts"], json!([]), "nothing was linked");
}

#[actix_web::test]
async fn assertions_microsoft_refuses_or_wants_consent_for_answer_so() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (_, token) = member(&app, "ada@example.org").await;
    let obo = |assertion: &str| {
        bearer(post("/api/mail/link/microsoft/obo", json!({"assertion": assertion})), &token)
    };
    let (s, body) = call(&app, obo("forged")).await;
    assert_eq!(
        (s, fields(&body)),
        (422, vec![("assertion".to_owned(), "invalid".to_owned())]),
        "{body}"
    );
    let (s, body) = call(&app, obo(NEEDS_CONSENT)).await;
    assert_eq!(
        (s, fields(&body)[0].clone()),
        (409, ("assertion".to_owned(), "consent_required".to_owned())),
        "{body}"
    );
    assert_eq!(body["data"], json!({"error": "consent_required", "claims": CLAIMS}), "{body}");

    let sign_in = |assertion: &str| post("/api/auth/microsoft", json!({"assertion": assertion}));
    let (s, h, body) = json_call(&app, sign_in("forged")).await;
    assert_eq!(s, 401, "{body}");
    assert!(h.get("www-authenticate").is_some());
    let (s, body) = call(&app, sign_in(NEEDS_CONSENT)).await;
    assert_eq!((s, &body["data"]["claims"]), (409, &json!(CLAIMS)), "{body}");

    // In Protobuf, the same data arrives as the message the contract names.
    let req = sign_in(NEEDS_CONSENT).insert_header(("Accept", "application/x-protobuf"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), 409);
    let data = protobuf_data(test::read_body(res).await, "MailInteractionRequired");
    let claims = data.get_field_by_name("claims").unwrap();
    assert_eq!(claims.as_str(), Some(CLAIMS));
}

#[actix_web::test]
async fn linking_in_the_starting_browser_redirects_with_the_account_or_answers_it() {
    let (app, _, _) = writing_app!(identity(ManualClock::default()));
    let (_, ada) = member(&app, "ada@example.org").await;
    let start = json!({"email": MAILBOX, "redirect_uri": ALLOWED_REDIRECT});
    let (state, binding) = start_link(&app, &ada, start).await;
    let back = callback(&format!("code={GOOD_CODE}&state={state}&session_state=s"))
        .insert_header(("Cookie", binding));
    let res = test::call_service(&app, back.to_request()).await;
    assert_eq!(res.status(), 303);
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.contains("Max-Age=0") && cookie.contains("Path=/api/mail/link/callback"));
    let (_, list) = call(&app, get("/api/mail/accounts", &ada)).await;
    let account = &list["data"]["accounts"][0];
    assert_eq!(
        location,
        format!("{ALLOWED_REDIRECT}&account_id={}", account["id"].as_str().unwrap())
    );
    assert_eq!(
        (&account["address"], &account["status"]),
        (&json!(MAILBOX), &json!("syncing")),
        "{list}"
    );
    assert_eq!(account["display_name"], "Ada Lovelace");

    // Without a redirect URI the callback answers the account; the same mailbox again keeps it.
    let (state, binding) = start_link(&app, &ada, json!({"email": MAILBOX})).await;
    let back =
        callback(&format!("code={GOOD_CODE}&state={state}")).insert_header(("Cookie", binding));
    let (s, linked) = call(&app, back).await;
    assert_eq!(s, 200, "{linked}");
    assert_eq!(
        (&linked["data"]["account"]["id"], &linked["data"]["created"]),
        (&account["id"], &json!(false))
    );
}

#[actix_web::test]
async fn a_browser_that_did_not_start_gets_a_code_only_the_starter_can_complete() {
    let (app, _, _) = writing_app!(identity(ManualClock::default()));
    let (_, attacker) = member(&app, "mallory@example.org").await;
    let (_, victim) = member(&app, "victim@example.org").await;
    let start = json!({"email": MAILBOX, "redirect_uri": ALLOWED_REDIRECT});

    // Mallory starts and sends the link to the victim, who consents in their own browser.
    let (state, _) = start_link(&app, &attacker, start.clone()).await;
    let res =
        test::call_service(&app, callback(&format!("code={GOOD_CODE}&state={state}")).to_request())
            .await;
    assert_eq!(res.status(), 303);
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let code = location
        .strip_prefix(&format!("{ALLOWED_REDIRECT}&code="))
        .unwrap_or_else(|| panic!("{location}"));
    // The code lands in the victim's app, signed in as the victim: it is not theirs.
    let complete =
        |token: &str| bearer(post("/api/mail/link/complete", json!({"code": code})), token);
    let (s, body) = call(&app, complete(&victim)).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (422, "link_code_invalid"), "{body}");
    for token in [&attacker, &victim] {
        let (_, list) = call(&app, get("/api/mail/accounts", token)).await;
        assert_eq!(list["data"]["accounts"], json!([]), "nothing linked: {list}");
    }

    // The starter's own app completes its own code, once.
    let (state, _) = start_link(&app, &victim, start).await;
    let res =
        test::call_service(&app, callback(&format!("code={GOOD_CODE}&state={state}")).to_request())
            .await;
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let code = location.rsplit_once("code=").unwrap().1.to_owned();
    let (s, linked) =
        call(&app, bearer(post("/api/mail/link/complete", json!({"code": code})), &victim)).await;
    assert_eq!((s, &linked["data"]["created"]), (200, &json!(true)), "{linked}");
    assert_eq!(linked["data"]["account"]["address"], MAILBOX);
    let (s, again) =
        call(&app, bearer(post("/api/mail/link/complete", json!({"code": code})), &victim)).await;
    assert_eq!(s, 422, "once: {again}");
}

#[actix_web::test]
async fn a_microsoft_token_signs_in_and_links_the_mailbox() {
    let (app, _, _) = writing_app!(identity(ManualClock::default()));
    let sign_in = || post("/api/auth/microsoft", json!({"assertion": VALID_ASSERTION}));
    let (s, first) = call(&app, sign_in()).await;
    assert_eq!(s, 200, "{first}");
    let data = &first["data"];
    assert_eq!(
        (&data["token_type"], &data["created_user"]),
        (&json!("Bearer"), &json!(true)),
        "{first}"
    );
    assert!(
        data["expires_in"].as_u64().unwrap() > 0
            && !data["refresh_token"].as_str().unwrap().is_empty()
    );
    assert_eq!(data["linked"]["account"]["address"], MAILBOX);
    let token = data["access_token"].as_str().unwrap();
    let (s, list) = call(&app, get("/api/mail/accounts", token)).await;
    assert_eq!((s, &list["data"]["accounts"][0]["id"]), (200, &data["linked"]["account"]["id"]));
    let (s, again) = call(&app, sign_in()).await;
    assert_eq!((s, &again["data"]["created_user"]), (200, &json!(false)), "{again}");
    assert_eq!(again["data"]["linked"]["account"]["id"], data["linked"]["account"]["id"]);

    // On-Behalf-Of for a signed-in user links the same way.
    let (_, ada) = member(&app, "ada@example.org").await;
    let obo =
        bearer(post("/api/mail/link/microsoft/obo", json!({"assertion": VALID_ASSERTION})), &ada);
    let (s, linked) = call(&app, obo).await;
    assert_eq!((s, &linked["data"]["created"]), (200, &json!(true)), "{linked}");
}

/// Links Ada's mailbox through the callback; its account id.
pub async fn linked_mailbox(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    token: &str,
) -> String {
    let (state, binding) = start_link(app, token, json!({"email": MAILBOX})).await;
    let back =
        callback(&format!("code={GOOD_CODE}&state={state}")).insert_header(("Cookie", binding));
    let (s, linked) = call(app, back).await;
    assert_eq!(s, 200, "{linked}");
    linked["data"]["account"]["id"].as_str().unwrap().to_owned()
}
