//! Errors of the sandbox's Rust API (the HTTP APIs answer in each provider's own shape).

/// What went wrong when building, starting or driving a sandbox.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// No channel with this id in the provider's workspace.
    #[error("unknown channel {0}")]
    UnknownChannel(String),
    /// No post with this id (Slack: `ts`) in the channel.
    #[error("unknown post {0}")]
    UnknownPost(String),
    /// No user with this id in the provider's workspace.
    #[error("unknown user {0}")]
    UnknownUser(String),
    /// No Microsoft mailbox with this address or object id.
    #[error("unknown mailbox {0}")]
    UnknownMailbox(String),
    /// No mail folder with this id or well-known name in the mailbox.
    #[error("unknown mail folder {0}")]
    UnknownFolder(String),
    /// No live message with this id in the mailbox.
    #[error("unknown message {0}")]
    UnknownMessage(String),
    /// An attachment larger than Graph allows (150 MB).
    #[error("attachment of {0} bytes: at most 150 MB")]
    AttachmentTooLarge(u64),
    /// The identity platform's signing key could not be made or used.
    #[error("cannot sign: {0}")]
    Signing(String),
    /// The listener could not be used.
    #[error("cannot serve: {0}")]
    Io(#[from] std::io::Error),
    /// An event could not be delivered to its Request URL.
    #[error("cannot deliver the event: {0}")]
    Delivery(String),
    /// `start` was called outside a Tokio runtime.
    #[error("the sandbox must be started inside a Tokio runtime")]
    NoRuntime,
}
