//! Acting on the caller's mailbox: read state written back, mail sent, the account unlinked.
//! Writing back and sending are off unless configured; an account whose grant lacks the
//! scope a write needs (linked before it was enabled) is marked `reauth_required`, never left
//! to a silent 403.

use switchboard_domain::NewEvent;
use switchboard_domain::identity::EmailAddress;
use switchboard_domain::mail::{
    MailAccountId, MailAddress, MailMessageId, MailProvider, OutgoingMessage, StoredMessage,
};
use switchboard_ports::mail::{MailError, MailSource};
use switchboard_ports::{MailAdapters, MailAuth, MailStore, Ports, Transaction, UnitOfWork};

use super::accounts::ACCOUNT_MODEL;
use super::sync_page::MESSAGE_MODEL;
use super::tokens::{Mailbox, SourceOf};
use super::{MailService, MailServiceError};
use crate::identity::Principal;

/// A message to send from one of the caller's accounts, or a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMail {
    /// The account to send from.
    pub account_id: MailAccountId,
    /// `To` recipients (at least one).
    pub to: Vec<MailAddress>,
    /// `Cc` recipients.
    pub cc: Vec<MailAddress>,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// The message this replies to, one of that account's.
    pub reply_to_message_id: Option<MailMessageId>,
}

/// What a write needs granted.
#[derive(Debug, Clone, Copy)]
enum Needs {
    ReadWrite,
    Send,
}

impl Needs {
    fn scope(self, provider: MailProvider) -> &'static str {
        match (self, provider) {
            (Self::ReadWrite, MailProvider::Microsoft) => "Mail.ReadWrite",
            (Self::ReadWrite, MailProvider::Google) => "gmail.modify",
            (Self::Send, MailProvider::Microsoft) => "Mail.Send",
            (Self::Send, MailProvider::Google) => "gmail.send",
        }
    }
}

impl<P: Ports> MailService<P> {
    /// Marks one of the caller's messages read or unread, at the provider first, then here.
    ///
    /// # Errors
    /// [`MailServiceError::FeatureDisabled`] unless `mail.write_back` is on,
    /// [`MailServiceError::MessageNotFound`], [`MailServiceError::ReauthRequired`] when the
    /// grant lacks the write scope (the account is marked), the provider's failure.
    pub async fn set_unread(
        &self,
        caller: &Principal,
        id: MailMessageId,
        unread: bool,
    ) -> Result<StoredMessage, MailServiceError> {
        if !self.policy.write_back {
            return Err(MailServiceError::FeatureDisabled {
                feature: "writing read state back",
                setting: "mail.write_back",
            });
        }
        let owner = caller.user_id;
        let (mut message, account) = self
            .uow
            .read(move |tx| {
                Box::pin(async move {
                    let message = tx.mail_message(owner, id).await?;
                    let message = message.ok_or(MailServiceError::MessageNotFound)?;
                    let account = tx.mail_account(owner, message.account_id).await?;
                    Ok::<_, MailServiceError>((
                        message,
                        account.ok_or(MailServiceError::MessageNotFound)?,
                    ))
                })
            })
            .await?;
        let mailbox = self.mailbox(account).await?;
        self.require_scope(&mailbox, Needs::ReadWrite).await?;
        let provider_id = message.provider_id.clone();
        let written = self
            .call(&mailbox, move |source| {
                let provider_id = provider_id.clone();
                async move { source.set_unread(&provider_id, unread).await }
            })
            .await;
        self.write_refused(&mailbox, written).await?;
        let was = message.unread;
        message.unread = unread;
        let saved = message.clone();
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    tx.upsert_mail_messages(std::slice::from_ref(&saved)).await?;
                    if was != unread {
                        let event = NewEvent::changed(
                            MESSAGE_MODEL,
                            saved.id.to_string(),
                            "unread",
                            was,
                            unread,
                        )
                        .by(Some(owner))
                        .owned_by(Some(owner));
                        tx.append_events(vec![event]).await?;
                    }
                    Ok::<_, MailServiceError>(())
                })
            })
            .await?;
        Ok(message)
    }

    /// Sends a message, or a reply, from one of the caller's accounts.
    ///
    /// # Errors
    /// [`MailServiceError::FeatureDisabled`] unless `mail.send` is on,
    /// [`MailServiceError::Invalid`] without a recipient or with one that is not an address,
    /// [`MailServiceError::AccountNotFound`], [`MailServiceError::MessageNotFound`] for a
    /// reply to a message not of that account, [`MailServiceError::ReauthRequired`] when the
    /// grant lacks the send scope (the account is marked), the provider's failure.
    pub async fn send(&self, caller: &Principal, mail: SendMail) -> Result<(), MailServiceError> {
        if !self.policy.send {
            return Err(MailServiceError::FeatureDisabled {
                feature: "sending",
                setting: "mail.send",
            });
        }
        if mail.to.is_empty() {
            return Err(MailServiceError::Invalid {
                field: "to",
                message: "at least one recipient is needed".to_owned(),
            });
        }
        for (field, list) in [("to", &mail.to), ("cc", &mail.cc)] {
            if let Some(bad) = list.iter().find(|a| EmailAddress::parse(&a.address).is_err()) {
                let message = format!("{:?} is not an email address", bad.address);
                return Err(MailServiceError::Invalid { field, message });
            }
        }
        let (owner, account_id, reply) =
            (caller.user_id, mail.account_id, mail.reply_to_message_id);
        let (account, reply_to) = self
            .uow
            .read(move |tx| {
                Box::pin(async move {
                    let account = tx.mail_account(owner, account_id).await?;
                    let account = account.ok_or(MailServiceError::AccountNotFound)?;
                    let reply_to = match reply {
                        None => None,
                        Some(id) => {
                            let message = tx.mail_message(owner, id).await?;
                            let message = message
                                .filter(|m| m.account_id == account_id)
                                .ok_or(MailServiceError::MessageNotFound)?;
                            Some(message.provider_id)
                        }
                    };
                    Ok::<_, MailServiceError>((account, reply_to))
                })
            })
            .await?;
        let mailbox = self.mailbox(account).await?;
        self.require_scope(&mailbox, Needs::Send).await?;
        let outgoing = OutgoingMessage {
            to: mail.to,
            cc: mail.cc,
            subject: mail.subject,
            body: mail.body,
            reply_to,
        };
        let sent = self
            .call(&mailbox, move |source| {
                let outgoing = outgoing.clone();
                async move { source.send(&outgoing).await }
            })
            .await;
        self.write_refused(&mailbox, sent).await
    }

    /// Unlinks one of the caller's accounts: revokes what the provider lets a client revoke
    /// (failures are logged and ignored: the account goes anyway), then deletes it with its
    /// folders, messages and tokens, and records the deletion.
    ///
    /// # Errors
    /// [`MailServiceError::AccountNotFound`] when it is not theirs; a failure of the store.
    pub async fn unlink(
        &self,
        caller: &Principal,
        id: MailAccountId,
    ) -> Result<(), MailServiceError> {
        let account = self.account(caller, id).await?;
        match self.stored_tokens(id).await {
            Ok(tokens) => match self.mail.auth().revoke(account.provider, &tokens).await {
                Ok(_) => {}
                Err(e) => tracing::warn!(account = %id, error = %e, "revoking mail tokens failed"),
            },
            Err(e) => tracing::warn!(account = %id, error = %e, "mail tokens unreadable"),
        }
        let owner = caller.user_id;
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    if !tx.delete_mail_account(owner, id).await? {
                        return Err(MailServiceError::AccountNotFound);
                    }
                    let event = NewEvent::deleted(ACCOUNT_MODEL, id.to_string())
                        .by(Some(owner))
                        .owned_by(Some(owner));
                    tx.append_events(vec![event]).await?;
                    Ok(())
                })
            })
            .await
    }

    /// Marks the account `reauth_required` when its grant lacks what `needs` asks.
    async fn require_scope(
        &self,
        mailbox: &Mailbox<SourceOf<P>>,
        needs: Needs,
    ) -> Result<(), MailServiceError> {
        let scope = needs.scope(mailbox.account.provider);
        if mailbox.tokens().has_scope(scope) {
            return Ok(());
        }
        let reason = format!("the mailbox was linked without the {scope} permission");
        Err(self.require_reauth(mailbox.account.id, reason).await)
    }

    /// A write's answer, a refusal for lack of permission marking the account
    /// `reauth_required`.
    async fn write_refused(
        &self,
        mailbox: &Mailbox<SourceOf<P>>,
        answer: Result<(), MailServiceError>,
    ) -> Result<(), MailServiceError> {
        match answer {
            Err(MailServiceError::Provider(MailError::Forbidden { reason })) => {
                let reason = format!("the provider refused the write: {reason}");
                Err(self.require_reauth(mailbox.account.id, reason).await)
            }
            other => other,
        }
    }
}
