//! Composing generated messages: one message, a thread with its replies, small attachments.

use super::generate::{ARCHIVE, DELETED, GRANTS, HOUR_US, INBOX, PROJECTS, Person, SENT};
use super::ids::MailIds;
use super::text;
use super::{Address, Attachment, Mailbox, Message};
use crate::data::{DAY_US, Rng};

/// Generation state for one mailbox.
pub(super) struct Gen {
    pub ids: MailIds,
    pub rng: Rng,
    pub me: Address,
    pub domain: &'static str,
}

impl Gen {
    #[expect(clippy::too_many_arguments, reason = "one message's fields, all of them needed")]
    pub(super) fn message(
        &mut self,
        from: Address,
        to: Vec<Address>,
        subject: &str,
        lines: &[String],
        html: bool,
        at: i64,
        in_reply_to: Option<String>,
    ) -> Message {
        let body = if html { text::paragraphs_to_html(lines) } else { lines.join("\n\n") };
        let sent = at - self.rng.range(1_000_000, 40_000_000);
        Message {
            id: self.ids.message(),
            folder: Some(INBOX),
            conversation_id: self.ids.conversation(),
            internet_message_id: self.ids.internet_message_id(self.domain),
            in_reply_to,
            subject: subject.to_owned(),
            from,
            to,
            cc: Vec::new(),
            sent_us: sent,
            received_us: at,
            created_us: at,
            modified_us: at,
            changed_seq: 0,
            is_read: true,
            is_draft: false,
            importance: if self.rng.chance(0.05) { "high" } else { "normal" },
            body,
            html,
            attachments: Vec::new(),
        }
    }

    pub(super) fn read(&mut self, at: i64, now: i64) -> bool {
        if at < now - 3 * DAY_US { self.rng.chance(0.93) } else { self.rng.chance(0.45) }
    }

    #[expect(clippy::too_many_arguments, reason = "a thread's context")]
    pub(super) fn thread(
        &mut self,
        mailbox: &mut Mailbox,
        person: &Person,
        people: &[Person],
        topic: &str,
        start: i64,
        now: i64,
        limit: usize,
    ) {
        let extra = match self.rng.below(10) {
            0..=3 => 0,
            4..=6 => 1,
            7..=8 => 2,
            _ => 3 + self.rng.below(2),
        };
        let base = text::subject(&mut self.rng, topic);
        let conversation = self.ids.conversation();
        let mut from_me = self.rng.chance(0.2);
        let archived = start < now - 60 * DAY_US && self.rng.chance(0.3);
        let cc =
            self.rng.chance(0.25).then(|| people[self.rng.below(people.len())].address.clone());
        let html = self.rng.chance(0.6);
        let mut at = start;
        let mut previous: Option<String> = None;
        for i in 0..=extra {
            if mailbox.messages.len() >= limit || at >= now {
                return;
            }
            let (from, to, to_first, lang) = if from_me {
                (self.me.clone(), person.address.clone(), person.first.as_str(), person.lang)
            } else {
                (person.address.clone(), self.me.clone(), "Demo", person.lang)
            };
            let to_first = if from_me {
                to_first.to_owned()
            } else {
                self.me.name.split(' ').next().unwrap_or("").to_owned()
            };
            let subject = if i == 0 { base.clone() } else { format!("RE: {base}") };
            let lines = text::body(&mut self.rng, lang, topic, &to_first, &from.name, i > 0);
            let mut message =
                self.message(from, vec![to], &subject, &lines, html, at, previous.clone());
            message.conversation_id = conversation.clone();
            message.cc.extend(cc.clone());
            message.folder = Some(if from_me {
                SENT
            } else if archived {
                ARCHIVE
            } else if self.rng.chance(0.02) {
                DELETED
            } else if topic == "grant report" {
                GRANTS
            } else if topic == "paper revision" {
                PROJECTS
            } else {
                INBOX
            });
            message.is_read = from_me || self.read(at, now);
            if !from_me && self.rng.chance(0.08) {
                let count = 1 + self.rng.below(2);
                for _ in 0..count {
                    message.attachments.push(self.small_attachment());
                }
            }
            previous = Some(message.internet_message_id.clone());
            mailbox.add(message);
            from_me = !from_me;
            at += self.rng.range(10 * 60_000_000, 20 * HOUR_US);
        }
    }

    fn small_attachment(&mut self) -> Attachment {
        let n = self.rng.below(90) + 10;
        let (name, content_type, size) = match self.rng.below(3) {
            0 => (format!("data-{n}.csv"), "text/csv", self.rng.range(3_000, 40_000)),
            1 => ("notes.txt".to_owned(), "text/plain", self.rng.range(500, 8_000)),
            _ => (format!("figure-{n}.png"), "image/png", self.rng.range(20_000, 200_000)),
        };
        Attachment {
            id: self.ids.attachment(),
            name,
            content_type,
            size: size as u64,
            seed: self.ids.seed(),
            inline: false,
        }
    }
}
