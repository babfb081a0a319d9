//! The mail-source contract's world for Gmail: the sandbox's demo mailbox, one cursor for
//! all of it.

use chrono::{DateTime, Utc};
use switchboard_contracts::mail_source::MailWorld;
use switchboard_gmail::GmailSource;
use switchboard_sandbox::NewGmail;

use crate::support::{Fixture, MODIFY, READ};

pub struct DemoGmail<'a>(pub &'a Fixture);

impl MailWorld for DemoGmail<'_> {
    type Source = GmailSource;

    fn source(&self, write: bool) -> GmailSource {
        self.0.source(if write { MODIFY } else { READ })
    }

    fn scope(&self) -> Option<String> {
        None
    }

    fn listed_since(&self, since: DateTime<Utc>) -> Vec<String> {
        let listed = self.0.sandbox.gmail_messages(&self.0.demo, None).unwrap();
        listed.into_iter().filter(|m| m.received_at >= since).map(|m| m.id).collect()
    }

    fn deliver(&self, subject: &str) -> String {
        let mail = NewGmail {
            mailbox: self.0.demo.clone(),
            subject: subject.into(),
            from_name: "Ada".into(),
            from_address: "ada@example.com".into(),
            body: "Numbers attached.".into(),
            ..NewGmail::default()
        };
        self.0.sandbox.add_gmail(mail).unwrap().id
    }

    fn mark_read(&self, id: &str, read: bool) {
        let (add, remove): (&[&str], &[&str]) =
            if read { (&[], &["UNREAD"]) } else { (&["UNREAD"], &[]) };
        self.0.sandbox.label_gmail(&self.0.demo, id, add, remove).unwrap();
    }

    fn is_read(&self, id: &str) -> bool {
        let listed = self.0.sandbox.gmail_messages(&self.0.demo, None).unwrap();
        !listed.into_iter().find(|m| m.id == id).unwrap().labels.iter().any(|l| l == "UNREAD")
    }

    fn delete(&self, id: &str) {
        self.0.sandbox.delete_gmail(&self.0.demo, id).unwrap();
    }

    fn forget_cursors(&self) {
        // Gmail keeps the latest historyId valid: the mailbox moves on first, then its
        // history is forgotten, so every id handed out before is too old.
        self.deliver("Moves the history on");
        assert!(self.0.sandbox.expire_gmail_history(&self.0.demo).unwrap() > 0);
    }

    fn lists_text_bodies(&self) -> bool {
        true
    }
}
