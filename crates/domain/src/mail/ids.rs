//! Our identifiers of mail objects. Providers' own ids (Graph's immutable ids, Gmail's hex
//! ids) are kept beside them as strings: they are opaque and differ in shape per provider.

use crate::ids::uuid_id;

uuid_id!(
    /// A mailbox linked to a user (one per provider account and user).
    ///
    /// ```
    /// use switchboard_domain::mail::MailAccountId;
    ///
    /// let id = MailAccountId::new();
    /// assert_eq!(id.to_string().parse::<MailAccountId>().ok(), Some(id));
    /// ```
    MailAccountId
);

uuid_id!(
    /// A folder (Outlook) or label (Gmail) of a linked mailbox.
    MailFolderId
);

uuid_id!(
    /// A message stored from a linked mailbox.
    MailMessageId
);
