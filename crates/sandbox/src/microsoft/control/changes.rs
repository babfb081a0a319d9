//! Changes to mailboxes after start, stamped with the sandbox clock: what a user or another
//! client would do, so delta and sync can be tested.

use super::{MailMessageInfo, NewMail, folder_index, mailbox_index, message_index, message_info};
use crate::data::mail::{Address, Attachment, MAX_ATTACHMENT_BYTES, Message};
use crate::{Sandbox, SandboxError};

impl Sandbox {
    /// Delivers a message now.
    ///
    /// # Errors
    /// Unknown mailbox, folder or replied-to message.
    pub fn add_mail(&self, mail: NewMail) -> Result<MailMessageInfo, SandboxError> {
        if let Some(size) = mail.attachment_bytes.filter(|&size| size > MAX_ATTACHMENT_BYTES) {
            return Err(SandboxError::AttachmentTooLarge(size));
        }
        let mut state = self.store.write();
        let at = state.tick();
        let tenant = &mut state.microsoft;
        let index = mailbox_index(tenant, &mail.mailbox)?;
        let (id, conversation, internet_id, attachment) = (
            tenant.ids.message(),
            tenant.ids.conversation(),
            tenant.ids.internet_message_id(&tenant.domain),
            (tenant.ids.attachment(), tenant.ids.seed()),
        );
        let m = &mut tenant.mailboxes[index];
        let folder = folder_index(m, if mail.folder.is_empty() { "inbox" } else { &mail.folder })?;
        let (conversation, in_reply_to, subject) = match &mail.reply_to {
            Some(parent) => {
                let p = &m.messages[message_index(m, parent)?];
                (
                    p.conversation_id.clone(),
                    Some(p.internet_message_id.clone()),
                    if mail.subject.is_empty() {
                        format!("RE: {}", p.subject)
                    } else {
                        mail.subject.clone()
                    },
                )
            }
            None => (conversation, None, mail.subject.clone()),
        };
        let from = if mail.from_address.is_empty() {
            Address {
                name: "Søren Kjær".to_owned(), address: "soren.kjaer@dtu.example".to_owned()
            }
        } else {
            Address {
                name: if mail.from_name.is_empty() {
                    mail.from_address.clone()
                } else {
                    mail.from_name.clone()
                },
                address: mail.from_address.clone(),
            }
        };
        let to = vec![Address { name: m.display_name.clone(), address: m.address.clone() }];
        let attachments = mail
            .attachment_bytes
            .map(|size| Attachment {
                id: attachment.0,
                name: "document.pdf".to_owned(),
                content_type: "application/pdf",
                size,
                seed: attachment.1,
                inline: false,
            })
            .into_iter()
            .collect();
        let message = Message {
            id,
            folder: Some(folder),
            conversation_id: conversation,
            internet_message_id: internet_id,
            in_reply_to,
            subject,
            from,
            to,
            cc: Vec::new(),
            sent_us: at,
            received_us: at,
            created_us: at,
            modified_us: at,
            changed_seq: 0,
            is_read: false,
            is_draft: false,
            importance: "normal",
            body: mail.body,
            html: mail.html,
            attachments,
        };
        let added = m.add(message);
        Ok(message_info(m, &m.messages[added]))
    }

    /// Moves a message to another folder now (to `deleteditems` for a soft delete).
    ///
    /// # Errors
    /// Unknown mailbox, message or folder.
    pub fn move_mail(
        &self,
        mailbox: &str,
        message_id: &str,
        folder: &str,
    ) -> Result<MailMessageInfo, SandboxError> {
        let mut state = self.store.write();
        let at = state.tick();
        let index = mailbox_index(&state.microsoft, mailbox)?;
        let m = &mut state.microsoft.mailboxes[index];
        let message = message_index(m, message_id)?;
        let folder = folder_index(m, folder)?;
        m.move_to(message, folder, at);
        Ok(message_info(m, &m.messages[message]))
    }

    /// Deletes a message for good, now.
    ///
    /// # Errors
    /// Unknown mailbox or message.
    pub fn delete_mail(&self, mailbox: &str, message_id: &str) -> Result<(), SandboxError> {
        let mut state = self.store.write();
        state.tick();
        let index = mailbox_index(&state.microsoft, mailbox)?;
        let m = &mut state.microsoft.mailboxes[index];
        let message = message_index(m, message_id)?;
        m.delete(message);
        Ok(())
    }

    /// Marks a message read or unread, now.
    ///
    /// # Errors
    /// Unknown mailbox or message.
    pub fn mark_mail(
        &self,
        mailbox: &str,
        message_id: &str,
        read: bool,
    ) -> Result<MailMessageInfo, SandboxError> {
        let mut state = self.store.write();
        let at = state.tick();
        let index = mailbox_index(&state.microsoft, mailbox)?;
        let m = &mut state.microsoft.mailboxes[index];
        let message = message_index(m, message_id)?;
        m.set_read(message, read, at);
        Ok(message_info(m, &m.messages[message]))
    }
}
