#![doc = include_str!("../README.md")]

pub mod chat;
mod chat_posts;
mod chat_stats;
pub mod identity;
pub mod jobs;
pub mod mail;
pub mod mail_links;
mod mail_stats;
mod mail_threads;
pub mod mx;
pub mod no_mail;
pub mod notifications;
pub mod oauth;
pub mod readiness;
mod reads;
pub mod stream;
pub mod unit_of_work;
pub mod webhooks;
mod words;

use std::marker::PhantomData;

pub use chat::{ChatState, NoChatSource, NoChatSources};
pub use identity::{IdentityState, ManualClock, StoredRefreshToken};
pub use jobs::Schedule;
pub use mail::MailState;
pub use mx::FixedMx;
pub use no_mail::NoMail;
pub use notifications::NotificationState;
pub use readiness::StaticReadiness;
pub use unit_of_work::{MemoryState, MemoryStore, MemoryTx};
pub use webhooks::WebhookState;

/// The in-memory adapters as one [`switchboard_ports::Ports`] bundle. The cryptographic
/// adapters (`H`asher, `T`okens, `S`ecret box) are parameters: this crate implements none, so
/// tests plug in the real ones.
///
/// `C` builds chat sources; [`NoChatSources`] (the default) builds none that work. `M` is
/// the mail providers' clients; [`NoMail`] (the default) has none.
pub struct MemoryPorts<H, T, S, C = NoChatSources, M = NoMail>(
    PhantomData<Adapters<H, T, S, C, M>>,
);

type Adapters<H, T, S, C, M> = fn() -> (H, T, S, C, M);

impl<H, T, S, C, M> std::fmt::Debug for MemoryPorts<H, T, S, C, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemoryPorts")
    }
}

impl<H, T, S, C, M> switchboard_ports::Ports for MemoryPorts<H, T, S, C, M>
where
    H: switchboard_ports::PasswordHasher + Clone,
    T: switchboard_ports::TokenIssuer + Clone,
    S: switchboard_ports::SecretBox + Clone,
    C: switchboard_ports::ChatSourceFactory + Clone,
    M: switchboard_ports::MailAdapters + Clone,
{
    type Readiness = StaticReadiness;
    type Uow = MemoryStore;
    type Events = MemoryStore;
    type Jobs = MemoryStore;
    type Clock = ManualClock;
    type Hasher = H;
    type Tokens = T;
    type Secrets = S;
    type ChatSources = C;
    type Mail = M;
}
