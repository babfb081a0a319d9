//! `set_unread` and `send` (a new message and a reply).

use switchboard_domain::mail::{MailAddress, OutgoingMessage};
use switchboard_ports::mail::{MailError, MailSource};

use crate::sandbox_world::DemoInbox;
use crate::support::{Fixture, READ};
use switchboard_contracts::mail_source as contract;

#[tokio::test(flavor = "multi_thread")]
async fn read_state_is_written_with_the_write_scope_only() {
    let f = Fixture::start(50);
    let inbox = f.sandbox.mail_messages(&f.demo, Some("inbox")).unwrap();
    let unread = inbox.into_iter().find(|m| !m.is_read).unwrap();
    contract::read_state_is_written_with_the_write_scope_only(&DemoInbox(&f), &unread.id).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_and_a_reply_are_sent() {
    let f = Fixture::start(50);
    let other = f.sandbox.mailboxes()[1].address.clone();
    let sender = f.source("User.Read Mail.Read Mail.Send");
    let outgoing = OutgoingMessage {
        to: vec![MailAddress { name: Some("Colleague".into()), address: other.clone() }],
        cc: Vec::new(),
        subject: "Agenda for Monday".into(),
        body: "Three points, see below.".into(),
        reply_to: None,
    };
    sender.send(&outgoing).await.unwrap();
    let arrived = f.sandbox.mail_messages(&other, Some("inbox")).unwrap();
    let arrived = arrived.iter().find(|m| m.subject == "Agenda for Monday").expect("delivered");
    assert_eq!(arrived.from, f.demo);
    assert!(
        f.sandbox
            .mail_messages(&f.demo, Some("sentitems"))
            .unwrap()
            .iter()
            .any(|m| m.subject == "Agenda for Monday")
    );

    // The colleague replies to it.
    let reply = OutgoingMessage {
        to: Vec::new(),
        cc: Vec::new(),
        subject: String::new(),
        body: "Fine by me.".into(),
        reply_to: Some(arrived.id.clone()),
    };
    f.source_for(&other, "User.Read Mail.Read Mail.Send").send(&reply).await.unwrap();
    let back = f.sandbox.mail_messages(&f.demo, Some("inbox")).unwrap();
    let back = back.iter().find(|m| m.subject == "RE: Agenda for Monday").expect("the reply");
    assert_eq!(back.conversation_id, arrived.conversation_id);

    let err = f.source(READ).send(&outgoing).await.unwrap_err();
    assert!(matches!(err, MailError::Forbidden { .. }), "{err:?}");
}
