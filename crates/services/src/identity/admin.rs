//! Administration of users: listing, roles, disabling, and creating users from the CLI.

use switchboard_domain::identity::{Role, RoleChangeError, User, check_disable, check_role_change};
use switchboard_domain::{NewEvent, UserId};
use switchboard_ports::{
    ApiKeyStore, Clock, Ports, SessionStore, StoreError, Transaction, UnitOfWork, UserPage,
    UserQuery, UserStore,
};

use super::accounts::{AccountError, create_user};
use super::{Identity, Principal};

/// Why an administration operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdminError {
    /// No such user.
    #[error("no such user")]
    NotFound,
    /// The rules refuse the change.
    #[error(transparent)]
    Refused(#[from] RoleChangeError),
    /// Creating the user failed.
    #[error(transparent)]
    Account(#[from] AccountError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Administration of users.
pub struct AdminService<P: Ports> {
    id: Identity<P>,
}

impl<P: Ports> std::fmt::Debug for AdminService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminService")
    }
}

impl<P: Ports> Clone for AdminService<P> {
    fn clone(&self) -> Self {
        Self { id: self.id.clone() }
    }
}

impl<P: Ports> AdminService<P> {
    /// The service over `id`.
    pub fn new(id: Identity<P>) -> Self {
        Self { id }
    }

    /// A page of users, optionally those whose email contains a text.
    ///
    /// # Errors
    /// A failure of the store.
    pub async fn list_users(&self, query: UserQuery) -> Result<UserPage, AdminError> {
        let query = UserQuery { limit: query.limit.clamp(1, 200), ..query };
        self.id
            .uow
            .transact(move |tx| Box::pin(async move { Ok(tx.list_users(&query).await?) }))
            .await
    }

    /// Changes a user's role and/or disabled flag, by the rules: only a superadmin touches
    /// admin rights, the last superadmin stays. Disabling revokes every session and key at
    /// once. Each change is an event.
    ///
    /// # Errors
    /// [`AdminError::NotFound`], [`AdminError::Refused`], or a failure.
    pub async fn update_user(
        &self,
        actor: &Principal,
        target: UserId,
        role: Option<Role>,
        disabled: Option<bool>,
    ) -> Result<User, AdminError> {
        let (actor_id, actor_role, now) = (actor.user_id, actor.role, self.id.clock.now());
        let user = self
            .id
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let mut user = tx.user_by_id(target).await?.ok_or(AdminError::NotFound)?;
                    let mut events = Vec::new();
                    let oid = user.id.to_string();
                    let needs_count = user.role == Role::Superadmin;
                    // The rules count the target among the superadmins; a disabled one is not
                    // in the active count, yet demoting it leaves every active one in place.
                    let superadmins = if needs_count {
                        tx.count_active_superadmins().await? + u64::from(user.disabled)
                    } else {
                        0
                    };
                    if let Some(role) = role.filter(|r| *r != user.role) {
                        check_role_change(actor_role, user.role, role, superadmins)?;
                        events.push(NewEvent::changed(
                            "user",
                            oid.clone(),
                            "role",
                            user.role.as_str(),
                            role.as_str(),
                        ));
                        user.role = role;
                    }
                    if let Some(disabled) = disabled.filter(|d| *d != user.disabled) {
                        if disabled {
                            let left = if role.is_some() && user.role != Role::Superadmin {
                                superadmins.saturating_sub(1)
                            } else {
                                superadmins
                            };
                            check_disable(
                                actor_role,
                                user.role,
                                left.max(u64::from(user.role != Role::Superadmin)),
                            )?;
                        }
                        events.push(NewEvent::changed(
                            "user",
                            oid.clone(),
                            "disabled",
                            user.disabled,
                            disabled,
                        ));
                        user.disabled = disabled;
                    }
                    if events.is_empty() {
                        return Ok(user);
                    }
                    tx.update_user(&user).await?;
                    if user.disabled {
                        tx.revoke_user_sessions(user.id, None, now).await?;
                        for key in tx.revoke_user_api_keys(user.id, now).await? {
                            events.push(NewEvent::deleted("api_key", key.id.to_string()));
                        }
                    }
                    let events = events
                        .into_iter()
                        .map(|e| e.by(Some(actor_id)).owned_by(Some(user.id)))
                        .collect();
                    tx.append_events(events).await?;
                    Ok::<_, AdminError>(user)
                })
            })
            .await?;
        self.id.sessions.forget_user(target);
        Ok(user)
    }

    /// Creates a user with any role: for operators at the command line, who are trusted.
    ///
    /// # Errors
    /// [`AdminError::Account`] for invalid values or a taken email.
    pub async fn create_user(
        &self,
        email: &str,
        password: String,
        role: Role,
    ) -> Result<User, AdminError> {
        Ok(create_user(&self.id, email, password, "", role, None).await?)
    }
}
