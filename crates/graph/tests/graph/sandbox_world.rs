//! The contract's world for Graph: the sandbox's demo inbox.

use chrono::{DateTime, Utc};
use switchboard_graph::GraphSource;
use switchboard_sandbox::NewMail;

use crate::support::{Fixture, READ};
use switchboard_contracts::mail_source::MailWorld;

/// The demo mailbox's inbox, synced per folder.
pub struct DemoInbox<'a>(pub &'a Fixture);

impl DemoInbox<'_> {
    pub fn inbox_id(&self) -> String {
        let folders = self.0.sandbox.mail_folders(&self.0.demo).unwrap();
        folders.into_iter().find(|x| x.well_known.as_deref() == Some("inbox")).unwrap().id
    }
}

impl MailWorld for DemoInbox<'_> {
    type Source = GraphSource;

    fn source(&self, write: bool) -> GraphSource {
        self.0.source(if write { "User.Read Mail.ReadWrite" } else { READ })
    }

    fn scope(&self) -> Option<String> {
        Some(self.inbox_id())
    }

    fn listed_since(&self, since: DateTime<Utc>) -> Vec<String> {
        let listed = self.0.sandbox.mail_messages(&self.0.demo, Some("inbox")).unwrap();
        listed.into_iter().filter(|m| m.received_at >= since).map(|m| m.id).collect()
    }

    fn deliver(&self, subject: &str) -> String {
        let mail = NewMail {
            mailbox: self.0.demo.clone(),
            folder: "inbox".into(),
            subject: subject.into(),
            from_name: "Ada".into(),
            from_address: "ada@example.com".into(),
            body: "Numbers attached.".into(),
            html: false,
            attachment_bytes: None,
            reply_to: None,
        };
        self.0.sandbox.add_mail(mail).unwrap().id
    }

    fn mark_read(&self, id: &str, read: bool) {
        self.0.sandbox.mark_mail(&self.0.demo, id, read).unwrap();
    }

    fn is_read(&self, id: &str) -> bool {
        let listed = self.0.sandbox.mail_messages(&self.0.demo, None).unwrap();
        listed.into_iter().find(|m| m.id == id).unwrap().is_read
    }

    fn delete(&self, id: &str) {
        self.0.sandbox.delete_mail(&self.0.demo, id).unwrap();
    }

    fn forget_cursors(&self) {
        assert!(self.0.sandbox.expire_delta_tokens() > 0);
    }

    fn lists_text_bodies(&self) -> bool {
        true
    }
}
