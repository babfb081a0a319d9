//! `GET /api/admin/jobs`, `POST /api/admin/jobs/{id}/retry`, `DELETE /api/admin/jobs/{id}`:
//! admins only.

use serde_json::json;
use switchboard_domain::JobState;
use switchboard_domain::identity::Role;
use switchboard_memory::{ManualClock, MemoryStore};
use switchboard_ports::{NewJob, Transaction, UnitOfWork};

use crate::accounts::{app, bearer, delete, get, member, post, set_role};
use crate::support::{identity, json_call};

/// Enqueues a job and puts it in `state`; its id.
async fn job(uow: &MemoryStore, state: JobState) -> i64 {
    let job = NewJob {
        job_type: "send_digest".into(),
        payload: json!({"n": 1}),
        priority: 0,
        max_attempts: 3,
        dedupe_key: None,
        run_at: None,
    };
    let id = uow
        .transact(move |tx| Box::pin(async move { tx.enqueue(job).await }))
        .await
        .unwrap()
        .unwrap();
    uow.update(|s| s.jobs.get_mut(&id).unwrap().state = state).await;
    id
}

async fn state_of(uow: &MemoryStore, id: i64) -> Option<JobState> {
    uow.snapshot().await.jobs.get(&id).map(|j| j.state)
}

#[actix_web::test]
async fn members_get_403_on_every_jobs_route() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (_, member_token) = member(&app, "member@example.org").await;
    let failed = job(&uow, JobState::Failed).await;
    for id in [failed.to_string(), "999".to_owned()] {
        let (s, _, b) = json_call(
            &app,
            bearer(post(&format!("/api/admin/jobs/{id}/retry"), json!({})), &member_token),
        )
        .await;
        assert_eq!(s, 403, "retry {id}: {b}");
        let (s, _, _) =
            json_call(&app, delete(&format!("/api/admin/jobs/{id}"), &member_token)).await;
        assert_eq!(s, 403, "delete {id}");
    }
    let (s, _, _) = json_call(&app, get("/api/admin/jobs", &member_token)).await;
    assert_eq!(s, 403);
    assert_eq!(state_of(&uow, failed).await, Some(JobState::Failed), "untouched");
}

#[actix_web::test]
async fn admins_list_retry_and_delete_jobs() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (_, admin) = member(&app, "admin@example.org").await;
    set_role(&uow, "admin@example.org", Role::Admin).await;
    let queued = job(&uow, JobState::Queued).await;
    let failed = job(&uow, JobState::Failed).await;
    let dead = job(&uow, JobState::Dead).await;
    let running = job(&uow, JobState::Running).await;

    let (s, _, b) = json_call(&app, get("/api/admin/jobs", &admin)).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["data"]["counts"], json!({"queued": 1, "running": 1, "failed": 1, "dead": 1}));
    assert_eq!(b["data"]["jobs"].as_array().unwrap().len(), 4);
    let (_, _, b) = json_call(&app, get("/api/admin/jobs?state=dead", &admin)).await;
    assert_eq!(b["data"]["jobs"][0]["id"], dead, "{b}");
    assert_eq!(b["data"]["jobs"].as_array().unwrap().len(), 1);
    let (_, _, b) = json_call(&app, get(&format!("/api/admin/jobs?after={failed}"), &admin)).await;
    assert_eq!(b["data"]["jobs"].as_array().unwrap().len(), 2, "paging by id: {b}");
    let (s, _, b) = json_call(&app, get("/api/admin/jobs?state=bogus", &admin)).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (422, Some("state")), "{b}");

    let retry =
        |id: String| bearer(post(&format!("/api/admin/jobs/{id}/retry"), json!({})), &admin);
    for id in [failed, dead] {
        let (s, _, b) = json_call(&app, retry(id.to_string())).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(state_of(&uow, id).await, Some(JobState::Queued));
    }
    for id in [queued.to_string(), running.to_string(), "999".into(), "abc".into()] {
        let (s, _, b) = json_call(&app, retry(id.clone())).await;
        assert_eq!(s, 404, "retry {id}: {b}");
    }
    let (s, _, _) = json_call(&app, delete(&format!("/api/admin/jobs/{queued}"), &admin)).await;
    assert_eq!(s, 200);
    assert_eq!(state_of(&uow, queued).await, None, "deleted");
    for id in [running.to_string(), queued.to_string(), "abc".into()] {
        let (s, _, _) = json_call(&app, delete(&format!("/api/admin/jobs/{id}"), &admin)).await;
        assert_eq!(s, 404, "delete {id}");
    }
    assert_eq!(state_of(&uow, running).await, Some(JobState::Running), "a running job stays");

    let (s, _, key) = json_call(
        &app,
        bearer(post("/api/api-keys", json!({"name": "ro", "scopes": ["read"]})), &admin),
    )
    .await;
    assert_eq!(s, 201);
    let key = key["data"]["key"].as_str().unwrap();
    let (s, _, _) = json_call(&app, get("/api/admin/jobs", key)).await;
    assert_eq!(s, 200, "an admin's read key lists");
    let (s, _, _) = json_call(&app, delete(&format!("/api/admin/jobs/{running}"), key)).await;
    assert_eq!(s, 403, "but does not write");
}
