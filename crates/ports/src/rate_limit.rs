//! The 429 loop every provider adapter (chat and mail) runs, written once: wait as the provider
//! says within a [`RetryPolicy`], and hold back the other calls of the same source meanwhile.
//!
//! An adapter reads thread replies and channels several at a time; when one call is told to
//! wait, the others would only be refused too (and count against the limit). A [`RateGate`]
//! shared by a source's calls makes them all wait out the pause before sending, and fail at
//! once with [`ChatError::RateLimited`] when the pause is longer than the policy waits.
//!
//! Runtime-free: the adapter passes its sleep function (`tokio::time::sleep`).

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::chat::{ChatError, RetryPolicy};
use crate::mail::MailError;

/// A port error that can say "still throttled": what [`retrying`] gives up with.
pub trait Throttled {
    /// The error for a call still throttled after the policy's retries, the provider having
    /// asked to wait `retry_after`.
    fn rate_limited(retry_after: Duration) -> Self;
}

impl Throttled for ChatError {
    fn rate_limited(retry_after: Duration) -> Self {
        Self::RateLimited { retry_after }
    }
}

impl Throttled for MailError {
    fn rate_limited(retry_after: Duration) -> Self {
        Self::RateLimited { retry_after }
    }
}

/// What one try of a call gave: the answer, or a 429 with its `Retry-After` (zero when the
/// provider gave none).
#[derive(Debug)]
pub enum Try<T> {
    /// The provider answered (any status but 429); the adapter reads it.
    Answer(T),
    /// The provider answered 429.
    Throttled(Duration),
}

/// A pause shared by the calls of one source (clones share it).
#[derive(Debug, Clone, Default)]
pub struct RateGate {
    until: Arc<Mutex<Option<Instant>>>,
}

impl RateGate {
    /// A gate with no pause.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long calls must still wait, if a pause is running.
    pub fn remaining(&self) -> Option<Duration> {
        let until = *self.until.lock().unwrap_or_else(PoisonError::into_inner);
        until
            .and_then(|until| until.checked_duration_since(Instant::now()))
            .filter(|d| !d.is_zero())
    }

    /// Holds every call back for `wait` from now (a running longer pause is kept).
    pub fn pause(&self, wait: Duration) {
        let Some(end) = Instant::now().checked_add(wait) else { return };
        let mut until = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        *until = Some(until.map_or(end, |current| current.max(end)));
    }
}

/// Runs `call` until it is answered, waiting out 429s as `policy` allows: each `Retry-After`
/// (at least the policy's backoff) pauses the gate, so the source's other calls wait too; a
/// pause longer than `policy.max_wait`, or too many 429s for this call, ends it with
/// [`ChatError::RateLimited`].
///
/// # Errors
/// [`ChatError::RateLimited`] as said, or the error `call` returned.
///
/// ```
/// # use std::time::Duration;
/// # use switchboard_ports::chat::RetryPolicy;
/// # use switchboard_ports::rate_limit::{RateGate, Try, with_retries};
/// # futures_executor_free(async {
/// let policy = RetryPolicy { max_retries: 2, base_backoff: Duration::ZERO, max_wait: Duration::from_secs(1) };
/// let gate = RateGate::new();
/// let mut tries = 0;
/// let answer = with_retries(&policy, &gate, |_| async {}, || {
///     tries += 1;
///     let answer = if tries < 3 { Try::Throttled(Duration::ZERO) } else { Try::Answer("ok") };
///     async move { Ok(answer) }
/// })
/// .await;
/// assert_eq!(answer, Ok("ok"));
/// # });
/// # fn futures_executor_free(f: impl std::future::Future<Output = ()>) {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     assert!(f.as_mut().poll(&mut cx).is_ready());
/// # }
/// ```
pub async fn with_retries<T, Call, CallFuture, Sleep, SleepFuture>(
    policy: &RetryPolicy,
    gate: &RateGate,
    sleep: Sleep,
    call: Call,
) -> Result<T, ChatError>
where
    Call: FnMut() -> CallFuture,
    CallFuture: Future<Output = Result<Try<T>, ChatError>>,
    Sleep: Fn(Duration) -> SleepFuture,
    SleepFuture: Future<Output = ()>,
{
    retrying(policy, gate, sleep, call).await
}

/// [`with_retries`] for any port's error (the mail adapters give up with
/// [`MailError::RateLimited`]).
///
/// # Errors
/// `E::rate_limited` when still throttled, or the error `call` returned.
pub async fn retrying<T, E, Call, CallFuture, Sleep, SleepFuture>(
    policy: &RetryPolicy,
    gate: &RateGate,
    sleep: Sleep,
    mut call: Call,
) -> Result<T, E>
where
    E: Throttled,
    Call: FnMut() -> CallFuture,
    CallFuture: Future<Output = Result<Try<T>, E>>,
    Sleep: Fn(Duration) -> SleepFuture,
    SleepFuture: Future<Output = ()>,
{
    let mut attempt = 0;
    loop {
        if let Some(wait) = gate.remaining() {
            if wait > policy.max_wait {
                return Err(E::rate_limited(wait));
            }
            sleep(wait).await;
        }
        match call().await? {
            Try::Answer(answer) => return Ok(answer),
            Try::Throttled(retry_after) => match policy.delay(attempt, retry_after) {
                Some(wait) => {
                    gate.pause(wait);
                    attempt += 1;
                }
                None => {
                    gate.pause(retry_after);
                    return Err(E::rate_limited(retry_after));
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_holds_back_every_clone_and_only_grows() {
        let gate = RateGate::new();
        let other = gate.clone();
        assert_eq!(other.remaining(), None);
        gate.pause(Duration::from_secs(30));
        let left = other.remaining().unwrap_or_default();
        assert!(left > Duration::from_secs(29) && left <= Duration::from_secs(30));
        gate.pause(Duration::from_secs(1));
        assert!(other.remaining().unwrap_or_default() > Duration::from_secs(29));
    }
}
