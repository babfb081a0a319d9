//! An attachment's bytes as they arrive, holding the mailbox's request slot until the stream
//! ends or is dropped: a download counts against Graph's 4 concurrent requests for as long
//! as it runs.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use switchboard_ports::mail::MailError;

use crate::error;
use switchboard_ports::mail_limit::Permit;

/// The chunks of an attachment's content (each as the connection delivered it).
pub struct AttachmentChunks {
    inner: BoxStream<'static, Result<Vec<u8>, MailError>>,
    permit: Option<Permit>,
}

impl std::fmt::Debug for AttachmentChunks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentChunks").field("open", &self.permit.is_some()).finish()
    }
}

impl AttachmentChunks {
    pub(crate) fn new(response: reqwest_graph::Response, permit: Permit) -> Self {
        let inner = response
            .bytes_stream()
            .map(|chunk| chunk.map(|bytes| bytes.to_vec()).map_err(error::transport))
            .boxed();
        Self { inner, permit: Some(permit) }
    }
}

impl Stream for AttachmentChunks {
    type Item = Result<Vec<u8>, MailError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = self.inner.poll_next_unpin(cx);
        if matches!(next, Poll::Ready(None | Some(Err(_)))) {
            // The request is over: give its slot back now, not when the caller drops us.
            self.permit = None;
        }
        next
    }
}
