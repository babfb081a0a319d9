//! Encoded answers kept in memory, under the version of what they show.
//!
//! The mail service serves a page of messages or threads again, without reading the rows, while
//! the account's mail version holds (`switchboard_services::kept_pages`); it answers the version
//! with the page. Most of the work left for such a request is here: turning 50 summaries into
//! the wire types and encoding them (about 30 KB of JSON, every string escaped). The same
//! query at the same version answers the same page, so its encoded envelope is kept too, one
//! per encoding, and a request whose page the service kept at that version is answered with
//! those bytes.
//!
//! The version is the service's, read after the caller's ownership was checked: a kept answer
//! is never served to another user (they get the service's 404 first), nor once the mail it
//! shows changed.

use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use prost::{Message, Name};
use serde::Serialize;
use switchboard_domain::mail::{MessageQuery, ThreadQuery};
use switchboard_services::kept_pages::{Footprint, KeptPages, Versioned};

use crate::encoding::Encoding;
use crate::envelope;

/// What a kept answer answered: the query names the account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReplyKey {
    /// `GET /api/mail/messages`.
    Messages(MessageQuery),
    /// `GET /api/mail/threads`.
    Threads(ThreadQuery),
}

/// An encoded envelope.
#[derive(Debug, Clone)]
struct Encoded(Bytes);

impl Footprint for Encoded {
    fn footprint(&self) -> u64 {
        self.0.len() as u64
    }
}

/// The answers kept, by query and encoding, within a memory budget shared by every worker.
#[derive(Debug)]
pub struct KeptReplies {
    kept: Option<KeptPages<(ReplyKey, Encoding), Encoded>>,
}

impl KeptReplies {
    /// Answers within `budget` bytes; none are kept when it is 0.
    #[must_use]
    pub fn new(budget: u64) -> Self {
        Self { kept: KeptPages::new(budget) }
    }

    /// `200 OK` with the envelope of `data` made from `read`'s page, in the encoding `req`
    /// negotiated: the one kept for `key` at `read`'s version, else encoded now (and kept when
    /// the service gave a version).
    pub(crate) fn ok<P, T>(
        &self,
        req: &HttpRequest,
        key: ReplyKey,
        read: &Versioned<P>,
        data: impl FnOnce(&P) -> T,
    ) -> HttpResponse
    where
        T: Serialize + Message + Name,
    {
        let encoding = Encoding::negotiated(req);
        let kept = self.kept.as_ref().zip(read.version);
        let key = (key, encoding);
        if let Some(Encoded(body)) = kept.and_then(|(kept, version)| kept.get(&key, version)) {
            return envelope::respond(StatusCode::OK, encoding, body);
        }
        let Some(body) = envelope::success_body(encoding, &data(&read.page), "ok") else {
            return envelope::internal_error(encoding);
        };
        if let Some((kept, version)) = kept {
            kept.put(key, version, Encoded(body.clone()));
        }
        envelope::respond(StatusCode::OK, encoding, body)
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::expect_used, reason = "tests")]

    use std::sync::Arc;

    use actix_web::body::to_bytes;
    use actix_web::http::header;
    use actix_web::test::TestRequest;
    use switchboard_domain::mail::MailAccountId;

    use super::*;
    use crate::proto::v1::MailThreadPage;

    /// A page whose cursor says which read made it.
    fn read(version: Option<u64>, cursor: &str) -> Versioned<String> {
        Versioned { version, page: Arc::new(cursor.to_owned()) }
    }

    fn page(cursor: &str) -> MailThreadPage {
        MailThreadPage { threads: Vec::new(), next_cursor: cursor.to_owned() }
    }

    async fn answer(
        replies: &KeptReplies,
        key: &ReplyKey,
        read: &Versioned<String>,
        accept: &str,
    ) -> (String, Bytes) {
        let req = TestRequest::default().insert_header((header::ACCEPT, accept)).to_http_request();
        let res = replies.ok(&req, key.clone(), read, |cursor: &String| page(cursor));
        assert_eq!(res.status(), StatusCode::OK);
        let kind = res.headers().get(header::CONTENT_TYPE).expect("a content type");
        let kind = kind.to_str().expect("ASCII").to_owned();
        (kind, to_bytes(res.into_body()).await.expect("a body"))
    }

    fn threads(limit: u32) -> ReplyKey {
        let account = MailAccountId::new();
        ReplyKey::Threads(ThreadQuery { account, folder: None, unread: None, after: None, limit })
    }

    const JSON: &str = "application/json";
    const PROTOBUF: &str = "application/x-protobuf";

    #[actix_web::test]
    async fn an_answer_is_sent_again_only_for_the_same_query_version_and_encoding() {
        let replies = KeptReplies::new(1 << 20);
        let key = threads(50);
        let (kind, first) = answer(&replies, &key, &read(Some(3), "first"), JSON).await;
        assert_eq!(kind, JSON);
        assert!(std::str::from_utf8(&first).expect("JSON").contains(r#""next_cursor":"first""#));

        // The same version: the bytes kept, whatever the page handed over says.
        let (_, again) = answer(&replies, &key, &read(Some(3), "second"), JSON).await;
        assert_eq!(again, first);

        // Another encoding, version or query: encoded from the page given.
        let (kind, proto) = answer(&replies, &key, &read(Some(3), "second"), PROTOBUF).await;
        assert_eq!(kind, PROTOBUF);
        assert!(proto.windows(6).any(|w| w == b"second"), "{proto:?}");
        let (_, newer) = answer(&replies, &key, &read(Some(4), "newer"), JSON).await;
        assert!(std::str::from_utf8(&newer).expect("JSON").contains("newer"));
        let (_, other) = answer(&replies, &threads(50), &read(Some(4), "other"), JSON).await;
        assert!(std::str::from_utf8(&other).expect("JSON").contains("other"));
        let (_, kept) = answer(&replies, &key, &read(Some(4), "not this"), JSON).await;
        assert_eq!(kept, newer, "the newer one replaced the first");
    }

    #[actix_web::test]
    async fn nothing_is_kept_without_a_version_or_a_budget() {
        let key = threads(50);
        for (replies, version) in
            [(KeptReplies::new(1 << 20), None), (KeptReplies::new(0), Some(1))]
        {
            answer(&replies, &key, &read(version, "first"), JSON).await;
            let (_, second) = answer(&replies, &key, &read(version, "second"), JSON).await;
            assert!(std::str::from_utf8(&second).expect("JSON").contains("second"));
        }
    }
}
