//! Analytics over the caller's stored mail, for any provider: the pulse of received mail, top
//! senders, a thread's summary and the digest since a time. Another user's (or an unknown)
//! account, folder or thread is a 404; an id that does not parse, a time that is not one, or a
//! time in the future is a 422 naming the parameter.

pub mod digest;
pub mod pulse;
pub mod thread_summary;
pub mod top_senders;

use switchboard_domain::mail_stats::TopSender;

use crate::proto::v1;

/// Senders as the contract shows them.
pub fn senders(top: Vec<TopSender>) -> Vec<v1::MailTopSender> {
    top.into_iter()
        .map(|s| v1::MailTopSender { address: s.address, name: s.name, count: s.messages })
        .collect()
}
