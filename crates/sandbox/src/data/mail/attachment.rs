//! Attachment bytes, generated on demand in fixed-size chunks: any chunk can be produced on
//! its own, so a large attachment is streamed without ever being held whole in memory.

use std::convert::Infallible;

use actix_web::web::Bytes;
use futures_util::Stream;

use super::Attachment;
use crate::data::Rng;

/// Bytes per generated chunk (and per streamed frame).
pub(crate) const CHUNK: u64 = 64 * 1024;

const PDF_HEADER: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
const PNG_HEADER: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The attachment's bytes from chunk `index` on: `CHUNK` bytes, fewer at the end.
pub(crate) fn chunk(attachment: &Attachment, index: u64) -> Vec<u8> {
    let start = index * CHUNK;
    let len = attachment.size.saturating_sub(start).min(CHUNK) as usize;
    let mut rng = Rng::new(attachment.seed, index);
    let mut out = Vec::with_capacity(len + 64);
    if attachment.content_type.starts_with("text/") {
        let mut row = index * 1000;
        while out.len() < len {
            row += 1;
            let line = if attachment.content_type == "text/csv" {
                format!(
                    "{row},sample-{:04},{}.{:02}\n",
                    rng.below(10_000),
                    rng.below(500),
                    rng.below(100)
                )
            } else {
                format!("{row:>6}  reading {:>5}  ok\n", rng.below(100_000))
            };
            out.extend_from_slice(line.as_bytes());
        }
    } else {
        if index == 0 {
            let header =
                if attachment.content_type == "image/png" { PNG_HEADER } else { PDF_HEADER };
            out.extend_from_slice(header);
        }
        while out.len() < len {
            out.extend_from_slice(&rng.next_u64().to_le_bytes());
        }
    }
    out.truncate(len);
    out
}

/// Every byte of the attachment (for `contentBytes`).
pub(crate) fn content(attachment: &Attachment) -> Vec<u8> {
    let chunks = attachment.size.div_ceil(CHUNK);
    let mut out = Vec::with_capacity(attachment.size as usize);
    for index in 0..chunks {
        out.extend_from_slice(&chunk(attachment, index));
    }
    out
}

/// The attachment's bytes as a stream of chunks, each generated when polled.
pub(crate) type ChunkStream = Box<dyn Stream<Item = Result<Bytes, Infallible>> + Unpin>;

pub(crate) fn stream(attachment: Attachment) -> ChunkStream {
    let chunks = attachment.size.div_ceil(CHUNK);
    Box::new(futures_util::stream::iter(
        (0..chunks).map(move |index| Ok(Bytes::from(chunk(&attachment, index)))),
    ))
}
