//! Ports of identity and access: the clock, password hashing, access tokens, secrets at rest,
//! and the stores of users, sessions, API keys, throttling windows and sealed secrets.

pub mod changes;
pub mod clock;
pub mod crypto;
pub mod stores;

pub use changes::IdentityChange;
pub use clock::{Clock, SystemClock};
pub use crypto::{
    AccessClaims, CryptoError, HashError, IssuedToken, PasswordHasher, SecretBox, TokenError,
    TokenIssuer, Verification,
};
pub use stores::{
    ApiKeyStore, IdentityStores, RefreshTokenState, Rotation, SealedSecret, SealedSecretStore,
    SessionStore, ThrottleStore, ThrottleWindow, UserPage, UserQuery, UserStore,
};
