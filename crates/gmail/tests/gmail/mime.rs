//! MIME trees as Gmail's `format=full` gives them (Gmail has already undone the transfer
//! encoding: a quoted-printable part arrives as its plain bytes, base64url-encoded), served
//! by wiremock: nested multiparts, charsets other than UTF-8, inline images, attachments
//! fetched by `attachmentId` with and without base64 padding, header values Gmail left encoded.

use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use futures_util::StreamExt;
use serde_json::{Value, json};
use switchboard_gmail::{GmailConfig, GmailSources};
use switchboard_ports::mail::MailSource;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::tiny_retries;

fn b64(bytes: &[u8]) -> String {
    URL_SAFE.encode(bytes)
}

fn headers(pairs: &[(&str, &str)]) -> Value {
    Value::Array(pairs.iter().map(|(n, v)| json!({"name": n, "value": v})).collect())
}

/// mixed › (related › (alternative › (Latin-1 text, Windows-1252 HTML), inline PNG), PDF).
fn nested() -> Value {
    let text = b"Caf\xe9 cr\xe8me \xe0 9\xa0h, voil\xe0.\r\n";
    let html = b"<p>\x93Quoted\x94 \x80 price</p>";
    json!({
        "id": "18c0ffee00000001",
        "threadId": "18c0ffee00000000",
        "labelIds": ["INBOX", "UNREAD", "Label_7"],
        "snippet": "Café crème à 9 h",
        "internalDate": "1741960800000",
        "payload": {
            "partId": "",
            "mimeType": "multipart/mixed",
            "filename": "",
            "headers": headers(&[
                ("Subject", "Réunion du lundi"),
                ("From", "\"Dupont, Marie\" <marie@example.fr>"),
                ("To", "demo@gmail.com, Bob <bob@example.com>"),
                ("Cc", "carol@example.com"),
                ("Date", "Fri, 14 Mar 2025 14:00:00 +0000"),
                ("Message-ID", "<abc@example.fr>"),
                ("Content-Type", "multipart/mixed; boundary=\"m\""),
            ]),
            "body": {"size": 0},
            "parts": [
                {
                    "partId": "0",
                    "mimeType": "multipart/related",
                    "filename": "",
                    "headers": headers(&[("Content-Type", "multipart/related; boundary=\"r\"")]),
                    "body": {"size": 0},
                    "parts": [
                        {
                            "partId": "0.0",
                            "mimeType": "multipart/alternative",
                            "filename": "",
                            "headers": headers(&[("Content-Type", "multipart/alternative; boundary=\"a\"")]),
                            "body": {"size": 0},
                            "parts": [
                                {
                                    "partId": "0.0.0",
                                    "mimeType": "text/plain",
                                    "filename": "",
                                    "headers": headers(&[
                                        ("Content-Type", "text/plain; charset=\"ISO-8859-1\""),
                                        ("Content-Transfer-Encoding", "quoted-printable"),
                                    ]),
                                    "body": {"size": text.len(), "data": b64(text)}
                                },
                                {
                                    "partId": "0.0.1",
                                    "mimeType": "text/html",
                                    "filename": "",
                                    "headers": headers(&[
                                        ("Content-Type", "text/html; charset=windows-1252"),
                                        ("Content-Transfer-Encoding", "quoted-printable"),
                                    ]),
                                    "body": {"size": html.len(), "data": b64(html)}
                                }
                            ]
                        },
                        {
                            "partId": "0.1",
                            "mimeType": "image/png",
                            "filename": "logo.png",
                            "headers": headers(&[
                                ("Content-Type", "image/png; name=\"logo.png\""),
                                ("Content-Disposition", "inline; filename=\"logo.png\""),
                                ("Content-ID", "<logo@example.fr>"),
                            ]),
                            "body": {"size": 68, "attachmentId": "ANGjdJ_inline"}
                        }
                    ]
                },
                {
                    "partId": "1",
                    "mimeType": "application/pdf",
                    "filename": "ordre du jour.pdf",
                    "headers": headers(&[
                        ("Content-Type", "application/pdf; name=\"ordre du jour.pdf\""),
                        ("Content-Disposition", "attachment; filename=\"ordre du jour.pdf\""),
                        ("Content-Transfer-Encoding", "base64"),
                    ]),
                    "body": {"size": 5, "attachmentId": "ANGjdJ_pdf"}
                }
            ]
        },
        "sizeEstimate": 4096,
        "historyId": "9001"
    })
}

async fn mock() -> (MockServer, GmailSources) {
    let server = MockServer::start().await;
    let config = GmailConfig { retry: tiny_retries(), ..GmailConfig::new(server.uri()) };
    (server, GmailSources::new(config).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn nested_multiparts_charsets_inline_images_and_attachments() {
    let (server, sources) = mock().await;
    Mock::given(method("GET"))
        .and(path("/gmail/v1/users/me/messages/18c0ffee00000001"))
        .and(query_param("format", "full"))
        .respond_with(ResponseTemplate::new(200).set_body_json(nested()))
        .mount(&server)
        .await;
    // Unpadded, as Gmail sometimes sends attachment data: "%PDF-" is 5 bytes.
    Mock::given(method("GET"))
        .and(path("/gmail/v1/users/me/messages/18c0ffee00000001/attachments/ANGjdJ_pdf"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"size": 5, "data": URL_SAFE_NO_PAD.encode(b"%PDF-")})),
        )
        .mount(&server)
        .await;
    let source = sources.standalone("ya29.token");

    let message = source.message("18c0ffee00000001").await.unwrap();
    assert_eq!(message.subject, "Réunion du lundi");
    assert_eq!(message.thread_id, "18c0ffee00000000");
    assert!(message.unread);
    assert_eq!(message.folder_ids, ["INBOX", "UNREAD", "Label_7"]);
    let from = message.from.as_ref().unwrap();
    assert_eq!(
        (from.name.as_deref(), from.address.as_str()),
        (Some("Dupont, Marie"), "marie@example.fr")
    );
    let to: Vec<&str> = message.to.iter().map(|a| a.address.as_str()).collect();
    assert_eq!(to, ["demo@gmail.com", "bob@example.com"]);
    assert_eq!(message.cc.len(), 1);
    assert_eq!(message.internet_message_id.as_deref(), Some("<abc@example.fr>"));
    assert_eq!(message.received_at.timestamp(), 1_741_960_800);
    assert_eq!(message.sent_at.map(|d| d.timestamp()), Some(1_741_960_800));

    let body = message.body.as_ref().unwrap();
    assert_eq!(body.text.as_deref(), Some("Café crème à 9\u{a0}h, voilà.\r\n"));
    assert_eq!(body.html.as_deref(), Some("<p>“Quoted” € price</p>"));

    let names: Vec<(&str, bool)> =
        message.attachments.iter().map(|a| (a.name.as_str(), a.inline)).collect();
    assert_eq!(names, [("logo.png", true), ("ordre du jour.pdf", false)]);
    assert!(message.has_attachments, "the PDF is a real attachment");
    // Named by partId: the attachmentId is only this reading's.
    let pdf = &message.attachments[1];
    assert_eq!((pdf.id.as_str(), pdf.content_type.as_str(), pdf.size), ("1", "application/pdf", 5));
    assert_eq!(message.attachments[0].id, "0.1");

    // By partId, and by the attachmentId an older version stored.
    for id in ["1", "ANGjdJ_pdf"] {
        let content = source.attachment("18c0ffee00000001", id).await.unwrap();
        assert_eq!(content.content_type, "application/pdf");
        assert_eq!(content.length, Some(5));
        let bytes: Vec<u8> = content.chunks.map(|c| c.unwrap()).concat().await;
        assert_eq!(bytes, b"%PDF-");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_single_part_message_and_one_with_only_an_inline_image() {
    let (server, sources) = mock().await;
    let single = json!({
        "id": "s1", "threadId": "s1", "labelIds": ["SENT"], "internalDate": "1741960800000",
        "payload": {
            "partId": "", "mimeType": "text/plain", "filename": "",
            "headers": headers(&[("Subject", "=?utf-8?q?R=C3=A9sum=C3=A9_attached?="),
                ("Content-Type", "text/plain; charset=Shift_JIS")]),
            "body": {"size": 4, "data": b64(b"\x82\xb1\x82\xf1")}
        }
    });
    Mock::given(method("GET"))
        .and(path("/gmail/v1/users/me/messages/s1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(single))
        .mount(&server)
        .await;
    let source = sources.standalone("ya29.token");
    let message = source.message("s1").await.unwrap();
    assert!(!message.unread);
    // A header value Gmail left encoded is decoded here.
    assert_eq!(message.subject, "Résumé attached");
    assert_eq!(message.body.and_then(|b| b.text).as_deref(), Some("こん"));
    assert!(message.attachments.is_empty() && !message.has_attachments);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_with_html_alone_and_no_internal_date_is_read_from_its_html_and_date() {
    let (server, sources) = mock().await;
    let html = "<div dir=\"ltr\">Le <a href=\"https://x.test\">rapport</a> est pr&ecirc;t.<br>\
                <img src=\"cid:logo\"></div>";
    let only_html = json!({
        "id": "h1", "threadId": "h1", "labelIds": ["INBOX"],
        "payload": {
            "partId": "", "mimeType": "text/html", "filename": "",
            "headers": headers(&[("Subject", "Rapport"),
                ("Date", "Fri, 14 Mar 2025 15:00:00 +0100"),
                ("Content-Type", "text/html; charset=UTF-8")]),
            "body": {"size": html.len(), "data": b64(html.as_bytes())}
        }
    });
    Mock::given(method("GET"))
        .and(path("/gmail/v1/users/me/messages/h1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(only_html))
        .mount(&server)
        .await;
    let source = sources.standalone("ya29.token");
    let message = source.message("h1").await.unwrap();
    // No internalDate: the receipt time is the sender's Date.
    assert_eq!(message.received_at.timestamp(), 1_741_960_800);
    let body = message.body.unwrap();
    assert_eq!(body.text.as_deref(), Some("Le rapport est prêt."));
    assert_eq!(body.html.as_deref(), Some(html));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_small_attachment_held_in_the_message_is_served_from_it() {
    let (server, sources) = mock().await;
    let notes = b"agenda: budget, hiring\r\n";
    let message = json!({
        "id": "n1", "threadId": "n1", "labelIds": ["INBOX"], "internalDate": "1741960800000",
        "payload": {
            "partId": "", "mimeType": "multipart/mixed", "filename": "",
            "headers": headers(&[("Subject", "Notes")]),
            "body": {"size": 0},
            "parts": [
                {"partId": "0", "mimeType": "text/plain", "filename": "",
                 "headers": headers(&[("Content-Type", "text/plain; charset=UTF-8")]),
                 "body": {"size": 3, "data": b64(b"see")}},
                {"partId": "1", "mimeType": "Text/Plain", "filename": "notes.txt",
                 "headers": headers(&[("Content-Disposition", "attachment; filename=notes.txt")]),
                 "body": {"size": notes.len(), "data": b64(notes)}}
            ]
        }
    });
    Mock::given(method("GET"))
        .and(path("/gmail/v1/users/me/messages/n1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(message))
        .mount(&server)
        .await;
    // No attachments.get is mounted: asking it would be wiremock's 404.
    let source = sources.standalone("ya29.token");
    let listed = source.message("n1").await.unwrap();
    let ids: Vec<(&str, &str)> =
        listed.attachments.iter().map(|a| (a.id.as_str(), a.name.as_str())).collect();
    assert_eq!(ids, [("1", "notes.txt")]);

    let content = source.attachment("n1", "1").await.unwrap();
    assert_eq!(content.content_type, "text/plain");
    assert_eq!(content.length, Some(notes.len() as u64));
    let bytes: Vec<u8> = content.chunks.map(|c| c.unwrap()).concat().await;
    assert_eq!(bytes, notes);
}

/// A message that is one file (a scanner's PDF): its root part is the attachment, with an
/// empty `partId`. Its id stays the same from one reading to the next while Gmail hands out a
/// new `attachmentId` at each, and the download asks for the current one.
#[tokio::test(flavor = "multi_thread")]
async fn a_message_that_is_one_file_keeps_its_attachment_id_across_readings() {
    let (server, sources) = mock().await;
    let pdf = b"%PDF-1.4 scanned page";
    let reading = |attachment_id: &str| {
        json!({
            "id": "f1", "threadId": "f1", "labelIds": ["INBOX"], "internalDate": "1741960800000",
            "payload": {
                "partId": "", "mimeType": "application/pdf", "filename": "scan.pdf",
                "headers": headers(&[("Subject", "Scan"),
                    ("Content-Type", "application/pdf; name=scan.pdf"),
                    ("Content-Disposition", "attachment; filename=scan.pdf")]),
                "body": {"size": pdf.len(), "attachmentId": attachment_id}
            }
        })
    };
    Mock::given(method("GET"))
        .and(path("/gmail/v1/users/me/messages/f1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(reading("ANGjdJ_first")))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/gmail/v1/users/me/messages/f1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(reading("ANGjdJ_second")))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/gmail/v1/users/me/messages/f1/attachments/ANGjdJ_second"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"size": pdf.len(), "data": URL_SAFE_NO_PAD.encode(pdf)})),
        )
        .mount(&server)
        .await;
    let source = sources.standalone("ya29.token");
    let listed = source.message("f1").await.unwrap();
    let ids: Vec<(&str, &str)> =
        listed.attachments.iter().map(|a| (a.id.as_str(), a.name.as_str())).collect();
    assert_eq!(ids, [("root", "scan.pdf")]);
    assert!(listed.has_attachments);

    let content = source.attachment("f1", "root").await.unwrap();
    assert_eq!(content.content_type, "application/pdf");
    let bytes: Vec<u8> = content.chunks.map(|c| c.unwrap()).concat().await;
    assert_eq!(bytes, pdf);
}
