//! Domain values as the contract's messages.

use chrono::{DateTime, SecondsFormat, Utc};
use switchboard_domain::identity::{ApiKey, Session, SessionId, User};
use switchboard_services::TokenPair;

use crate::proto::v1;

/// RFC 3339, seconds, `Z`.
pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A user.
pub fn user(u: &User) -> v1::User {
    v1::User {
        id: u.id.to_string(),
        email: u.email.to_string(),
        display_name: u.display_name.clone(),
        role: u.role.to_string(),
        disabled: u.disabled,
        created_at: time(u.created_at),
    }
}

/// A token pair.
pub fn tokens(t: TokenPair) -> v1::TokenPair {
    v1::TokenPair {
        access_token: t.access_token,
        token_type: "Bearer".to_owned(),
        expires_in: t.expires_in,
        refresh_token: t.refresh_token,
    }
}

/// A session; `current` when it is the caller's.
pub fn session(s: &Session, current: Option<SessionId>) -> v1::SessionInfo {
    v1::SessionInfo {
        id: s.id.to_string(),
        user_agent: s.user_agent.clone(),
        ip: s.ip.clone(),
        created_at: time(s.created_at),
        last_used_at: time(s.last_used_at),
        current: Some(s.id) == current,
    }
}

/// An API key, without secret.
pub fn api_key(k: &ApiKey) -> v1::ApiKeyInfo {
    v1::ApiKeyInfo {
        id: k.id.to_string(),
        name: k.name.clone(),
        prefix: format!("sbk_{}", k.prefix),
        scopes: k.scopes.names(),
        created_at: time(k.created_at),
        last_used_at: k.last_used_at.map(time).unwrap_or_default(),
        expires_at: k.expires_at.map(time).unwrap_or_default(),
    }
}

/// JSON text of a value (empty for null).
fn json_text(value: &serde_json::Value) -> String {
    if value.is_null() { String::new() } else { value.to_string() }
}

/// An event of the log.
pub fn event(e: &switchboard_domain::Event) -> v1::EventRecord {
    use switchboard_domain::Change;
    let mut record = v1::EventRecord {
        cursor: e.position.to_cursor(),
        occurred_at: time(e.occurred_at),
        occurred_by: e.occurred_by.map(|u| u.to_string()).unwrap_or_default(),
        model_name: e.model_name.clone(),
        object_id: e.object_id.clone(),
        kind: e.change.kind().to_owned(),
        ..v1::EventRecord::default()
    };
    match &e.change {
        Change::Added { snapshot } => record.snapshot = json_text(snapshot),
        Change::Changed { attribute_name, old_value, new_value } => {
            record.attribute_name = attribute_name.clone();
            record.old_value = old_value.to_string();
            record.new_value = new_value.to_string();
        }
        Change::Deleted => {}
    }
    record
}

/// A job of the queue.
pub fn job(j: &switchboard_ports::JobRecord) -> v1::JobRecord {
    v1::JobRecord {
        id: j.id,
        job_type: j.job_type.clone(),
        state: j.state.as_str().to_owned(),
        payload: json_text(&j.payload),
        priority: i32::from(j.priority),
        attempts: j.attempts,
        max_attempts: j.max_attempts,
        dedupe_key: j.dedupe_key.clone().unwrap_or_default(),
        run_at: time(j.run_at),
        locked_by: j.locked_by.clone().unwrap_or_default(),
        last_error: j.last_error.clone().unwrap_or_default(),
        created_at: time(j.created_at),
    }
}

/// Counts of jobs by state.
pub fn job_counts(counts: &[(switchboard_domain::JobState, u64)]) -> v1::JobCounts {
    use switchboard_domain::JobState;
    let of = |state: JobState| counts.iter().find(|(s, _)| *s == state).map_or(0, |(_, n)| *n);
    v1::JobCounts {
        queued: of(JobState::Queued),
        running: of(JobState::Running),
        failed: of(JobState::Failed),
        dead: of(JobState::Dead),
    }
}
