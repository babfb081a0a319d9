//! The threads that run argon2id: a fixed number (one per core by default), each with its own
//! argon2 memory kept between hashes, at a low OS scheduling priority, fed by a bounded queue.
//!
//! Why not tokio's blocking pool behind a semaphore (the first design): argon2 is the one
//! CPU-bound job of the server, and at normal priority it competes with every request thread
//! and with PostgreSQL. A login storm then pushes up the latency of everything else. Here the
//! hashing threads run at `SCHED_IDLE` (or nice 19): the kernel hands the CPU to request
//! threads and database backends first, and hashing soaks up what they leave. With nothing else
//! to do, hashing still gets all the cores.
//!
//! Bounded: at most `queue` hashes wait; one more is refused at once with
//! [`HashError::Busy`] (an HTTP 503 with `Retry-After`) rather than queued without end. A hash
//! whose caller went away (the client disconnected) is skipped when its turn comes.
//!
//! The memory: argon2id with m=19456 KiB needs 19 MiB of blocks. Allocating them for every
//! hash costs page faults and zeroing, about a fifth of the hash time; each thread keeps its
//! blocks instead (so `threads` × m KiB stay resident).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

use argon2::Block;
use switchboard_ports::{CryptoError, HashError};
use thread_priority::{
    NormalThreadSchedulePolicy, ThreadPriority, ThreadSchedulePolicy,
    set_thread_priority_and_policy, thread_native_id,
};
use tokio::sync::oneshot;

/// The OS scheduling priority of the hashing threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HashPriority {
    /// `SCHED_IDLE`: runs only on CPU time nothing else wants (the default).
    #[default]
    Idle,
    /// Nice 19: the lowest normal priority.
    Low,
    /// Like every other thread.
    Normal,
}

type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// Runs argon2 work on its own threads. Dropping the last clone stops the threads once the
/// queue is empty.
#[derive(Clone)]
pub(crate) struct HashPool {
    queue: SyncSender<Job>,
}

impl std::fmt::Debug for HashPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HashPool").finish_non_exhaustive()
    }
}

fn lower_priority(priority: HashPriority) {
    let policy = match priority {
        HashPriority::Idle => NormalThreadSchedulePolicy::Idle,
        HashPriority::Low => NormalThreadSchedulePolicy::Other,
        HashPriority::Normal => return,
    };
    let result = set_thread_priority_and_policy(
        thread_native_id(),
        ThreadPriority::Min,
        ThreadSchedulePolicy::Normal(policy),
    );
    if let Err(error) = result {
        tracing::warn!(?error, ?priority, "cannot lower the argon2 threads' priority");
    }
}

fn work(jobs: &Mutex<Receiver<Job>>, priority: HashPriority) {
    lower_priority(priority);
    let mut memory = Vec::new();
    loop {
        // The lock is held only while waiting for the next job; a poisoned lock cannot
        // happen (nothing panics while holding it) but would end the thread.
        let job = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        // A panic in one hash fails that request (its answer channel drops), not the thread.
        let _ = catch_unwind(AssertUnwindSafe(|| job(&mut memory)));
    }
}

impl HashPool {
    /// Starts `threads` threads (at least one) with room for `queue` waiting jobs.
    ///
    /// # Errors
    /// [`CryptoError`] when a thread cannot be started.
    pub(crate) fn start(
        threads: usize,
        queue: usize,
        priority: HashPriority,
    ) -> Result<Self, CryptoError> {
        let (sender, receiver) = sync_channel::<Job>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads.max(1) {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || work(&receiver, priority))
                .map_err(|e| CryptoError(format!("cannot start a hashing thread: {e}")))?;
        }
        Ok(Self { queue: sender })
    }

    /// Runs `task` on a hashing thread with that thread's argon2 memory, and waits for it.
    ///
    /// # Errors
    /// [`HashError::Busy`] when the queue is full, [`HashError::Failed`] when the task
    /// panicked or the threads are gone.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        task: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (answer, result) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            metrics::gauge!("switchboard_hash_queue_length").decrement(1.0);
            if !answer.is_closed() {
                let _ = answer.send(task(memory));
            }
        });
        match self.queue.try_send(job) {
            Ok(()) => metrics::gauge!("switchboard_hash_queue_length").increment(1.0),
            Err(TrySendError::Full(_)) => {
                // Answered 503 with Retry-After.
                metrics::counter!("switchboard_hash_rejected_total").increment(1);
                return Err(HashError::Busy { retry_after: 1 });
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err(CryptoError("the hashing threads are gone".into()).into());
            }
        }
        result.await.map_err(|_| CryptoError("a hashing task failed".into()).into())
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn runs_work_and_refuses_past_the_queue() {
        let pool = HashPool::start(1, 1, HashPriority::Low).unwrap();
        assert_eq!(pool.run(|memory| memory.len()).await.unwrap(), 0);

        // Hold the only thread, fill the one queue slot: the next job is refused at once.
        let (release, held) = mpsc::channel::<()>();
        let (started, running) = mpsc::channel::<()>();
        let blocker = tokio::spawn({
            let pool = pool.clone();
            async move {
                pool.run(move |_| {
                    started.send(()).unwrap();
                    held.recv().unwrap();
                })
                .await
            }
        });
        tokio::task::spawn_blocking(move || running.recv_timeout(Duration::from_secs(5)))
            .await
            .unwrap()
            .unwrap();
        // `run` takes its queue slot on its first poll: poll once, and the slot is taken.
        let mut queued = std::pin::pin!(pool.run(|_| 7));
        std::future::poll_fn(|cx| {
            assert!(queued.as_mut().poll(cx).is_pending());
            std::task::Poll::Ready(())
        })
        .await;
        assert_eq!(pool.run(|_| 8).await, Err(HashError::Busy { retry_after: 1 }));
        release.send(()).unwrap();
        blocker.await.unwrap().unwrap();
        assert_eq!(queued.await.unwrap(), 7);
    }

    #[tokio::test]
    async fn a_panicking_task_fails_alone() {
        let pool = HashPool::start(1, 4, HashPriority::Normal).unwrap();
        let failed = pool.run(|_| -> u8 { panic!("boom") }).await;
        assert!(matches!(failed, Err(HashError::Failed(_))));
        assert_eq!(pool.run(|_| 1).await.unwrap(), 1);
    }

    /// This thread's (nice, scheduling policy) from `/proc`.
    #[cfg(target_os = "linux")]
    fn nice_and_policy() -> (i64, i64) {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
        let fields: Vec<i64> = stat
            .rsplit_once(')')
            .unwrap()
            .1
            .split_whitespace()
            .map(|f| f.parse().unwrap_or(-1))
            .collect();
        // Fields 19 (nice) and 41 (policy), counted from 1, after pid and comm.
        (fields[16], fields[38])
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_threads_run_at_the_priority_asked() {
        const SCHED_OTHER: i64 = 0;
        const SCHED_IDLE: i64 = 5;
        let idle = HashPool::start(1, 1, HashPriority::Idle).unwrap();
        assert_eq!(idle.run(|_| nice_and_policy()).await.unwrap().1, SCHED_IDLE);
        let low = HashPool::start(1, 1, HashPriority::Low).unwrap();
        assert_eq!(low.run(|_| nice_and_policy()).await.unwrap(), (19, SCHED_OTHER));
    }

    #[tokio::test]
    async fn memory_stays_with_the_thread() {
        let pool = HashPool::start(1, 4, HashPriority::Idle).unwrap();
        pool.run(|memory| memory.resize(8, Block::default())).await.unwrap();
        assert_eq!(pool.run(|memory| memory.len()).await.unwrap(), 8);
    }
}
