//! Identifiers of domain objects: UUIDv7 newtypes, one type per kind of object, so an id of one
//! kind cannot be passed where another is expected.

/// Declares a UUIDv7 identifier newtype with its constructors, `Display` and `FromStr`.
macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A fresh, time-ordered id (UUIDv7).
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }

            /// Wraps an existing UUID (read from storage).
            pub fn from_uuid(id: uuid::Uuid) -> Self {
                Self(id)
            }

            /// The UUID inside.
            pub fn as_uuid(&self) -> uuid::Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }
    };
}

pub(crate) use uuid_id;

uuid_id!(
    /// The identifier of a user account.
    ///
    /// ```
    /// use switchboard_domain::UserId;
    ///
    /// let id = UserId::new();
    /// assert_eq!(id.to_string().parse::<UserId>().ok(), Some(id));
    /// ```
    UserId
);
