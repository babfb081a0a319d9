//! `labels.list`, `threads.get` and `history.list`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::messages::{Format, not_found, reading, render};
use super::model::{Change, GmailMessage, SYSTEM_LABELS};
use super::{Caller, GmailError, Need, all, next_token, one, page_size, page_token, query};
use crate::store::Store;

/// `GET /labels`: the system labels, then the user's.
pub(super) async fn labels(
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, GmailError> {
    let caller = Caller::authenticate(&req, &store, Need::Metadata)?;
    let google = store.google();
    let mailbox = &google.mailboxes[caller.mailbox];
    let mut labels: Vec<Value> = SYSTEM_LABELS
        .iter()
        .map(|id| {
            let mut label = json!({"id": id, "name": id, "type": "system"});
            if matches!(
                *id,
                "INBOX" | "SENT" | "DRAFT" | "TRASH" | "SPAM" | "STARRED" | "UNREAD" | "IMPORTANT"
            ) {
                label["messageListVisibility"] = json!("hide");
                label["labelListVisibility"] = json!("labelShow");
            }
            label
        })
        .collect();
    labels.extend(mailbox.user_labels.iter().map(|l| {
        json!({"id": l.id, "name": l.name, "type": "user",
               "messageListVisibility": "show", "labelListVisibility": "labelShow"})
    }));
    Ok(HttpResponse::Ok().json(json!({"labels": labels})))
}

/// `GET /threads/{id}`: the thread's live messages, oldest first, in `format`.
pub(super) async fn thread(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    store: web::Data<Store>,
) -> Result<HttpResponse, GmailError> {
    let (caller, format, headers) = reading(&req, &store)?;
    if format == Format::Raw {
        return Err(GmailError::invalid("Invalid value at 'format' (raw)"));
    }
    let mut google = store.google();
    let number = google.next_reading();
    let mailbox = &google.mailboxes[caller.mailbox];
    let mut messages: Vec<&GmailMessage> =
        mailbox.live().map(|(_, m)| m).filter(|m| m.thread_id == path.1).collect();
    if messages.is_empty() {
        return Err(not_found(&path.1));
    }
    messages.sort_by(|a, b| (a.internal_date_ms(), &a.id).cmp(&(b.internal_date_ms(), &b.id)));
    let history_id = messages.iter().map(|m| m.history_id).max().unwrap_or_default();
    Ok(HttpResponse::Ok().json(json!({
        "id": path.1,
        "snippet": messages.last().map(|m| super::mime::snippet(m)).unwrap_or_default(),
        "historyId": history_id.to_string(),
        "messages": messages
            .into_iter()
            .map(|m| render(m, format, &headers, number))
            .collect::<Vec<_>>(),
    })))
}

/// `GET /history`: the records after `startHistoryId`, oldest first, filtered by
/// `historyTypes` and `labelId`; 404 when `startHistoryId` is older than the kept history.
pub(super) async fn list(
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, GmailError> {
    let caller = Caller::authenticate(&req, &store, Need::Metadata)?;
    let args = query(&req);
    let start: u64 = one(&args, "startHistoryId")
        .ok_or_else(|| GmailError::invalid("Missing required parameter startHistoryId"))?
        .parse()
        .map_err(|_| GmailError::invalid("Invalid startHistoryId"))?;
    let size = page_size(&args, 100, 500)?;
    let offset = page_token(&args)?;
    let types = all(&args, "historyTypes");
    for kind in &types {
        if !matches!(*kind, "messageAdded" | "messageDeleted" | "labelAdded" | "labelRemoved") {
            return Err(GmailError::invalid(format!("Invalid value at 'history_types' ({kind})")));
        }
    }
    let google = store.google();
    let mailbox = &google.mailboxes[caller.mailbox];
    let label = one(&args, "labelId");
    if let Some(label) = label.filter(|l| !mailbox.has_label(l)) {
        return Err(GmailError::invalid(format!("Invalid label: {label}")));
    }
    if start < mailbox.floor {
        return Err(GmailError::NotFound);
    }
    let records: Vec<Value> = mailbox
        .history
        .iter()
        .filter(|r| r.id > start)
        .filter(|r| types.is_empty() || types.contains(&r.change.kind()))
        .filter(|r| label.is_none_or(|l| mailbox.messages[r.message].labels.contains(l)))
        .skip(offset)
        .take(size + 1)
        .map(|r| {
            let m = &mailbox.messages[r.message];
            let message = json!({"id": m.id, "threadId": m.thread_id,
                                 "labelIds": m.labels.iter().collect::<Vec<_>>()});
            let short = json!({"id": m.id, "threadId": m.thread_id});
            let mut record = json!({"id": r.id.to_string(), "messages": [short]});
            match &r.change {
                Change::Added => record["messagesAdded"] = json!([{"message": message}]),
                Change::Deleted => record["messagesDeleted"] = json!([{"message": short}]),
                Change::LabelsAdded(ids) => {
                    record["labelsAdded"] = json!([{"message": message, "labelIds": ids}]);
                }
                Change::LabelsRemoved(ids) => {
                    record["labelsRemoved"] = json!([{"message": message, "labelIds": ids}]);
                }
            }
            record
        })
        .collect();
    let more = records.len() > size;
    let records: Vec<Value> = records.into_iter().take(size).collect();
    let mut body = json!({});
    if !records.is_empty() {
        body["history"] = Value::Array(records);
    }
    if more {
        body["nextPageToken"] = json!(next_token(offset + size));
    }
    body["historyId"] = json!(mailbox.history_id.to_string());
    Ok(HttpResponse::Ok().json(body))
}
