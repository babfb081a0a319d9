//! Outlook folders and Gmail labels in one vocabulary.

use serde::{Deserialize, Serialize};

/// What a mailbox container is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FolderKind {
    /// An Outlook folder the user made: a message is in exactly one folder.
    Folder,
    /// A Gmail label the user made: a message may carry several.
    Label,
    /// A container the provider defines (inbox, sent, drafts, trash, spam, …), on either side.
    System,
}

impl FolderKind {
    /// The kind's name as stored and shown (`folder`, `label`, `system`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Folder => "folder",
            Self::Label => "label",
            Self::System => "system",
        }
    }

    /// The kind named by [`FolderKind::as_str`], if any.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Folder, Self::Label, Self::System].into_iter().find(|k| k.as_str() == name)
    }
}

/// The role of a system container, the same word for both providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FolderRole {
    /// Where new mail arrives (`INBOX`).
    Inbox,
    /// Mail the user sent (`SENT`).
    Sent,
    /// Unsent drafts (`DRAFTS`).
    Drafts,
    /// Deleted mail (`TRASH`).
    Trash,
    /// Junk (`SPAM`).
    Spam,
    /// Archived mail (Outlook's Archive folder; Gmail has no such label).
    Archive,
}

impl FolderRole {
    /// Every role, in the order clients list them.
    pub const ALL: [FolderRole; 6] =
        [Self::Inbox, Self::Sent, Self::Drafts, Self::Trash, Self::Spam, Self::Archive];

    /// The role's name as stored and shown: `INBOX`, `SENT`, `DRAFTS`, `TRASH`, `SPAM`,
    /// `ARCHIVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbox => "INBOX",
            Self::Sent => "SENT",
            Self::Drafts => "DRAFTS",
            Self::Trash => "TRASH",
            Self::Spam => "SPAM",
            Self::Archive => "ARCHIVE",
        }
    }

    /// Parses [`FolderRole::as_str`]'s names.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// The role of a Microsoft Graph well-known folder name (`inbox`, `sentitems`, `drafts`,
    /// `deleteditems`, `junkemail`, `archive`; case-insensitive).
    ///
    /// ```
    /// use switchboard_domain::mail::FolderRole;
    ///
    /// assert_eq!(FolderRole::from_graph_well_known("SentItems"), Some(FolderRole::Sent));
    /// assert_eq!(FolderRole::from_graph_well_known("outbox"), None);
    /// ```
    pub fn from_graph_well_known(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "inbox" => Some(Self::Inbox),
            "sentitems" => Some(Self::Sent),
            "drafts" => Some(Self::Drafts),
            "deleteditems" => Some(Self::Trash),
            "junkemail" => Some(Self::Spam),
            "archive" => Some(Self::Archive),
            _ => None,
        }
    }

    /// The role of a Gmail system label id (`INBOX`, `SENT`, `DRAFT`, `TRASH`, `SPAM`).
    ///
    /// ```
    /// use switchboard_domain::mail::FolderRole;
    ///
    /// assert_eq!(FolderRole::from_gmail_label("DRAFT"), Some(FolderRole::Drafts));
    /// assert_eq!(FolderRole::from_gmail_label("CATEGORY_SOCIAL"), None);
    /// ```
    pub fn from_gmail_label(id: &str) -> Option<Self> {
        match id {
            "INBOX" => Some(Self::Inbox),
            "SENT" => Some(Self::Sent),
            "DRAFT" => Some(Self::Drafts),
            "TRASH" => Some(Self::Trash),
            "SPAM" => Some(Self::Spam),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in FolderRole::ALL {
            assert_eq!(FolderRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(FolderRole::parse("inbox"), None);
    }
}
