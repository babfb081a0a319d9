//! `POST /me/sendMail` (<https://learn.microsoft.com/graph/api/user-sendmail>) and
//! `POST /me/messages/{id}/reply`: both need `Mail.Send` and answer 202 with no body. The sent
//! message lands in Sent Items (unless `saveToSentItems` is false), and in the inbox of every
//! recipient who has a mailbox in the tenant, unread.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{Caller, GraphError, payload};
use crate::data::mail::{Address, Message, Tenant};
use crate::store::Store;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SendMail {
    message: Outgoing,
    save_to_sent_items: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Outgoing {
    subject: Option<String>,
    body: Option<Body>,
    #[serde(default)]
    to_recipients: Vec<Recipient>,
    #[serde(default)]
    cc_recipients: Vec<Recipient>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    content_type: Option<String>,
    content: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    email_address: EmailAddress,
}

#[derive(Debug, Deserialize)]
struct EmailAddress {
    address: String,
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Reply {
    comment: Option<String>,
}

fn addresses(recipients: Vec<Recipient>) -> Result<Vec<Address>, GraphError> {
    recipients
        .into_iter()
        .map(|r| {
            let address = r.email_address.address.trim().to_owned();
            match address.split_once('@') {
                Some((local, domain)) if !local.is_empty() && domain.contains('.') => Ok(Address {
                    name: r.email_address.name.unwrap_or_else(|| address.clone()),
                    address,
                }),
                _ => Err(GraphError::BadRequest(
                    "ErrorInvalidRecipients",
                    "At least one recipient isn't valid.".to_owned(),
                )),
            }
        })
        .collect()
}

pub(super) async fn send_mail(
    req: HttpRequest,
    body: web::Bytes,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    let caller = Caller::authenticate(&req, &store)?;
    caller.require(&["Mail.Send"])?;
    let send: SendMail = payload(&body)?;
    let to = addresses(send.message.to_recipients)?;
    let cc = addresses(send.message.cc_recipients)?;
    if to.is_empty() && cc.is_empty() {
        return Err(GraphError::BadRequest(
            "ErrorInvalidRecipients",
            "At least one recipient isn't valid., A message can't be sent because it contains no recipients.".to_owned(),
        ));
    }
    let (html, content) = match send.message.body {
        Some(b) => (
            b.content_type.is_some_and(|t| t.eq_ignore_ascii_case("html")),
            b.content.unwrap_or_default(),
        ),
        None => (false, String::new()),
    };
    let subject = send.message.subject.unwrap_or_default();
    let mut state = store.write();
    let at = state.tick();
    let tenant = &mut state.microsoft;
    let conversation = tenant.ids.conversation();
    deliver(
        tenant,
        caller.mailbox,
        Draft { subject, to, cc, body: content, html, conversation, in_reply_to: None },
        at,
        send.save_to_sent_items.unwrap_or(true),
    );
    Ok(HttpResponse::Accepted().finish())
}

pub(super) async fn reply(
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    let caller = Caller::authenticate(&req, &store)?;
    caller.require(&["Mail.Send"])?;
    let reply: Reply = if body.is_empty() { Reply { comment: None } } else { payload(&body)? };
    let mut state = store.write();
    let at = state.tick();
    let tenant = &mut state.microsoft;
    let mailbox = &tenant.mailboxes[caller.mailbox];
    let original = &mailbox.messages[mailbox.message_index(&id).ok_or(GraphError::NotFound)?];
    let subject = if original.subject.to_ascii_uppercase().starts_with("RE:") {
        original.subject.clone()
    } else {
        format!("RE: {}", original.subject)
    };
    let quoted: String = original.text_body().lines().map(|l| format!("> {l}\n")).collect();
    let draft = Draft {
        subject,
        to: vec![original.from.clone()],
        cc: Vec::new(),
        body: format!("{}\n\n{quoted}", reply.comment.unwrap_or_default()),
        html: false,
        conversation: original.conversation_id.clone(),
        in_reply_to: Some(original.internet_message_id.clone()),
    };
    deliver(tenant, caller.mailbox, draft, at, true);
    Ok(HttpResponse::Accepted().finish())
}

/// A message about to be sent.
struct Draft {
    subject: String,
    to: Vec<Address>,
    cc: Vec<Address>,
    body: String,
    html: bool,
    conversation: String,
    in_reply_to: Option<String>,
}

/// Files the sent copy and delivers to the tenant's own recipients.
fn deliver(tenant: &mut Tenant, sender: usize, draft: Draft, at: i64, save: bool) {
    let from = {
        let mailbox = &tenant.mailboxes[sender];
        Address { name: mailbox.display_name.clone(), address: mailbox.address.clone() }
    };
    let internet_message_id = tenant.ids.internet_message_id(&tenant.domain);
    let template = Message {
        id: String::new(),
        folder: None,
        conversation_id: draft.conversation,
        internet_message_id,
        in_reply_to: draft.in_reply_to,
        subject: draft.subject,
        from,
        to: draft.to,
        cc: draft.cc,
        sent_us: at,
        received_us: at,
        created_us: at,
        modified_us: at,
        changed_seq: 0,
        is_read: true,
        is_draft: false,
        importance: "normal",
        body: draft.body,
        html: draft.html,
        attachments: Vec::new(),
    };
    let mut copies = Vec::new();
    if save {
        copies.push((sender, "sentitems", true));
    }
    for recipient in template.to.iter().chain(template.cc.iter()) {
        if let Some(index) = tenant.mailbox_index(&recipient.address) {
            copies.push((index, "inbox", false));
        }
    }
    for (index, folder, read) in copies {
        let id = tenant.ids.message();
        let mailbox = &mut tenant.mailboxes[index];
        let Some(folder) = mailbox.folder_index(folder) else { continue };
        let mut copy = template.clone();
        copy.id = id;
        copy.folder = Some(folder);
        copy.is_read = read;
        mailbox.add(copy);
    }
}
