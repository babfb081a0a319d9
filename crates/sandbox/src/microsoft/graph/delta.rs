//! `GET /me/mailFolders/{id}/messages/delta` (<https://learn.microsoft.com/graph/api/message-delta>):
//! a first round lists the folder's messages (newest first) page by page with
//! `@odata.nextLink` (`$skiptoken`) and ends with `@odata.deltaLink` (`$deltatoken`); a later
//! round from that link lists what changed since: created, updated (read state included) and
//! moved-in messages in full, and `{"id", "@removed": {"reason"}}` for those deleted
//! (`deleted`) or moved out (`deleted`; `changed` when moved to Deleted Items, where they can
//! still be restored). Pages hold 10 entries unless `Prefer: odata.maxpagesize` says
//! otherwise; `$select` and a `$filter` on `receivedDateTime` apply to the first round. An
//! unknown or forgotten token answers 410 `syncStateNotFound`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::odata::Query;
use super::render::{MESSAGE_PROPERTIES, message};
use super::state::{DeltaItem, Mark, Round};
use super::{GraphError, base, ok, reading};
use crate::data::mail::Mailbox;
use crate::store::Store;

const DEFAULT_PAGE: usize = 10;

pub(super) async fn delta(
    req: HttpRequest,
    key: web::Path<String>,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    let (caller, query, prefer) = reading(&req, &store, MESSAGE_PROPERTIES, super::messages::TYPE)?;
    let state = store.read();
    let mailbox = &state.microsoft.mailboxes[caller.mailbox];
    let folder = mailbox.folder_index(&key).ok_or(GraphError::NotFound)?;
    let mut graph = store.graph();
    // A skip token names one page and may be used again (a client retrying a page); the
    // next page gets a token of its own. Rounds share their item list.
    let mut round = if let Some(token) = &query.skiptoken {
        graph.rounds.get(token).cloned().ok_or(GraphError::SyncStateNotFound)?
    } else if let Some(token) = &query.deltatoken {
        let mark = graph.marks.get(token).cloned().ok_or(GraphError::SyncStateNotFound)?;
        changes(mailbox, mark)
    } else {
        first(mailbox, caller.mailbox, folder, query)
    };
    if round.mailbox != caller.mailbox || round.folder != folder {
        return Err(GraphError::SyncStateNotFound);
    }
    let size = prefer.max_page_size.or(round.query.top).unwrap_or(DEFAULT_PAGE).clamp(1, 1000);
    let end = (round.position + size).min(round.items.len());
    let fields = round.query.select.clone();
    let value: Vec<Value> = round.items[round.position..end]
        .iter()
        .map(|item| match *item {
            DeltaItem::Message(index) => {
                let mut entry =
                    message(mailbox, &mailbox.messages[index], fields.as_deref(), prefer.text_body);
                entry["@odata.type"] = json!("#microsoft.graph.message");
                entry
            }
            DeltaItem::Removed(index, reason) => json!({
                "@odata.type": "#microsoft.graph.message",
                "id": mailbox.messages[index].id,
                "@removed": {"reason": reason.as_str()},
            }),
        })
        .collect();
    round.position = end;
    let link =
        format!("{}/me/mailFolders/{}/messages/delta", base(&store), mailbox.folders[folder].id);
    let mut body = json!({"@odata.context": format!("{}/$metadata#Collection(message)", base(&store)), "value": value});
    if round.position < round.items.len() {
        let token = graph.token();
        body["@odata.nextLink"] = json!(format!("{link}?$skiptoken={token}"));
        graph.rounds.insert(token, round);
    } else {
        let token = graph.token();
        body["@odata.deltaLink"] = json!(format!("{link}?$deltatoken={token}"));
        graph.marks.insert(
            token,
            Mark { mailbox: round.mailbox, folder, seq: round.seq, query: round.query },
        );
    }
    Ok(ok(&prefer, body))
}

/// The first round: every message in the folder that passes the filter, newest first.
fn first(mailbox: &Mailbox, index: usize, folder: usize, query: Query) -> Round {
    let mut found: Vec<(i64, usize)> = mailbox
        .in_folder(folder)
        .filter(|(_, m)| query.matches(m.received_us, m.is_read, !m.attachments.is_empty()))
        .map(|(i, m)| (m.received_us, i))
        .collect();
    found.sort_unstable_by(|a, b| b.cmp(a));
    Round {
        mailbox: index,
        folder,
        items: found.into_iter().map(|(_, i)| DeltaItem::Message(i)).collect::<Vec<_>>().into(),
        position: 0,
        seq: mailbox.seq,
        query,
    }
}

/// A later round: what changed in the folder after the mark.
fn changes(mailbox: &Mailbox, mark: Mark) -> Round {
    let mut items: Vec<DeltaItem> = mailbox
        .in_folder(mark.folder)
        .filter(|(_, m)| m.changed_seq > mark.seq)
        .map(|(i, _)| DeltaItem::Message(i))
        .collect();
    let mut removed: Vec<usize> = Vec::new();
    for removal in mailbox.removals.iter().rev() {
        let back_in_folder = mailbox.messages[removal.message].folder == Some(mark.folder);
        if removal.folder == mark.folder
            && removal.seq > mark.seq
            && !back_in_folder
            && !removed.contains(&removal.message)
        {
            removed.push(removal.message);
            items.push(DeltaItem::Removed(removal.message, removal.reason));
        }
    }
    Round {
        mailbox: mark.mailbox,
        folder: mark.folder,
        items: items.into(),
        position: 0,
        seq: mailbox.seq,
        query: mark.query,
    }
}
