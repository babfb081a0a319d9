//! Microsoft's On-Behalf-Of flow: a client that signed its user in with Microsoft hands the
//! token Microsoft issued it for this API; the token is verified (signature, audience,
//! issuer, expiry), then exchanged for Graph tokens, and the mailbox is linked. The same
//! token can also sign the user in to Switchboard: the account signed in before by that
//! Microsoft account, or a new one.

use switchboard_domain::UserId;
use switchboard_domain::identity::{EmailAddress, Role, User};
use switchboard_domain::mail::{MailIdentity, MailProvider};
use switchboard_ports::mail_auth::VerifiedAssertion;
use switchboard_ports::{
    Clock, MailAdapters, MailAuth, MailLinkStore, Ports, ProviderTokens, StoreError, UnitOfWork,
    UserStore,
};

use super::{Linked, MailService, MailServiceError};
use crate::identity::{NO_PASSWORD_HASH, Principal, display_name, insert_user};

/// The issuer external sign-ins by a Microsoft token are recorded under.
const MICROSOFT_ISSUER: &str = "microsoft";

/// A sign-in with a Microsoft token: whose Switchboard account it is, and the mailbox linked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MicrosoftSignIn {
    /// The Switchboard user signed in (issue their session with
    /// [`crate::AuthService::sign_in_verified`]).
    pub user_id: UserId,
    /// Whether the user was made by this sign-in.
    pub created_user: bool,
    /// The mailbox linked.
    pub linked: Linked,
}

impl<P: Ports> MailService<P> {
    /// Links the caller's Outlook mailbox with a token Microsoft issued to a client for this
    /// API (On-Behalf-Of).
    ///
    /// # Errors
    /// [`MailServiceError::ProviderNotConfigured`], [`MailServiceError::InvalidAssertion`],
    /// [`MailServiceError::InteractionRequired`] (the client must show Microsoft's sign-in or
    /// consent again), the provider's or the store's failure.
    pub async fn link_on_behalf_of(
        &self,
        caller: &Principal,
        assertion: &str,
    ) -> Result<Linked, MailServiceError> {
        let (_, tokens, identity) = self.on_behalf_of(assertion).await?;
        self.link_mailbox(caller.user_id, tokens, identity).await
    }

    /// Signs in with a token Microsoft issued to a client for this API: the user who signed in
    /// with that Microsoft account (tenant and object id) before, or a new user named after
    /// it; then links its mailbox. An existing Switchboard account with the same address is
    /// never taken over: it must sign in with its password and link the mailbox from there.
    ///
    /// # Errors
    /// As [`MailService::link_on_behalf_of`]; [`MailServiceError::Invalid`] (`assertion`)
    /// when the address belongs to another Switchboard account, when the token names no
    /// address, or when the user it signs in is disabled.
    pub async fn sign_in_with_microsoft(
        &self,
        assertion: &str,
    ) -> Result<MicrosoftSignIn, MailServiceError> {
        let (verified, tokens, identity) = self.on_behalf_of(assertion).await?;
        let subject = format!("{}:{}", verified.tenant_id, verified.object_id);
        let email = verified
            .username
            .as_deref()
            .and_then(|name| EmailAddress::parse(name).ok())
            .or_else(|| EmailAddress::parse(&identity.address).ok())
            .ok_or_else(|| refused("the token names no email address"))?;
        let name = display_name(verified.name.as_deref().unwrap_or_default())
            .unwrap_or_else(|_| String::new());
        let now = self.clock.now();
        let (user_id, created_user) = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    if let Some(user) = tx.external_login_user(MICROSOFT_ISSUER, &subject).await? {
                        let found = tx.user_by_id(user).await?;
                        if found.is_none_or(|u| u.disabled) {
                            return Err(refused("this account is disabled"));
                        }
                        return Ok((user, false));
                    }
                    if tx.user_by_email(&email).await?.is_some() {
                        return Err(refused(
                            "a Switchboard account with this address exists: sign in to it and \
                             link the mailbox from there",
                        ));
                    }
                    let user = User {
                        id: UserId::new(),
                        email,
                        display_name: name,
                        role: Role::Member,
                        disabled: false,
                        password_hash: NO_PASSWORD_HASH.to_owned(),
                        created_at: now,
                    };
                    insert_user(tx, &user, None).await.map_err(|e| match e {
                        StoreError::Conflict(_) => refused("the address was just taken"),
                        other => other.into(),
                    })?;
                    tx.insert_external_login(MICROSOFT_ISSUER, &subject, user.id, now).await?;
                    Ok((user.id, true))
                })
            })
            .await?;
        let linked = self.link_mailbox(user_id, tokens, identity).await?;
        Ok(MicrosoftSignIn { user_id, created_user, linked })
    }

    /// Verifies the assertion, exchanges it for Graph tokens and reads whose mailbox they open.
    async fn on_behalf_of(
        &self,
        assertion: &str,
    ) -> Result<(VerifiedAssertion, ProviderTokens, MailIdentity), MailServiceError> {
        let provider = MailProvider::Microsoft;
        let auth = self.mail.auth();
        if !auth.supports(provider) {
            return Err(MailServiceError::ProviderNotConfigured(provider));
        }
        let assertion = assertion.trim();
        let verified = auth.verify_assertion(provider, assertion).await?;
        let scopes = auth.scopes(provider, self.policy.write_back, self.policy.send);
        let tokens = auth.on_behalf_of(provider, assertion, &scopes).await?;
        let identity = self.identity_of(provider, &tokens).await?;
        Ok((verified, tokens, identity))
    }
}

fn refused(message: &str) -> MailServiceError {
    MailServiceError::Invalid { field: "assertion", message: message.to_owned() }
}
