//! Passwords as NIST SP 800-63B wants them: a length range and no composition rules.

use std::fmt;

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPassword {
    /// Fewer than [`Password::MIN_CHARS`] characters.
    #[error("must be at least 8 characters")]
    TooShort,
    /// More than [`Password::MAX_CHARS`] characters.
    #[error("must be at most 1024 characters")]
    TooLong,
}

/// A new password, checked for length only (in characters, not bytes). Never printed.
///
/// ```
/// use switchboard_domain::identity::Password;
///
/// assert!(Password::new("correct horse".into()).is_ok());
/// assert!(Password::new("short".into()).is_err());
/// assert_eq!(format!("{:?}", Password::new("correct horse".into()).unwrap()), "Password(***)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// The fewest characters accepted.
    pub const MIN_CHARS: usize = 8;
    /// The most characters accepted.
    pub const MAX_CHARS: usize = 1024;

    /// Checks a new password.
    ///
    /// # Errors
    /// [`InvalidPassword`] when its length is out of range.
    pub fn new(raw: String) -> Result<Self, InvalidPassword> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            Err(InvalidPassword::TooShort)
        } else if chars > Self::MAX_CHARS {
            Err(InvalidPassword::TooLong)
        } else {
            Ok(Self(raw))
        }
    }

    /// The password itself, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        assert!(Password::new("ééééééé".into()).is_err());
        assert!(Password::new("éééééééé".into()).is_ok());
        assert_eq!(Password::new("x".repeat(1025)), Err(InvalidPassword::TooLong));
        assert!(Password::new("x".repeat(1024)).is_ok());
    }
}
