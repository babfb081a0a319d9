//! The `X-Switchboard-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
//! "<t>.<body>")>`, the scheme Stripe made familiar, so receivers can check a delivery came
//! from here and refuse one replayed later than their tolerance.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header's name.
pub const SIGNATURE_HEADER: &str = "X-Switchboard-Signature";
/// The header naming the event.
pub const EVENT_ID_HEADER: &str = "X-Switchboard-Event-Id";
/// The header naming the delivery (the same on every retry of it).
pub const DELIVERY_ID_HEADER: &str = "X-Switchboard-Delivery-Id";

/// The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// The header's value for `body` sent at `timestamp`.
///
/// ```
/// use switchboard_services::webhooks::signature_header;
///
/// let header = signature_header(b"whsec_test", 1_700_000_000, b"{}");
/// assert!(header.starts_with("t=1700000000,v1="));
/// assert_eq!(header.len(), "t=1700000000,v1=".len() + 64);
/// ```
pub fn signature_header(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", signature(secret, timestamp, body))
}
