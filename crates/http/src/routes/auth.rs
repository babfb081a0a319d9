//! Registration, login, tokens and sessions.

pub mod compat_login;
pub mod delete_session;
pub mod jwks;
pub mod login;
pub mod logout;
pub mod logout_all;
pub mod microsoft;
pub mod refresh;
pub mod register;
pub mod sessions;
