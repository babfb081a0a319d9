//! `GET` and `PATCH /api/me/preferences`

use actix_web::web;
use switchboard_domain::notifications::NotificationKind;
use switchboard_ports::Ports;
use switchboard_services::{KindPreference, NotificationService};

use crate::auth::{Caller, Read, Write};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{NotificationPreference, Preferences, UpdatePreferencesRequest};
use crate::reply::Reply;

fn answer(preferences: &[KindPreference]) -> Preferences {
    Preferences {
        notifications: preferences
            .iter()
            .map(|p| NotificationPreference {
                kind: p.kind.as_str().to_owned(),
                enabled: p.enabled,
            })
            .collect(),
    }
}

/// The caller's preferences: every notification kind, and whether they are notified of it.
#[utoipa::path(
    get, operation_id = "get_preferences", path = "/api/me/preferences", tag = "me", security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The preferences", body = Envelope<Preferences>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
    )
)]
pub async fn get<P: Ports>(
    notifications: web::Data<NotificationService<P>>,
    caller: Caller<P, Read>,
) -> Result<Reply<Preferences>, ApiError> {
    Ok(Reply::ok(answer(&notifications.preferences(&caller.principal).await?)))
}

/// Turns notification kinds on or off (`enabled: false` opts out: no notification of the
/// kind is made); kinds left out stay as they are.
#[utoipa::path(
    patch, operation_id = "update_preferences", path = "/api/me/preferences", tag = "me", security(("bearer" = ["write"])),
    request_body = UpdatePreferencesRequest,
    responses(
        (status = 200, description = "The preferences", body = Envelope<Preferences>),
        (status = 422, description = "An unknown kind, named in `errors`", body = ErrorEnvelope),
    )
)]
pub async fn update<P: Ports>(
    notifications: web::Data<NotificationService<P>>,
    caller: Caller<P, Write>,
    body: Payload<UpdatePreferencesRequest>,
) -> Result<Reply<Preferences>, ApiError> {
    let body = body.into_inner();
    let mut errors = Vec::new();
    let mut changes = Vec::new();
    for (i, p) in body.notifications.iter().enumerate() {
        match p.kind.parse::<NotificationKind>() {
            Ok(kind) => changes.push(KindPreference { kind, enabled: p.enabled }),
            Err(e) => errors.push(FieldError::new(
                format!("notifications[{i}].kind"),
                "invalid",
                e.to_string(),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let preferences = notifications.set_preferences(&caller.principal, changes).await?;
    Ok(Reply::ok(answer(&preferences)))
}
