//! An attachment's decoded bytes as chunks. Gmail answers `attachments.get` with the whole
//! content base64url-encoded in one JSON body, so it is held once, decoded; the stream hands
//! it on in pieces so callers write it out as they do a Graph download.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use switchboard_ports::mail::MailError;

/// Bytes per chunk.
const CHUNK: usize = 64 * 1024;

/// The chunks of an attachment's content.
#[derive(Debug)]
pub struct AttachmentChunks {
    bytes: Vec<u8>,
    at: usize,
}

impl AttachmentChunks {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        Self { bytes, at: 0 }
    }
}

impl Stream for AttachmentChunks {
    type Item = Result<Vec<u8>, MailError>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let start = self.at;
        if start >= self.bytes.len() {
            return Poll::Ready(None);
        }
        let end = (start + CHUNK).min(self.bytes.len());
        self.at = end;
        Poll::Ready(Some(Ok(self.bytes[start..end].to_vec())))
    }
}
