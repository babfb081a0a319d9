//! Through the real binary: the CLI creates a superadmin, who logs in over HTTP; refresh
//! reuse and throttling hold in the database.

use std::process::Stdio;

use serde_json::{Value, json};
use switchboard_test_support::TestDb;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::support::switchboard;

#[tokio::test(flavor = "multi_thread")]
async fn cli_superadmin_logs_in_refresh_reuse_and_throttling_over_postgres() {
    let db = TestDb::migrated().await;
    let out = switchboard(&db)
        .args(["admin", "create-user", "--email", "Root@Example.org", "--role", "superadmin"])
        .env("SWITCHBOARD_ADMIN_PASSWORD", "correct horse battery")
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("superadmin root@example.org"));

    let mut child = switchboard(&db)
        .args(["admin", "create-user", "--email", "m@example.org"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"from stdin 123\n").await.unwrap();
    assert!(child.wait().await.unwrap().success(), "password from stdin");

    // No grace for a refresh token presented again, and a long wait once this address has
    // failed for the account more than four times, so both rules show without timing.
    let mut server = switchboard(&db)
        .arg("serve")
        .env("SWITCHBOARD__AUTH__REFRESH_REUSE_GRACE_SECS", "0")
        .env("SWITCHBOARD__AUTH__LIMITS__FAILED_PER_ACCOUNT_IP", "4")
        .env("SWITCHBOARD__AUTH__LIMITS__FAILED_DELAY_SECS", "600")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next_line().await.unwrap().expect("server exited");
        let log: Value = serde_json::from_str(&line).unwrap();
        if log["fields"]["message"] == "listening" {
            break log["fields"]["api"].as_str().unwrap().to_owned();
        }
    };
    let http = reqwest::Client::new();
    let call = |path: &str, body: Value| {
        let req = http.post(format!("{base}{path}")).json(&body);
        async move {
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap())
        }
    };
    let (s, login) = call(
        "/api/auth/login",
        json!({"email": "root@example.org", "password": "correct horse battery"}),
    )
    .await;
    assert_eq!(s, 200, "{login}");
    let access = login["data"]["access_token"].as_str().unwrap();
    let me: Value = http
        .get(format!("{base}/api/me"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["data"]["role"], "superadmin");
    let users =
        http.get(format!("{base}/api/admin/users")).bearer_auth(access).send().await.unwrap();
    assert_eq!(users.status(), 200);

    let r1 = login["data"]["refresh_token"].clone();
    let (s, _) = call("/api/auth/refresh", json!({"refresh_token": r1})).await;
    assert_eq!(s, 200);
    let (s, _) = call("/api/auth/refresh", json!({"refresh_token": r1})).await;
    assert_eq!(s, 401, "reuse");
    let res = http.get(format!("{base}/api/me")).bearer_auth(access).send().await.unwrap();
    assert_eq!(res.status(), 401, "the family is revoked");

    for _ in 0..5 {
        let (s, _) =
            call("/api/auth/login", json!({"email": "m@example.org", "password": "nope nope"}))
                .await;
        assert_eq!(s, 401);
    }
    let res = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": "m@example.org", "password": "from stdin 123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((2..=600).contains(&retry), "the configured wait, even with the password: {retry}");

    let rows = db.client().await.query("SELECT count(*) FROM throttles", &[]).await.unwrap();
    assert!(rows[0].get::<_, i64>(0) >= 2, "the limiter's state is in PostgreSQL");
    drop(server);

    let out = switchboard(&db).args(["admin", "rotate-secrets"]).output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
