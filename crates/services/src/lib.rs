#![doc = include_str!("../README.md")]

pub mod health;
pub mod identity;

pub use health::HealthService;
pub use identity::{
    AccountError, AccountService, AdminError, AdminService, ApiKeyError, ApiKeyService, AuthError,
    AuthService, ClientInfo, Identity, IdentityPolicy, NewApiKey, Principal, PrincipalKind,
    RateLimit, SecretError, SecretService, TokenPair,
};
