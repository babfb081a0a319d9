//! `GET /api/mail/messages/{id}/attachments/{attachment_id}`

use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
    HeaderValue,
};
use actix_web::{HttpResponse, web};
use futures_util::TryStreamExt;
use switchboard_ports::Ports;
use switchboard_services::MailService;

use crate::auth::{Caller, Read};
use crate::envelope::ErrorEnvelope;
use crate::error::ApiError;
use crate::path::Path;

/// An attachment's bytes, streamed from the provider as they come (never held whole), with
/// its content type, `Content-Length` when the provider gives it, and
/// `Content-Disposition: attachment` with its file name (RFC 6266, UTF-8 per RFC 5987).
/// `X-Content-Type-Options: nosniff` keeps browsers from running it as anything else. Errors
/// found before the first byte answer in the envelope; a failure mid-stream cuts the
/// connection short (the length then does not match).
#[utoipa::path(
    get, operation_id = "get_mail_attachment", path = "/api/mail/messages/{id}/attachments/{attachment_id}", tag = "mail", security(("bearer" = ["read"])),
    params(
        ("id" = String, Path, description = "Message id"),
        ("attachment_id" = String, Path, description = "Attachment id (from the message's `attachments`)"),
    ),
    responses(
        (status = 200, description = "The attachment's bytes, in its own content type", content_type = "application/octet-stream",
            headers(
                ("Content-Disposition" = String, description = "`attachment; filename*=UTF-8''…`"),
                ("X-Content-Type-Options" = String, description = "`nosniff`"),
            )),
        (status = 404, description = "No such message of the caller's, or no such attachment on it", body = ErrorEnvelope),
        (status = 409, description = "The mailbox must be linked again (`reauth_required`)", body = ErrorEnvelope),
        (status = 502, description = "The provider failed", body = ErrorEnvelope),
    )
)]
pub async fn get<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Read>,
    ids: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, attachment_id) = ids.into_inner();
    let message = super::message_path(&id)?;
    let download = mail.attachment(&caller.principal, message, &attachment_id).await?;
    // A type the provider got wrong must not break the header: bytes are bytes.
    let content_type = HeaderValue::from_str(&download.content_type)
        .ok()
        .filter(|v| v.to_str().is_ok_and(|t| t.contains('/')))
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::FilenameExt(ExtendedValue {
            charset: Charset::Ext("UTF-8".to_owned()),
            language_tag: None,
            value: download.name.into_bytes(),
        })],
    };
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header(disposition)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"));
    let chunks = download.chunks.map_ok(web::Bytes::from);
    Ok(match download.length {
        // A known length is announced, so clients show progress and can tell a cut-off.
        Some(length) => response.no_chunking(length).streaming(chunks),
        None => response.streaming(chunks),
    })
}
