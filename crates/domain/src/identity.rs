//! Identity and access: accounts, sessions, API keys, roles and the rules between them.

pub mod email;
pub mod entities;
pub mod password;
pub mod role;

pub use email::{EmailAddress, InvalidEmail};
pub use entities::{ApiKey, ApiKeyId, Session, SessionId, User};
pub use password::{InvalidPassword, Password};
pub use role::{
    InvalidRole, InvalidScope, Role, RoleChangeError, Scope, Scopes, check_disable,
    check_role_change,
};
