//! Roles, API-key scopes, and who may change whose role.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a user may do, from least to most.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// An ordinary user: their own data only.
    #[default]
    Member,
    /// Manages users (not admins' roles).
    Admin,
    /// Everything, including granting admin and superadmin.
    Superadmin,
}

/// A role name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: use member, admin or superadmin")]
pub struct InvalidRole(pub String);

impl Role {
    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
            Role::Superadmin => "superadmin",
        }
    }

    /// Whether this role includes `other`'s rights.
    pub fn at_least(self, other: Role) -> bool {
        self >= other
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = InvalidRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "member" => Ok(Role::Member),
            "admin" => Ok(Role::Admin),
            "superadmin" => Ok(Role::Superadmin),
            other => Err(InvalidRole(other.to_owned())),
        }
    }
}

/// Why a role change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RoleChangeError {
    /// Only a superadmin grants admin or superadmin, or changes an admin's or superadmin's role.
    #[error("only a superadmin may grant or take away admin rights")]
    NotAllowed,
    /// The change would leave no active superadmin.
    #[error("the last superadmin cannot be demoted or disabled")]
    LastSuperadmin,
}

/// Checks that `actor` may move a user from role `from` to `to`, given how many active
/// superadmins exist now.
///
/// ```
/// use switchboard_domain::identity::{Role, RoleChangeError, check_role_change};
///
/// assert_eq!(check_role_change(Role::Admin, Role::Member, Role::Admin, 1), Err(RoleChangeError::NotAllowed));
/// assert_eq!(check_role_change(Role::Superadmin, Role::Superadmin, Role::Admin, 1), Err(RoleChangeError::LastSuperadmin));
/// assert_eq!(check_role_change(Role::Superadmin, Role::Member, Role::Admin, 1), Ok(()));
/// ```
///
/// # Errors
/// [`RoleChangeError`] when the change is not allowed.
pub fn check_role_change(
    actor: Role,
    from: Role,
    to: Role,
    active_superadmins: u64,
) -> Result<(), RoleChangeError> {
    let touches_admin_rights = from >= Role::Admin || to >= Role::Admin;
    if touches_admin_rights && from != to && actor != Role::Superadmin {
        return Err(RoleChangeError::NotAllowed);
    }
    if from == Role::Superadmin && to != Role::Superadmin && active_superadmins <= 1 {
        return Err(RoleChangeError::LastSuperadmin);
    }
    Ok(())
}

/// Checks that `actor` may disable a user whose role is `target`, given how many active
/// superadmins exist now.
///
/// # Errors
/// [`RoleChangeError`] when the change is not allowed.
pub fn check_disable(
    actor: Role,
    target: Role,
    active_superadmins: u64,
) -> Result<(), RoleChangeError> {
    if target >= Role::Admin && actor != Role::Superadmin {
        return Err(RoleChangeError::NotAllowed);
    }
    if target == Role::Superadmin && active_superadmins <= 1 {
        return Err(RoleChangeError::LastSuperadmin);
    }
    Ok(())
}

/// What an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Read the owner's data.
    Read,
    /// Change the owner's data.
    Write,
}

/// A scope name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scope {0:?}: use read or write")]
pub struct InvalidScope(pub String);

impl Scope {
    /// The scope's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }
}

impl FromStr for Scope {
    type Err = InvalidScope;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "read" => Ok(Scope::Read),
            "write" => Ok(Scope::Write),
            other => Err(InvalidScope(other.to_owned())),
        }
    }
}

/// A set of scopes, sorted and without duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// Every scope: what a signed-in user's session may do.
    pub fn all() -> Self {
        Self(vec![Scope::Read, Scope::Write])
    }

    /// Parses scope names.
    ///
    /// # Errors
    /// [`InvalidScope`] for an unknown name.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, InvalidScope> {
        names.iter().map(|n| n.as_ref().parse()).collect()
    }

    /// Whether `scope` is in the set.
    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The scope names.
    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|s| s.as_str().to_owned()).collect()
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(scopes: I) -> Self {
        let mut v: Vec<Scope> = scopes.into_iter().collect();
        v.sort();
        v.dedup();
        Self(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_superadmins_touch_admin_rights() {
        use Role::*;
        assert_eq!(check_role_change(Admin, Member, Member, 1), Ok(()));
        assert_eq!(check_role_change(Admin, Admin, Member, 1), Err(RoleChangeError::NotAllowed));
        assert_eq!(
            check_role_change(Admin, Member, Superadmin, 1),
            Err(RoleChangeError::NotAllowed)
        );
        assert_eq!(check_role_change(Superadmin, Superadmin, Member, 2), Ok(()));
        assert_eq!(
            check_role_change(Superadmin, Superadmin, Superadmin, 1),
            Ok(()),
            "no change is not a demotion"
        );
    }

    #[test]
    fn scopes_parse_and_dedupe() {
        let s = Scopes::parse(&["write", "read", "write"]).unwrap_or_default();
        assert_eq!(s.names(), ["read", "write"]);
        assert!(Scopes::parse(&["admin"]).is_err());
    }
}
