//! Loading a window's posts (one statement per window for a step of channels) and computing
//! statistics on the blocking pool.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use switchboard_domain::analytics::{ChatMessage, Parallelism, TimeWindow};
use switchboard_domain::chat_sources::ChannelId;
use switchboard_domain::chat_stats::{ChannelStats, StatsSettings};
use switchboard_ports::{ChatStatsStore, StoreError, WindowPost};
use tokio::sync::Semaphore;

use super::{StatsError, StatsPolicy};

/// Where computations run: on the blocking pool, at most `max_concurrent` at once, their
/// parallel parts on the process's one analytics pool (so concurrent computations share its
/// threads instead of each starting its own).
pub(super) struct Cpu {
    permits: Semaphore,
    parallelism: Arc<dyn Parallelism + Send + Sync>,
}

impl Cpu {
    pub(super) fn new(
        max_concurrent: usize,
        parallelism: Arc<dyn Parallelism + Send + Sync>,
    ) -> Self {
        Self { permits: Semaphore::new(max_concurrent.max(1)), parallelism }
    }
}

/// Posts read for a computation.
#[derive(Debug)]
pub(super) struct Loaded {
    channels: Vec<ChannelId>,
    posts: Vec<WindowPost>,
}

/// The posts `channels`' statistics ending at `now` need: their window (the latest
/// `max_window_posts` of each) and the history before it (the latest `max_history_posts`).
pub(super) async fn load<T: ChatStatsStore>(
    tx: &mut T,
    channels: &[ChannelId],
    now: DateTime<Utc>,
    policy: &StatsPolicy,
) -> Result<Loaded, StoreError> {
    let window = policy.settings.window_ending_at(now);
    let history = policy.settings.history_before(now);
    let mut posts = tx.chat_window_posts(channels, window, policy.max_window_posts).await?;
    posts.extend(tx.chat_window_posts(channels, history, policy.max_history_posts).await?);
    Ok(Loaded { channels: channels.to_vec(), posts })
}

/// A post as the analytics see it: counted by author id, a bot's marked as such.
fn view(p: &WindowPost) -> ChatMessage<'_> {
    let view = ChatMessage::new(&p.author, &p.text, p.posted_at).by_id(&p.author_id);
    if p.bot { view.from_bot() } else { view }
}

fn views(posts: &[WindowPost]) -> Vec<ChatMessage<'_>> {
    posts.iter().map(view).collect()
}

/// Every loaded channel's statistics ending at `now` (empty ones for channels without posts).
pub(super) async fn compute(
    cpu: &Cpu,
    loaded: Loaded,
    now: DateTime<Utc>,
    settings: StatsSettings,
) -> Result<Vec<ChannelStats>, StatsError> {
    offload(cpu, move |parallelism| {
        let mut by_channel: HashMap<ChannelId, Vec<ChatMessage<'_>>> = HashMap::new();
        for p in &loaded.posts {
            by_channel.entry(p.channel_id).or_default().push(view(p));
        }
        loaded
            .channels
            .iter()
            .map(|&channel| {
                let posts = by_channel.get(&channel).map_or(&[][..], Vec::as_slice);
                ChannelStats::compute(channel, posts, now, &settings, parallelism)
            })
            .collect()
    })
    .await
}

/// `analyse` over the posts of one window, on the blocking pool.
pub(super) async fn over_window<T: Send + 'static>(
    cpu: &Cpu,
    posts: Vec<WindowPost>,
    window: TimeWindow,
    analyse: impl FnOnce(&[ChatMessage<'_>], TimeWindow, &dyn Parallelism) -> T + Send + 'static,
) -> Result<T, StatsError> {
    offload(cpu, move |parallelism| analyse(&views(&posts), window, parallelism)).await
}

/// Runs CPU-bound `work` on the blocking pool once a permit is free: the async workers keep
/// serving while it runs, and at most `max_concurrent` computations share the analytics pool.
pub(super) async fn offload<T: Send + 'static>(
    cpu: &Cpu,
    work: impl FnOnce(&dyn Parallelism) -> T + Send + 'static,
) -> Result<T, StatsError> {
    let permit = cpu.permits.acquire().await.map_err(|e| StatsError::Compute(e.to_string()))?;
    let parallelism = cpu.parallelism.clone();
    let result = tokio::task::spawn_blocking(move || work(&*parallelism)).await;
    drop(permit);
    result.map_err(|e| StatsError::Compute(e.to_string()))
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use std::collections::HashSet;
    use std::sync::Mutex;
    use std::thread::ThreadId;

    use chrono::TimeDelta;
    use switchboard_domain::analytics::{LexRankOptions, Task, summary};

    use super::*;

    /// The shared pool, recording on which threads the parts ran.
    struct Recorded {
        pool: rayon::ThreadPool,
        threads: Mutex<HashSet<ThreadId>>,
        outside_pool: Mutex<usize>,
    }

    impl Parallelism for Recorded {
        fn width(&self) -> usize {
            self.pool.width()
        }

        fn run<'a>(&self, tasks: Vec<Task<'a>>) {
            let tasks: Vec<Task<'_>> = tasks
                .into_iter()
                .map(|task| -> Task<'_> {
                    Box::new(move || {
                        self.threads.lock().unwrap().insert(std::thread::current().id());
                        if rayon::current_thread_index().is_none() {
                            *self.outside_pool.lock().unwrap() += 1;
                        }
                        task();
                    })
                })
                .collect();
            self.pool.run(tasks);
        }
    }

    fn window_posts(start: DateTime<Utc>) -> Vec<WindowPost> {
        let channel_id = ChannelId::new();
        (0..3000)
            .map(|i| WindowPost {
                channel_id,
                author_id: format!("U{}", i % 7),
                author: format!("user{}", i % 7),
                bot: false,
                text: format!(
                    "w{} v{} topic{}. Another sentence about u{}",
                    i % 37,
                    i % 41,
                    i % 29,
                    i % 13
                ),
                posted_at: start + TimeDelta::seconds(i),
            })
            .collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_computations_share_the_one_pool_they_are_given() {
        let recorded = Arc::new(Recorded {
            pool: rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap(),
            threads: Mutex::default(),
            outside_pool: Mutex::default(),
        });
        let cpu = Arc::new(Cpu::new(4, recorded.clone()));
        let start = DateTime::from_timestamp(1_714_550_400, 0).unwrap();
        let window = TimeWindow::ending_at(start + TimeDelta::days(1), TimeDelta::days(1));
        let runs = (0..8).map(|_| {
            let cpu = cpu.clone();
            tokio::spawn(async move {
                over_window(&cpu, window_posts(start), window, |m, w, p| {
                    summary(m, w, &LexRankOptions::default(), p).text()
                })
                .await
            })
        });
        for run in runs.collect::<Vec<_>>() {
            assert!(!run.await.unwrap().unwrap().is_empty());
        }
        let threads = recorded.threads.lock().unwrap().len();
        assert!((1..=2).contains(&threads), "8 computations' parts ran on {threads} threads");
        assert_eq!(*recorded.outside_pool.lock().unwrap(), 0, "every part ran on the pool");
    }
}
