//! The analytics start no thread: their parallel parts run only where the caller's
//! [`Parallelism`] puts them. Alone in its file, so no other test's threads come and go in
//! this process while it counts.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::sync::Mutex;

use switchboard_domain::analytics::{
    LexRankOptions, Parallelism, Task, representative_messages, summary,
};

mod corpus;

/// The process's threads, as Linux lists them.
fn os_threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

/// Runs the parts on the calling thread, noting the process's thread count as each runs.
#[derive(Default)]
struct Watching {
    counts: Mutex<Vec<usize>>,
}

impl Parallelism for Watching {
    fn width(&self) -> usize {
        8
    }

    fn run<'a>(&self, tasks: Vec<Task<'a>>) {
        for task in tasks {
            self.counts.lock().unwrap().push(os_threads());
            task();
        }
    }
}

#[test]
fn a_window_of_10k_posts_is_ranked_without_starting_a_thread() {
    let channel = corpus::channel(7, 0, 0, 10_000, 3);
    let messages = channel.window_messages();
    let watching = Watching::default();
    let before = os_threads();
    let options = LexRankOptions::default();
    assert!(!representative_messages(&messages, channel.window, &options, &watching).is_empty());
    assert!(!summary(&messages, channel.window, &options, &watching).is_empty());
    let counts = watching.counts.lock().unwrap();
    assert!(counts.len() >= 2, "the graphs were split into parts: {counts:?}");
    assert!(counts.iter().all(|&c| c == before), "{before} threads before, then {counts:?}");
    assert_eq!(os_threads(), before);
}
