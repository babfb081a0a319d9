#![doc = include_str!("../README.md")]

pub mod hash_pool;
pub mod hasher;
pub mod jwt;
pub mod keys;
pub mod secret_box;
mod token_cache;

pub use hash_pool::HashPriority;
pub use hasher::{Argon2Hasher, Argon2Settings};
pub use jwt::{JwtSettings, JwtTokens, SigningKeySetting};
pub use keys::KeyError;
pub use secret_box::{AeadSecretBox, SecretBoxKey};
